//go:build amd64 && !purego

#include "textflag.h"

// func maskRGBASSE2(dst, src *byte, blocks int)
TEXT ·maskRGBASSE2(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    blocks+16(FP), CX
	PCMPEQL X3, X3 // 0xff000000 in each pixel: its alpha
	PSLLL   $24, X3
	PXOR    X2, X2
	TESTQ   CX, CX
	JZ      done

loop:
	MOVOU   (SI), X0
	MOVO    X0, X1
	PAND    X3, X1
	PCMPEQL X2, X1 // all ones where alpha is 0
	PANDN   X0, X1 // the pixel elsewhere
	MOVOU   X1, (DI)
	ADDQ    $16, SI
	ADDQ    $16, DI
	DECQ    CX
	JNZ     loop

done:
	RET

// func sumAbsSSE2(p *byte, blocks int) int
//
// |int8(v)| = |(v xor 0x80) − 0x80| as unsigned bytes, which PSADBW sums
// eight bytes at a time.
TEXT ·sumAbsSSE2(SB), NOSPLIT, $0-24
	MOVQ       p+0(FP), SI
	MOVQ       blocks+8(FP), CX
	MOVQ       $0x8080808080808080, AX
	MOVQ       AX, X3
	PUNPCKLQDQ X3, X3
	PXOR       X1, X1
	TESTQ      CX, CX
	JZ         sum

loop:
	MOVOU  (SI), X0
	PXOR   X3, X0
	PSADBW X3, X0
	PADDQ  X0, X1
	ADDQ   $16, SI
	DECQ   CX
	JNZ    loop

sum:
	MOVQ   X1, AX
	PSRLDQ $8, X1
	MOVQ   X1, BX
	ADDQ   BX, AX
	MOVQ   AX, ret+16(FP)
	RET
