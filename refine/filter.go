package refine

// boxMean returns the mean of the w×h map v (values in [0,1]) over the
// (2r+1)² box around each pixel, the border repeated beyond the edges:
// Feather's box passes, linear in the pixel count whatever r.
func boxMean(v []float32, w, h, r int) []float32 {
	m := &Matte{W: w, H: h, Pix: append([]float32(nil), v...)}
	if r > 0 && w > 0 && h > 0 {
		boxRows(m, r)
		boxColumns(m, r)
	}
	return m.Pix
}

// maxFilter returns the maximum of the w×h map v (values ≥ 0) over the
// (2r+1)² box around each pixel, clipped at the edges: ShiftEdge's
// sliding maximum, linear in the pixel count whatever r.
func maxFilter(v []float32, w, h, r int) []float32 {
	m := &Matte{W: w, H: h, Pix: append([]float32(nil), v...)}
	if r > 0 && w > 0 && h > 0 {
		maxFilterRows(m, r)
		maxFilterColumns(m, r)
	}
	return m.Pix
}
