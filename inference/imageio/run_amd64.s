//go:build amd64 && !purego

#include "textflag.h"

// func scanRunSSE2(p *byte, n int) (k int, found bool)
//
// Each step compares p[o..o+16) with p[o+1..o+17): bit j of the mask is
// set where p[o+j] == p[o+j+1]. A run (minRun = 6) starts after p[o+j]
// where bits j..j+5 are all set, found for j = 0..10: t = m & m>>1 has
// pairs, t & t>>2 fours, and that & t>>4 sixes. The next step starts 11
// bytes on.
TEXT ·scanRunSSE2(SB), NOSPLIT, $0-25
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	XORQ AX, AX

loop:
	LEAQ     17(AX), BX
	CMPQ     BX, CX
	JA       notfound
	MOVOU    (SI)(AX*1), X0
	MOVOU    1(SI)(AX*1), X1
	PCMPEQB  X1, X0
	PMOVMSKB X0, BX
	MOVQ     BX, DX
	SHRQ     $1, DX
	ANDQ     DX, BX
	MOVQ     BX, R8
	MOVQ     BX, DX
	SHRQ     $2, DX
	ANDQ     DX, BX
	SHRQ     $4, R8
	ANDQ     R8, BX
	ANDQ     $0x7ff, BX
	JNZ      found
	ADDQ     $11, AX
	JMP      loop

found:
	BSFQ BX, BX
	ADDQ BX, AX
	MOVQ AX, k+16(FP)
	MOVB $1, found+24(FP)
	RET

notfound:
	MOVQ AX, k+16(FP)
	MOVB $0, found+24(FP)
	RET
