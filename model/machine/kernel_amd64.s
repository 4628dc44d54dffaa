//go:build amd64 && !purego

#include "textflag.h"
#include "rowargs_amd64.h"

// AVX2+FMA versions of the kernels in kernel.go (same results up to float32
// rounding). Every slice length is a multiple of 8 (the engine pads its
// chunks), so there is no scalar tail.
//
// Exponentials. expaccAVX2 uses a Cephes-style polynomial exp (its r^7 term
// dropped), relative error ~3e-7, and zeroes exactly the lanes expaccGo
// zeroes. expdotAVX2 and hexpAVX2, the hot loop of the engine, take 2^t
// (t = d*log2e) with a degree-5 polynomial (exp2c below): relative error
// 4e-7 for d in [-5, 0] and 2e-6 at d = -36, where a weight is e^-36 of
// the maximum's. They work on two vectors at a time with two sets of
// accumulators, so that the latency of the accumulating FMAs does not
// bound the loop (docs/engine.md has the timings), and skip a pair of vectors when all 16 lanes are more than skip below
// the maximum. In a pair that is computed, lanes below the threshold add
// their true (tiny, at most e^-36 relative) weight instead of 0, and lanes
// below -80 (padding lanes: -Inf) add e^-80; both are far below float32
// resolution of the sums.

DATA expc<>+0(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+4(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+8(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+12(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+16(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+20(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+24(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+28(SB)/4, $0x3fb8aa3b // log2e
DATA expc<>+32(SB)/4, $0x3f318000 // c1
DATA expc<>+36(SB)/4, $0x3f318000 // c1
DATA expc<>+40(SB)/4, $0x3f318000 // c1
DATA expc<>+44(SB)/4, $0x3f318000 // c1
DATA expc<>+48(SB)/4, $0x3f318000 // c1
DATA expc<>+52(SB)/4, $0x3f318000 // c1
DATA expc<>+56(SB)/4, $0x3f318000 // c1
DATA expc<>+60(SB)/4, $0x3f318000 // c1
DATA expc<>+64(SB)/4, $0xb95e8083 // c2
DATA expc<>+68(SB)/4, $0xb95e8083 // c2
DATA expc<>+72(SB)/4, $0xb95e8083 // c2
DATA expc<>+76(SB)/4, $0xb95e8083 // c2
DATA expc<>+80(SB)/4, $0xb95e8083 // c2
DATA expc<>+84(SB)/4, $0xb95e8083 // c2
DATA expc<>+88(SB)/4, $0xb95e8083 // c2
DATA expc<>+92(SB)/4, $0xb95e8083 // c2
DATA expc<>+96(SB)/4, $0x39506967 // p0
DATA expc<>+100(SB)/4, $0x39506967 // p0
DATA expc<>+104(SB)/4, $0x39506967 // p0
DATA expc<>+108(SB)/4, $0x39506967 // p0
DATA expc<>+112(SB)/4, $0x39506967 // p0
DATA expc<>+116(SB)/4, $0x39506967 // p0
DATA expc<>+120(SB)/4, $0x39506967 // p0
DATA expc<>+124(SB)/4, $0x39506967 // p0
DATA expc<>+128(SB)/4, $0x3ab743ce // p1
DATA expc<>+132(SB)/4, $0x3ab743ce // p1
DATA expc<>+136(SB)/4, $0x3ab743ce // p1
DATA expc<>+140(SB)/4, $0x3ab743ce // p1
DATA expc<>+144(SB)/4, $0x3ab743ce // p1
DATA expc<>+148(SB)/4, $0x3ab743ce // p1
DATA expc<>+152(SB)/4, $0x3ab743ce // p1
DATA expc<>+156(SB)/4, $0x3ab743ce // p1
DATA expc<>+160(SB)/4, $0x3c088908 // p2
DATA expc<>+164(SB)/4, $0x3c088908 // p2
DATA expc<>+168(SB)/4, $0x3c088908 // p2
DATA expc<>+172(SB)/4, $0x3c088908 // p2
DATA expc<>+176(SB)/4, $0x3c088908 // p2
DATA expc<>+180(SB)/4, $0x3c088908 // p2
DATA expc<>+184(SB)/4, $0x3c088908 // p2
DATA expc<>+188(SB)/4, $0x3c088908 // p2
DATA expc<>+192(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+196(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+200(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+204(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+208(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+212(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+216(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+220(SB)/4, $0x3d2aa9c1 // p3
DATA expc<>+224(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+228(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+232(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+236(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+240(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+244(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+248(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+252(SB)/4, $0x3e2aaaaa // p4
DATA expc<>+256(SB)/4, $0x3f000000 // p5
DATA expc<>+260(SB)/4, $0x3f000000 // p5
DATA expc<>+264(SB)/4, $0x3f000000 // p5
DATA expc<>+268(SB)/4, $0x3f000000 // p5
DATA expc<>+272(SB)/4, $0x3f000000 // p5
DATA expc<>+276(SB)/4, $0x3f000000 // p5
DATA expc<>+280(SB)/4, $0x3f000000 // p5
DATA expc<>+284(SB)/4, $0x3f000000 // p5
DATA expc<>+288(SB)/4, $0x3f800000 // one
DATA expc<>+292(SB)/4, $0x3f800000 // one
DATA expc<>+296(SB)/4, $0x3f800000 // one
DATA expc<>+300(SB)/4, $0x3f800000 // one
DATA expc<>+304(SB)/4, $0x3f800000 // one
DATA expc<>+308(SB)/4, $0x3f800000 // one
DATA expc<>+312(SB)/4, $0x3f800000 // one
DATA expc<>+316(SB)/4, $0x3f800000 // one
DATA expc<>+320(SB)/4, $0xc2a00000 // clamp
DATA expc<>+324(SB)/4, $0xc2a00000 // clamp
DATA expc<>+328(SB)/4, $0xc2a00000 // clamp
DATA expc<>+332(SB)/4, $0xc2a00000 // clamp
DATA expc<>+336(SB)/4, $0xc2a00000 // clamp
DATA expc<>+340(SB)/4, $0xc2a00000 // clamp
DATA expc<>+344(SB)/4, $0xc2a00000 // clamp
DATA expc<>+348(SB)/4, $0xc2a00000 // clamp
DATA expc<>+352(SB)/4, $0x0000007f // 127
DATA expc<>+356(SB)/4, $0x0000007f // 127
DATA expc<>+360(SB)/4, $0x0000007f // 127
DATA expc<>+364(SB)/4, $0x0000007f // 127
DATA expc<>+368(SB)/4, $0x0000007f // 127
DATA expc<>+372(SB)/4, $0x0000007f // 127
DATA expc<>+376(SB)/4, $0x0000007f // 127
DATA expc<>+380(SB)/4, $0x0000007f // 127
GLOBL expc<>(SB), RODATA|NOPTR, $384

// 2^f = c0 + c1 f + ... + c5 f^5 on [-1/2, 1/2]: a least-squares fit of the
// relative error (max 2.1e-7 evaluated in float32 with FMA), for the
// exponentials of expdotAVX2 and hexpAVX2.
DATA exp2c<>+0(SB)/4, $0x3f800001 // c0
DATA exp2c<>+4(SB)/4, $0x3f800001 // c0
DATA exp2c<>+8(SB)/4, $0x3f800001 // c0
DATA exp2c<>+12(SB)/4, $0x3f800001 // c0
DATA exp2c<>+16(SB)/4, $0x3f800001 // c0
DATA exp2c<>+20(SB)/4, $0x3f800001 // c0
DATA exp2c<>+24(SB)/4, $0x3f800001 // c0
DATA exp2c<>+28(SB)/4, $0x3f800001 // c0
DATA exp2c<>+32(SB)/4, $0x3f317214 // c1
DATA exp2c<>+36(SB)/4, $0x3f317214 // c1
DATA exp2c<>+40(SB)/4, $0x3f317214 // c1
DATA exp2c<>+44(SB)/4, $0x3f317214 // c1
DATA exp2c<>+48(SB)/4, $0x3f317214 // c1
DATA exp2c<>+52(SB)/4, $0x3f317214 // c1
DATA exp2c<>+56(SB)/4, $0x3f317214 // c1
DATA exp2c<>+60(SB)/4, $0x3f317214 // c1
DATA exp2c<>+64(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+68(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+72(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+76(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+80(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+84(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+88(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+92(SB)/4, $0x3e75fc8c // c2
DATA exp2c<>+96(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+100(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+104(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+108(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+112(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+116(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+120(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+124(SB)/4, $0x3d635b72 // c3
DATA exp2c<>+128(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+132(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+136(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+140(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+144(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+148(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+152(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+156(SB)/4, $0x3c1e8629 // c4
DATA exp2c<>+160(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+164(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+168(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+172(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+176(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+180(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+184(SB)/4, $0x3aae0472 // c5
DATA exp2c<>+188(SB)/4, $0x3aae0472 // c5
GLOBL exp2c<>(SB), RODATA|NOPTR, $192

// EXP2SUMS adds w = 2^((l - Y0) log2 e) over CX vectors of 8 lanes (logits
// at SI, values at DI; Y1 = -skip) into s0 = Y2, s1 = Y3 and n = Y15, two
// vectors per round with a second set of accumulators (Y13, Y14, Y12),
// skipping a pair when all 16 lanes are below -skip (see the header). It is
// the exponential loop of expdotAVX2 and hexpAVX2.
#define EXP2SUMS \
	VXORPS Y12, Y12, Y12; \
	VXORPS Y13, Y13, Y13; \
	VXORPS Y14, Y14, Y14; \
	VXORPS Y15, Y15, Y15; \
	MOVQ CX, DX; \
	SHRQ $1, DX; \
	ANDQ $1, CX; \
	TESTQ DX, DX; \
	JZ exp_tail; \
	exp_pair: \
	VMOVUPS (SI), Y4; \
	VMOVUPS 32(SI), Y8; \
	VSUBPS Y0, Y4, Y4; \
	VSUBPS Y0, Y8, Y8; \
	VCMPPS $0x11, Y1, Y4, Y5; \
	VCMPPS $0x11, Y1, Y8, Y9; \
	VMOVMSKPS Y5, AX; \
	VMOVMSKPS Y9, BX; \
	ANDL BX, AX; \
	CMPL AX, $0xff; \
	JEQ exp_pairskip; \
	VMAXPS expc<>+320(SB), Y4, Y4; \
	VMAXPS expc<>+320(SB), Y8, Y8; \
	VMULPS expc<>+0(SB), Y4, Y5; \
	VMULPS expc<>+0(SB), Y8, Y9; \
	VROUNDPS $0, Y5, Y6; \
	VROUNDPS $0, Y9, Y10; \
	VSUBPS Y6, Y5, Y5; \
	VSUBPS Y10, Y9, Y9; \
	VMOVUPS exp2c<>+160(SB), Y7; \
	VMOVUPS exp2c<>+160(SB), Y11; \
	VFMADD213PS exp2c<>+128(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+128(SB), Y9, Y11; \
	VFMADD213PS exp2c<>+96(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+96(SB), Y9, Y11; \
	VFMADD213PS exp2c<>+64(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+64(SB), Y9, Y11; \
	VFMADD213PS exp2c<>+32(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+32(SB), Y9, Y11; \
	VFMADD213PS exp2c<>+0(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+0(SB), Y9, Y11; \
	VCVTPS2DQ Y6, Y6; \
	VCVTPS2DQ Y10, Y10; \
	VPSLLD $23, Y6, Y6; \
	VPSLLD $23, Y10, Y10; \
	VPADDD Y6, Y7, Y7; \
	VPADDD Y10, Y11, Y11; \
	VADDPS Y7, Y2, Y2; \
	VADDPS Y11, Y13, Y13; \
	VFMADD231PS Y4, Y7, Y3; \
	VFMADD231PS Y8, Y11, Y14; \
	VFMADD231PS 0(DI), Y7, Y12; \
	VFMADD231PS 32(DI), Y11, Y15; \
	exp_pairskip: \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	DECQ DX; \
	JNZ exp_pair; \
	exp_tail: \
	TESTQ CX, CX; \
	JZ exp_sum; \
	VMOVUPS (SI), Y4; \
	VSUBPS Y0, Y4, Y4; \
	VCMPPS $0x11, Y1, Y4, Y5; \
	VMOVMSKPS Y5, AX; \
	CMPL AX, $0xff; \
	JEQ exp_sum; \
	VMAXPS expc<>+320(SB), Y4, Y4; \
	VMULPS expc<>+0(SB), Y4, Y5; \
	VROUNDPS $0, Y5, Y6; \
	VSUBPS Y6, Y5, Y5; \
	VMOVUPS exp2c<>+160(SB), Y7; \
	VFMADD213PS exp2c<>+128(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+96(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+64(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+32(SB), Y5, Y7; \
	VFMADD213PS exp2c<>+0(SB), Y5, Y7; \
	VCVTPS2DQ Y6, Y6; \
	VPSLLD $23, Y6, Y6; \
	VPADDD Y6, Y7, Y7; \
	VADDPS Y7, Y2, Y2; \
	VFMADD231PS Y4, Y7, Y3; \
	VFMADD231PS 0(DI), Y7, Y12; \
	exp_sum: \
	VADDPS Y13, Y2, Y2; \
	VADDPS Y14, Y3, Y3; \
	VADDPS Y15, Y12, Y15;

// func vupdAVX2(v []int32, pn, po []float32, xn, xo, a float32)
TEXT ·vupdAVX2(SB), NOSPLIT, $0-84
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ pn_len+32(FP), CX
	MOVQ po_base+48(FP), DX
	VBROADCASTSS xn+72(FP), Y0
	VBROADCASTSS xo+76(FP), Y1
	VBROADCASTSS a+80(FP), Y2
	SHRQ $3, CX
	JZ vupd_done
vupd_loop:
	VMOVUPS (SI), Y3
	VMOVAPS Y0, Y4
	VFNMADD231PS Y3, Y2, Y4
	VMULPS Y4, Y4, Y4
	VCVTPS2DQ Y4, Y4
	VMOVUPS (DX), Y5
	VMOVAPS Y1, Y6
	VFNMADD231PS Y5, Y2, Y6
	VMULPS Y6, Y6, Y6
	VCVTPS2DQ Y6, Y6
	VPSUBD Y6, Y4, Y4
	VPADDD (DI), Y4, Y4
	VMOVDQU Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ vupd_loop
vupd_done:
	VZEROUPPER
	RET

// func hstepAVX2(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32
TEXT ·hstepAVX2(SB), NOSPLIT, $0-132
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ dsum_base+24(FP), SI
	MOVQ vin_base+48(FP), R8
	MOVQ vout_base+72(FP), R9
	MOVQ bias_base+104(FP), R10
	VBROADCASTSS s+100(FP), Y0
	MOVL off+96(FP), AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL $0xff800000, AX
	VMOVD AX, X15
	VBROADCASTSS X15, Y15
	SHRQ $3, CX
	JZ hstep_done
hstep_loop:
	VMOVDQU (SI), Y1
	VPADDD (R8), Y1, Y1
	VPSUBD (R9), Y1, Y1
	VMOVDQU Y1, (SI)
	VPSUBD Y14, Y1, Y1
	VCVTDQ2PS Y1, Y1
	VMULPS Y0, Y1, Y1
	VADDPS (R10), Y1, Y1
	VMOVUPS Y1, (DI)
	VMAXPS Y1, Y15, Y15
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	DECQ CX
	JNZ hstep_loop
hstep_done:
	VEXTRACTF128 $1, Y15, X1
	VMAXPS X1, X15, X15
	VPERMILPS $0x4e, X15, X1
	VMAXPS X1, X15, X15
	VPERMILPS $0xb1, X15, X1
	VMAXPS X1, X15, X15
	VMOVSS X15, ret+128(FP)
	VZEROUPPER
	RET

// func expaccAVX2(l []float32, mx, skip float32, e []float32) (s0, s1 float32)
TEXT ·expaccAVX2(SB), NOSPLIT, $0-64
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	MOVQ e_base+32(FP), DI
	VBROADCASTSS mx+24(FP), Y0
	VBROADCASTSS skip+28(FP), Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y14, Y14, Y14
	VMOVUPS expc<>+0(SB), Y12
	VMOVUPS expc<>+288(SB), Y13
	SHRQ $3, CX
	JZ expacc_done
expacc_loop:
	VMOVUPS (SI), Y4
	VSUBPS Y0, Y4, Y4
	VADDPS Y1, Y4, Y5
	VMOVMSKPS Y5, AX
	CMPL AX, $0xff
	JEQ expacc_skip
	VMAXPS expc<>+320(SB), Y4, Y6
	VMULPS Y12, Y6, Y7
	VROUNDPS $0, Y7, Y7
	VMOVAPS Y6, Y8
	VFNMADD231PS expc<>+32(SB), Y7, Y8
	VFNMADD231PS expc<>+64(SB), Y7, Y8
	VMOVUPS expc<>+128(SB), Y9
	VFMADD213PS expc<>+160(SB), Y8, Y9
	VFMADD213PS expc<>+192(SB), Y8, Y9
	VFMADD213PS expc<>+224(SB), Y8, Y9
	VFMADD213PS expc<>+256(SB), Y8, Y9
	VMULPS Y8, Y8, Y10
	VFMADD213PS Y8, Y10, Y9
	VADDPS Y13, Y9, Y9
	VCVTPS2DQ Y7, Y11
	VPADDD expc<>+352(SB), Y11, Y11
	VPSLLD $23, Y11, Y11
	VMULPS Y11, Y9, Y9
	VBLENDVPS Y5, Y14, Y9, Y9
	VMOVUPS Y9, (DI)
	VADDPS Y9, Y2, Y2
	VFMADD231PS Y6, Y9, Y3
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ expacc_loop
	JMP expacc_done
expacc_skip:
	VMOVUPS Y14, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ expacc_loop
expacc_done:
	VEXTRACTF128 $1, Y2, X5
	VADDPS X5, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	VMOVSS X2, s0+56(FP)
	VEXTRACTF128 $1, Y3, X5
	VADDPS X5, X3, X3
	VHADDPS X3, X3, X3
	VHADDPS X3, X3, X3
	VMOVSS X3, s1+60(FP)
	VZEROUPPER
	RET

// func dotAVX2(e, v []float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ e_base+0(FP), SI
	MOVQ e_len+8(FP), CX
	MOVQ v_base+24(FP), DX
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ dot_done
dot_loop:
	VMOVUPS (SI), Y1
	VFMADD231PS (DX), Y1, Y0
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ dot_loop
dot_done:
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func expdotAVX2(l []float32, mx, skip float32, v []float32) (s0, s1, n float32)
TEXT ·expdotAVX2(SB), NOSPLIT, $0-68
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	MOVQ v_base+32(FP), DI
	VBROADCASTSS mx+24(FP), Y0
	VBROADCASTSS skip+28(FP), Y1
	VXORPS Y2, Y2, Y2
	VSUBPS Y1, Y2, Y1
	VXORPS Y3, Y3, Y3
	VXORPS Y15, Y15, Y15
	SHRQ $3, CX
	EXP2SUMS
expdot_done:
	VEXTRACTF128 $1, Y2, X5
	VADDPS X5, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	VMOVSS X2, s0+56(FP)
	VEXTRACTF128 $1, Y3, X5
	VADDPS X5, X3, X3
	VHADDPS X3, X3, X3
	VHADDPS X3, X3, X3
	VMOVSS X3, s1+60(FP)
	VEXTRACTF128 $1, Y15, X5
	VADDPS X5, X15, X15
	VHADDPS X15, X15, X15
	VHADDPS X15, X15, X15
	VMOVSS X15, n+64(FP)
	VZEROUPPER
	RET


// func vaddAVX2(v []int32, pn []float32, xn, a float32)
TEXT ·vaddAVX2(SB), NOSPLIT, $0-56
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ pn_len+32(FP), CX
	VBROADCASTSS xn+48(FP), Y0
	VBROADCASTSS a+52(FP), Y2
	SHRQ $3, CX
	JZ vadd_done
vadd_loop:
	VMOVUPS (SI), Y3
	VMOVAPS Y0, Y4
	VFNMADD231PS Y3, Y2, Y4
	VMULPS Y4, Y4, Y4
	VCVTPS2DQ Y4, Y4
	VPADDD (DI), Y4, Y4
	VMOVDQU Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ vadd_loop
vadd_done:
	VZEROUPPER
	RET

// func vsumAVX2(dsum, v []int32, n int)
TEXT ·vsumAVX2(SB), NOSPLIT, $0-56
	MOVQ dsum_base+0(FP), DI
	MOVQ dsum_len+8(FP), CX
	MOVQ v_base+24(FP), SI
	MOVQ n+48(FP), DX
	MOVQ CX, R10
	SHLQ $2, R10
	SHRQ $3, CX
	JZ vsum_done
vsum_outer:
	VPXOR Y0, Y0, Y0
	MOVQ SI, R8
	MOVQ DX, R9
	TESTQ R9, R9
	JZ vsum_store
vsum_inner:
	VPADDD (R8), Y0, Y0
	ADDQ R10, R8
	DECQ R9
	JNZ vsum_inner
vsum_store:
	VMOVDQU Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ CX
	JNZ vsum_outer
vsum_done:
	VZEROUPPER
	RET

// func vupdRowAVX2(v []int32, pn, po, xn, xo []float32, a float32, L int)
// vupd over len(xn) consecutive column sums of L lanes each.
TEXT ·vupdRowAVX2(SB), NOSPLIT, $0-136
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ po_base+48(FP), DX
	MOVQ xn_base+72(FP), R8
	MOVQ xn_len+80(FP), R10
	MOVQ xo_base+96(FP), R9
	VBROADCASTSS a+120(FP), Y2
	MOVQ L+128(FP), R11
	MOVQ R11, R12
	SHLQ $2, R12
	SHRQ $3, R11
	TESTQ R10, R10
	JZ vupdrow_done
	TESTQ R11, R11
	JZ vupdrow_done
vupdrow_outer:
	VBROADCASTSS (R8), Y0
	VBROADCASTSS (R9), Y1
	XORQ BX, BX
	TESTQ $1, R11
	JZ vupdrow_pairs
	VMOVAPS Y0, Y4
	VFNMADD231PS (SI)(BX*1), Y2, Y4
	VMULPS Y4, Y4, Y4
	VCVTPS2DQ Y4, Y4
	VMOVAPS Y1, Y5
	VFNMADD231PS (DX)(BX*1), Y2, Y5
	VMULPS Y5, Y5, Y5
	VCVTPS2DQ Y5, Y5
	VPSUBD Y5, Y4, Y4
	VPADDD (DI)(BX*1), Y4, Y4
	VMOVDQU Y4, (DI)(BX*1)
	MOVQ $32, BX
vupdrow_pairs:
	CMPQ BX, R12
	JEQ vupdrow_next
vupdrow_loop:
	VMOVAPS Y0, Y4
	VMOVAPS Y0, Y6
	VFNMADD231PS (SI)(BX*1), Y2, Y4
	VFNMADD231PS 32(SI)(BX*1), Y2, Y6
	VMULPS Y4, Y4, Y4
	VMULPS Y6, Y6, Y6
	VCVTPS2DQ Y4, Y4
	VCVTPS2DQ Y6, Y6
	VMOVAPS Y1, Y5
	VMOVAPS Y1, Y7
	VFNMADD231PS (DX)(BX*1), Y2, Y5
	VFNMADD231PS 32(DX)(BX*1), Y2, Y7
	VMULPS Y5, Y5, Y5
	VMULPS Y7, Y7, Y7
	VCVTPS2DQ Y5, Y5
	VCVTPS2DQ Y7, Y7
	VPSUBD Y5, Y4, Y4
	VPSUBD Y7, Y6, Y6
	VPADDD (DI)(BX*1), Y4, Y4
	VPADDD 32(DI)(BX*1), Y6, Y6
	VMOVDQU Y4, (DI)(BX*1)
	VMOVDQU Y6, 32(DI)(BX*1)
	ADDQ $64, BX
	CMPQ BX, R12
	JNE vupdrow_loop
vupdrow_next:
	ADDQ R12, SI
	ADDQ R12, DX
	ADDQ R12, DI
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ R10
	JNZ vupdrow_outer
vupdrow_done:
	VZEROUPPER
	RET

// func vaddRowAVX2(v []int32, pn, xn []float32, a float32, L int)
// vadd over len(xn) consecutive column sums of L lanes each.
TEXT ·vaddRowAVX2(SB), NOSPLIT, $0-88
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ xn_base+48(FP), R8
	MOVQ xn_len+56(FP), R10
	VBROADCASTSS a+72(FP), Y2
	MOVQ L+80(FP), R11
	MOVQ R11, R12
	SHLQ $2, R12
	SHRQ $3, R11
	TESTQ R10, R10
	JZ vaddrow_done
	TESTQ R11, R11
	JZ vaddrow_done
vaddrow_outer:
	VBROADCASTSS (R8), Y0
	XORQ BX, BX
	TESTQ $1, R11
	JZ vaddrow_pairs
	VMOVAPS Y0, Y4
	VFNMADD231PS (SI)(BX*1), Y2, Y4
	VMULPS Y4, Y4, Y4
	VCVTPS2DQ Y4, Y4
	VPADDD (DI)(BX*1), Y4, Y4
	VMOVDQU Y4, (DI)(BX*1)
	MOVQ $32, BX
vaddrow_pairs:
	CMPQ BX, R12
	JEQ vaddrow_next
vaddrow_loop:
	VMOVAPS Y0, Y4
	VMOVAPS Y0, Y5
	VFNMADD231PS (SI)(BX*1), Y2, Y4
	VFNMADD231PS 32(SI)(BX*1), Y2, Y5
	VMULPS Y4, Y4, Y4
	VMULPS Y5, Y5, Y5
	VCVTPS2DQ Y4, Y4
	VCVTPS2DQ Y5, Y5
	VPADDD (DI)(BX*1), Y4, Y4
	VPADDD 32(DI)(BX*1), Y5, Y5
	VMOVDQU Y4, (DI)(BX*1)
	VMOVDQU Y5, 32(DI)(BX*1)
	ADDQ $64, BX
	CMPQ BX, R12
	JNE vaddrow_loop
vaddrow_next:
	ADDQ R12, SI
	ADDQ R12, DI
	ADDQ $4, R8
	DECQ R10
	JNZ vaddrow_outer
vaddrow_done:
	VZEROUPPER
	RET

// HSTEP2(o, r, m): one vector of 8 lanes of the window pass at byte offset
// o(BX): dsum (SI) += vin (R8) - vout (R9); dst (DI) = float(dsum - off)*s
// + bias (R10), with Y0 = s and Y14 = off; running maximum into m.
#define HSTEP2(o, r, m) \
	VMOVDQU o(SI)(BX*1), r; \
	VPADDD o(R8)(BX*1), r, r; \
	VPSUBD o(R9)(BX*1), r, r; \
	VMOVDQU r, o(SI)(BX*1); \
	VPSUBD Y14, r, r; \
	VCVTDQ2PS r, r; \
	VMULPS Y0, r, r; \
	VADDPS o(R10)(BX*1), r, r; \
	VMOVUPS r, o(DI)(BX*1); \
	VMAXPS r, m, m

// HSTEP2RUN runs HSTEP2 over CX vectors of 8 lanes, two per round with two
// running maxima (one more first if the count is odd), and leaves the
// maximum in X15. pairs, loop and done are its labels.
#define HSTEP2RUN(pairs, loop, done) \
	MOVL $0xff800000, AX; \
	VMOVD AX, X15; \
	VBROADCASTSS X15, Y15; \
	VMOVAPS Y15, Y13; \
	XORQ BX, BX; \
	MOVQ CX, DX; \
	SHLQ $5, DX; \
	TESTQ $1, CX; \
	JZ pairs; \
	HSTEP2(0, Y1, Y15); \
	MOVQ $32, BX; \
pairs: \
	CMPQ BX, DX; \
	JEQ done; \
loop: \
	HSTEP2(0, Y1, Y15); \
	HSTEP2(32, Y2, Y13); \
	ADDQ $64, BX; \
	CMPQ BX, DX; \
	JNE loop; \
done: \
	VMAXPS Y13, Y15, Y15; \
	VEXTRACTF128 $1, Y15, X1; \
	VMAXPS X1, X15, X15; \
	VPERMILPS $0x4e, X15, X1; \
	VMAXPS X1, X15, X15; \
	VPERMILPS $0xb1, X15, X1; \
	VMAXPS X1, X15, X15

// HSUM2(y, x) reduces the 8 lanes of y (whose lower half is x) to x's
// first lane. Uses X5.
#define HSUM2(y, x) \
	VEXTRACTF128 $1, y, X5; \
	VADDPS X5, x, x; \
	VHADDPS x, x, x; \
	VHADDPS x, x, x

// HEXP2(mx, skip, early): hexp's second half. With lmax in X15, the logits
// at SI and the values at DI (R11 vectors of 8), it jumps to early when
// lmax < mx - skip; otherwise it takes the exponentials with the maximum
// max(mx, lmax) (EXP2SUMS) and leaves s0 in X2, s1 in X3 and n in X15.
#define HEXP2(mx, skip, early) \
	VMOVSS mx, X2; \
	VMOVSS skip, X3; \
	VSUBSS X3, X2, X3; \
	VUCOMISS X3, X15; \
	JCS early; \
	VMAXSS X2, X15, X4; \
	VBROADCASTSS X4, Y0; \
	VBROADCASTSS skip, Y1; \
	MOVQ R11, CX; \
	VXORPS Y2, Y2, Y2; \
	VSUBPS Y1, Y2, Y1; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y15, Y15, Y15; \
	EXP2SUMS; \
	HSUM2(Y2, X2); \
	HSUM2(Y3, X3); \
	HSUM2(Y15, X15)

// func hexpAVX2(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32)
// hstep, then (unless lmax < mx-skip) expdot with the maximum max(mx, lmax).
TEXT ·hexpAVX2(SB), NOSPLIT, $0-176
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ dsum_base+24(FP), SI
	MOVQ vin_base+48(FP), R8
	MOVQ vout_base+72(FP), R9
	MOVQ bias_base+104(FP), R10
	VBROADCASTSS s+100(FP), Y0
	MOVL off+96(FP), AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	SHRQ $3, CX
	MOVQ CX, R11
	HSTEP2RUN(hexp_h_pairs, hexp_h_loop, hexp_h_max)
	VMOVSS X15, lmax+160(FP)
	MOVQ dst_base+0(FP), SI
	MOVQ v_base+136(FP), DI
	HEXP2(mx+128(FP), skip+132(FP), hexp_early)
	VMOVSS X2, s0+164(FP)
	VMOVSS X3, s1+168(FP)
	VMOVSS X15, n+172(FP)
	VZEROUPPER
	RET
hexp_early:
	MOVL $0, s0+164(FP)
	MOVL $0, s1+168(FP)
	MOVL $0, n+172(FP)
	VZEROUPPER
	RET

// func hexpRow2(a *hexpRowArgs)
// hexpAVX2 for the a.n consecutive pixels of a row (no fused update: the
// Go side folds those columns in first), as hexpRow512 does with 16 lanes:
// pixel i's window takes in the column sums at a.vin + i*L and lets out
// those at a.vin + (i-k)*L (a.zero for pixel 0); its lmax, s0, s1 and n go
// to a.out[i], and so does the index of the first lane equal to lmax when
// lmax > a.best[i] (else -1). a.nvec counts vectors of 8 lanes. The
// offsets of a are hexpRow512's.
TEXT ·hexpRow2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), R12
	MOVQ $0, 120(R12)
row2_pixel:
	ROWPIXEL(row2_done, row2_first)
	VBROADCASTSS 112(R12), Y0
	MOVQ 32(R12), DX
	VPBROADCASTD (DX), Y14
	MOVQ 88(R12), CX
	MOVQ CX, R11
	HSTEP2RUN(row2_pairs, row2_loop, row2_max)
	MOVQ 72(R12), R13
	VMOVSS X15, 0(R13)
	MOVL $-1, 16(R13)
	MOVQ 48(R12), DX
	VUCOMISS (DX), X15
	JLS row2_noidx
	// lmax > best: the first lane of the logits (DI) equal to lmax.
	VBROADCASTSS X15, Y5
	XORQ BX, BX
row2_iloop:
	VCMPPS $0x00, (DI)(BX*4), Y5, Y6
	VMOVMSKPS Y6, AX
	TESTL AX, AX
	JNZ row2_ifound
	ADDQ $8, BX
	JMP row2_iloop
row2_ifound:
	TZCNTL AX, AX
	ADDQ AX, BX
	MOVL BX, 16(R13)
row2_noidx:
	MOVQ DI, SI
	MOVQ 56(R12), DI
	MOVQ 40(R12), DX
	HEXP2((DX), 116(R12), row2_early)
	VMOVSS X2, 4(R13)
	VMOVSS X3, 8(R13)
	VMOVSS X15, 12(R13)
	JMP row2_next
row2_early:
	MOVL $0, 4(R13)
	MOVL $0, 8(R13)
	MOVL $0, 12(R13)
row2_next:
	ROWNEXT(row2_pixel)
row2_done:
	VZEROUPPER
	RET

// func indexAVX2(l []float32, v float32) int
// The first i with l[i] == v, or -1: one compare and mask per vector.
TEXT ·indexAVX2(SB), NOSPLIT, $0-40
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	VBROADCASTSS v+24(FP), Y0
	SHRQ $3, CX
	XORQ DX, DX
	TESTQ CX, CX
	JZ index_none
index_loop:
	VCMPPS $0x00, (SI)(DX*4), Y0, Y1
	VMOVMSKPS Y1, AX
	TESTL AX, AX
	JNZ index_found
	ADDQ $8, DX
	DECQ CX
	JNZ index_loop
index_none:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET
index_found:
	TZCNTL AX, AX
	ADDQ AX, DX
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET
