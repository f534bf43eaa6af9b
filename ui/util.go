package ui

import (
	"math"
	"strconv"
)

func pow(a, b float64) float64      { return math.Pow(a, b) }
func logRatio(a, b float64) float64 { return math.Log(a) / math.Log(b) }
func absF(v float64) float64        { return math.Abs(v) }
func itoa(v int) string             { return strconv.Itoa(v) }

func clampF(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
