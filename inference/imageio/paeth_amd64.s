//go:build amd64 && !purego

#include "textflag.h"

// PAETH8 turns the 16-bit lanes of a (X4), b (X5) and c (X6) into the
// Paeth predictor in X7, with X14 zero. pa = |b−c|, pb = |a−c| and
// pc = |a+b−2c| (absolute values as max(v, −v)); the predictor is a where
// pa ≤ min(pb, pc), else b where pb ≤ pc, else c.
#define PAETH8 \
	MOVO    X5, X7   \ // X7 = b − c
	PSUBW   X6, X7   \
	MOVO    X4, X8   \ // X8 = a − c
	PSUBW   X6, X8   \
	MOVO    X7, X9   \ // X9 = a + b − 2c
	PADDW   X8, X9   \
	MOVO    X14, X10 \ // pa = |X7|
	PSUBW   X7, X10  \
	PMAXSW  X10, X7  \
	MOVO    X14, X10 \ // pb = |X8|
	PSUBW   X8, X10  \
	PMAXSW  X10, X8  \
	MOVO    X14, X10 \ // pc = |X9|
	PSUBW   X9, X10  \
	PMAXSW  X10, X9  \
	MOVO    X8, X11  \ // X11 = min(pb, pc)
	PMINSW  X9, X11  \
	PCMPGTW X11, X7  \ // X7 = pa > min(pb, pc): not a
	PCMPGTW X9, X8   \ // X8 = pb > pc: c rather than b
	MOVO    X8, X12  \
	PAND    X6, X12  \ // c where X8
	PANDN   X5, X8   \ // b elsewhere
	POR     X12, X8  \
	PAND    X7, X8   \ // that where not a
	PANDN   X4, X7   \ // a elsewhere
	POR     X8, X7

// func paethSSE2(d, cur, prev *byte, blocks int)
TEXT ·paethSSE2(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ cur+8(FP), SI
	MOVQ prev+16(FP), DX
	MOVQ blocks+24(FP), CX
	PXOR X14, X14
	TESTQ CX, CX
	JZ   done

loop:
	MOVOU (SI), X0   // x
	MOVOU -4(SI), X1 // a
	MOVOU (DX), X2   // b
	MOVOU -4(DX), X3 // c

	MOVO      X1, X4
	PUNPCKLBW X14, X4
	MOVO      X2, X5
	PUNPCKLBW X14, X5
	MOVO      X3, X6
	PUNPCKLBW X14, X6
	PAETH8
	MOVO      X7, X13 // predictor, low 8 bytes

	MOVO      X1, X4
	PUNPCKHBW X14, X4
	MOVO      X2, X5
	PUNPCKHBW X14, X5
	MOVO      X3, X6
	PUNPCKHBW X14, X6
	PAETH8

	PACKUSWB X7, X13 // predictor bytes, in order
	PSUBB    X13, X0
	MOVOU    X0, (DI)

	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	DECQ CX
	JNZ  loop

done:
	RET
