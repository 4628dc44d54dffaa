//go:build amd64 && !purego

#include "textflag.h"
#include "rowargs_amd64.h"

// AVX-512 (F, with DQ/BW/VL checked at start-up) versions of the kernels in
// kernel.go: the same loops as kernel_amd64.s with 16 lanes per vector (Z
// registers). Every slice length (and L) is a multiple of 16: the engine
// pads its chunks to 16 lanes (see fastEngine.prepare).
//
// Exponentials (expdot512, hexp512): w = 2^t with t = (l - mx)*log2e, the
// difference first: one FMA l*log2e - round(mx*log2e) would lose the
// maximum's own t = 0 when |mx| is large (far from the offset, at tiny
// noise levels: |mx| ~ 1e11 gave t ~ +-16,000, an infinite weight and
// NaN), while l - mx is exact near the maximum. Logits must be finite: the
// engine's padding lanes have the bias padLogit (-1e38), whose t is
// finite and whose weight is exactly 0, so there is no clamp (expacc512,
// off the hot path, still clamps at -115 and accepts -Inf). t is rounded
// to k/32 (adding and subtracting 1.5*2^18), r = t - k/32 is in
// [-1/64, 1/64], and 2^t = 2^floor(k/32) * 2^((k mod 32)/32) * 2^r: the
// middle factor from a 32-entry table (VPERMI2PS on the low 5 bits of the
// rounded t's bits), 2^r from a degree-2 polynomial fitted to the relative
// error (5.3e-8), the first factor with VSCALEFPS. That is 6 FMA-class
// operations per vector instead of 9 with a degree-5 polynomial on
// [-1/2, 1/2]. The sum of w*d is accumulated as the sum of w*t and
// multiplied by ln2 at the end.
//
// A vector of 16 lanes is skipped when all of them are below the
// threshold mx - skip (one compare of the logits, in float32, the same in
// the mask pass, in the exponential loops and in the Go side's early
// exit). hexp512 makes the mask in its window pass against the running
// maximum; when the chunk raises the maximum, the loop tests the visited
// vectors again against the raised threshold, otherwise it trusts the
// mask. Lanes below the threshold in a computed vector add their true
// weight (< e^-skip relative), far below float32 resolution of the sums.

DATA e512c<>+0(SB)/4, $0x3fb8aa3b  // log2e
DATA e512c<>+4(SB)/4, $0xc2e60000  // clamp of t: -115
DATA e512c<>+8(SB)/4, $0x48c00000  // 1.5*2^18: t + this rounds t to 1/32
DATA e512c<>+12(SB)/4, $0x3f3172c2 // c1
DATA e512c<>+16(SB)/4, $0x3e75fe0a // c2
DATA e512c<>+32(SB)/4, $0x3f317218 // ln2
GLOBL e512c<>(SB), RODATA|NOPTR, $36

// e512t<>: 2^(j/32) for j = 0..31 (float32, correctly rounded), the table
// of VPERMI2PS.
DATA e512t<>+0(SB)/4, $0x3f800000
DATA e512t<>+4(SB)/4, $0x3f82cd87
DATA e512t<>+8(SB)/4, $0x3f85aac3
DATA e512t<>+12(SB)/4, $0x3f88980f
DATA e512t<>+16(SB)/4, $0x3f8b95c2
DATA e512t<>+20(SB)/4, $0x3f8ea43a
DATA e512t<>+24(SB)/4, $0x3f91c3d3
DATA e512t<>+28(SB)/4, $0x3f94f4f0
DATA e512t<>+32(SB)/4, $0x3f9837f0
DATA e512t<>+36(SB)/4, $0x3f9b8d3a
DATA e512t<>+40(SB)/4, $0x3f9ef532
DATA e512t<>+44(SB)/4, $0x3fa27043
DATA e512t<>+48(SB)/4, $0x3fa5fed7
DATA e512t<>+52(SB)/4, $0x3fa9a15b
DATA e512t<>+56(SB)/4, $0x3fad583f
DATA e512t<>+60(SB)/4, $0x3fb123f6
DATA e512t<>+64(SB)/4, $0x3fb504f3
DATA e512t<>+68(SB)/4, $0x3fb8fbaf
DATA e512t<>+72(SB)/4, $0x3fbd08a4
DATA e512t<>+76(SB)/4, $0x3fc12c4d
DATA e512t<>+80(SB)/4, $0x3fc5672a
DATA e512t<>+84(SB)/4, $0x3fc9b9be
DATA e512t<>+88(SB)/4, $0x3fce248c
DATA e512t<>+92(SB)/4, $0x3fd2a81e
DATA e512t<>+96(SB)/4, $0x3fd744fd
DATA e512t<>+100(SB)/4, $0x3fdbfbb8
DATA e512t<>+104(SB)/4, $0x3fe0ccdf
DATA e512t<>+108(SB)/4, $0x3fe5b907
DATA e512t<>+112(SB)/4, $0x3feac0c7
DATA e512t<>+116(SB)/4, $0x3fefe4ba
DATA e512t<>+120(SB)/4, $0x3ff5257d
DATA e512t<>+124(SB)/4, $0x3ffa83b3
GLOBL e512t<>(SB), RODATA|NOPTR, $128

// EXP512SETUP: from X4 = the maximum and X3 = skip, sets Z0 = mx,
// Z1 = mx - skip (the threshold, as MASKSETUP512 computes it), the
// constants (EXP512CONST), and clears the accumulators.
#define EXP512SETUP \
	EXP512CONST; \
	EXP512VARS

// EXP512CONST sets the constants of the exponentials: Z20 (log2e), Z26,
// Z27 (c1, c2), Z28 (1.5*2^18), Z29, Z30 (the table).
#define EXP512CONST \
	VBROADCASTSS e512c<>+0(SB), Z20; \
	VBROADCASTSS e512c<>+8(SB), Z28; \
	VBROADCASTSS e512c<>+12(SB), Z26; \
	VBROADCASTSS e512c<>+16(SB), Z27; \
	VMOVUPS e512t<>+0(SB), Z29; \
	VMOVUPS e512t<>+64(SB), Z30

// EXP512VARS is EXP512SETUP without the constants.
#define EXP512VARS \
	VBROADCASTSS X4, Z0; \
	VSUBSS X3, X4, X3; \
	VBROADCASTSS X3, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z15, Z15, Z15; \
	VPXORD Z12, Z12, Z12; \
	VPXORD Z13, Z13, Z13; \
	VPXORD Z14, Z14, Z14

// EXP512W: pz = 2^tz, using fz, nz and iz as scratch. tz must be finite
// (the engine's padding lanes have the finite bias padLogit, not -Inf):
// below -2^17 the rounding to 1/32 is coarser, but 2^nz is then 0 and so
// is the weight.
#define EXP512W(tz, fz, nz, pz, iz) \
	VADDPS Z28, tz, iz; \
	VSUBPS Z28, iz, nz; \
	VSUBPS nz, tz, fz; \
	VPERMI2PS Z30, Z29, iz; \
	VMOVAPS Z27, pz; \
	VFMADD213PS Z26, fz, pz; \
	VMULPS fz, pz, pz; \
	VFMADD213PS iz, iz, pz; \
	VSCALEFPS nz, pz, pz

// EXP512ONE: the weights w = 2^tz (EXP512W) added into s0 = a0,
// sum w*t = a1 and n = an (values at mem).
#define EXP512ONE(tz, fz, nz, pz, iz, mem, a0, a1, an) \
	EXP512W(tz, fz, nz, pz, iz); \
	VADDPS pz, a0, a0; \
	VFMADD231PS tz, pz, a1; \
	VFMADD231PS mem, pz, an

// EXP512T(lz): lz = (lz - mx)*log2e, the exponent of base 2 (Z0 = mx).
#define EXP512T(lz) \
	VSUBPS Z0, lz, lz; \
	VMULPS Z20, lz, lz

// EXP512SUMS adds the weights of CX vectors of 16 lanes (logits at SI,
// values at DI) into Z2 (s0), Z3 (sum w*t) and Z15 (n), via a second set
// Z13, Z14, Z12 for odd vectors, skipping the vectors whose lanes are all
// below the threshold Z1 (as SKIPMASK512 decides). After EXP512SETUP.
#define EXP512SUMS \
	MOVQ CX, DX; \
	SHRQ $1, DX; \
	ANDQ $1, CX; \
	TESTQ DX, DX; \
	JZ e512_tail; \
e512_pair: \
	VMOVUPS (SI), Z4; \
	VMOVUPS 64(SI), Z8; \
	VCMPPS $0x11, Z1, Z4, K1; \
	VCMPPS $0x11, Z1, Z8, K2; \
	EXP512T(Z4); \
	EXP512T(Z8); \
	KORTESTW K1, K1; \
	JCS e512_skipa; \
	EXP512ONE(Z4, Z5, Z6, Z7, Z16, (DI), Z2, Z3, Z15); \
e512_skipa: \
	KORTESTW K2, K2; \
	JCS e512_skipb; \
	EXP512ONE(Z8, Z9, Z10, Z11, Z17, 64(DI), Z13, Z14, Z12); \
e512_skipb: \
	ADDQ $128, SI; \
	ADDQ $128, DI; \
	DECQ DX; \
	JNZ e512_pair; \
e512_tail: \
	TESTQ CX, CX; \
	JZ e512_sum; \
	VMOVUPS (SI), Z4; \
	VCMPPS $0x11, Z1, Z4, K1; \
	KORTESTW K1, K1; \
	JCS e512_sum; \
	EXP512T(Z4); \
	EXP512ONE(Z4, Z5, Z6, Z7, Z16, (DI), Z2, Z3, Z15); \
e512_sum: \
	VADDPS Z13, Z2, Z2; \
	VADDPS Z14, Z3, Z3; \
	VADDPS Z12, Z15, Z15

// EXP512BITS adds the weights of the vectors whose bit is clear in the
// skip mask R13 (vector i of R11 <= 63 at bit R11-1-i; see HSTEP512M), in
// increasing order, into one set of accumulators (Z2, Z3, Z15): only the
// vectors that have a lane at or above the threshold are visited, without
// a branch per skipped vector (which mispredicts on about every other
// vector when half of them are skipped). The mask must have been made
// with the threshold Z1. After EXP512SETUP.
#define EXP512BITS \
	NOTQ R13; \
	MOVQ $1, AX; \
	MOVQ R11, CX; \
	SHLQ CX, AX; \
	DECQ AX; \
	ANDQ AX, R13; \
	JZ e512b_done; \
e512b_loop: \
	BSRQ R13, AX; \
	BTRQ AX, R13; \
	MOVQ R11, DX; \
	SUBQ AX, DX; \
	SHLQ $6, DX; \
	VMOVUPS -64(SI)(DX*1), Z4; \
	EXP512T(Z4); \
	EXP512ONE(Z4, Z5, Z6, Z7, Z16, -64(DI)(DX*1), Z2, Z3, Z15); \
	TESTQ R13, R13; \
	JNZ e512b_loop; \
e512b_done:

// EXP512BITSCHK is EXP512BITS for a mask made with a lower maximum (and so
// a lower threshold) than Z1: each visited vector is tested against Z1
// again, so that the vectors computed, and the order of the sums, are
// those of a mask made with Z1.
#define EXP512BITSCHK \
	NOTQ R13; \
	MOVQ $1, AX; \
	MOVQ R11, CX; \
	SHLQ CX, AX; \
	DECQ AX; \
	ANDQ AX, R13; \
	JZ e512c_done; \
e512c_loop: \
	BSRQ R13, AX; \
	BTRQ AX, R13; \
	MOVQ R11, DX; \
	SUBQ AX, DX; \
	SHLQ $6, DX; \
	VMOVUPS -64(SI)(DX*1), Z4; \
	VCMPPS $0x11, Z1, Z4, K1; \
	KORTESTW K1, K1; \
	JCS e512c_next; \
	EXP512T(Z4); \
	EXP512ONE(Z4, Z5, Z6, Z7, Z16, -64(DI)(DX*1), Z2, Z3, Z15); \
e512c_next: \
	TESTQ R13, R13; \
	JNZ e512c_loop; \
e512c_done:

// SKIPMASK512(vz) shifts into R13 (through the carry) whether all lanes of
// the logits vz are below the threshold Z1 = mx - skip.
#define SKIPMASK512(vz) \
	VCMPPS $0x11, Z1, vz, K1; \
	KORTESTW K1, K1; \
	ADCQ R13, R13

// MASKSETUP512: from X4 = the maximum and X3 = skip, sets Z1 = mx - skip
// (in float32, as EXP512SETUP does and as the Go side's early exit
// compares), and clears R13. Clobbers X5.
#define MASKSETUP512 \
	VSUBSS X3, X4, X5; \
	VBROADCASTSS X5, Z1; \
	XORQ R13, R13

// HSUM512 reduces the 16 lanes of z (whose lower halves are y and x) to
// x's first lane. Uses Y5/X5.
#define HSUM512(z, y, x) \
	VEXTRACTF64X4 $1, z, Y5; \
	VADDPS Y5, y, y; \
	VEXTRACTF128 $1, y, X5; \
	VADDPS X5, x, x; \
	VHADDPS x, x, x; \
	VHADDPS x, x, x

// HMAX512 reduces the 16 lanes of Z15 to the maximum in X15. Uses Y1/X1.
#define HMAX512 \
	VEXTRACTF64X4 $1, Z15, Y1; \
	VMAXPS Y1, Y15, Y15; \
	VEXTRACTF128 $1, Y15, X1; \
	VMAXPS X1, X15, X15; \
	VPERMILPS $0x4e, X15, X1; \
	VMAXPS X1, X15, X15; \
	VPERMILPS $0xb1, X15, X1; \
	VMAXPS X1, X15, X15

// EXP512OUT stores s0, s1 = ln2 * sum w*t and n at the given offsets.
#define EXP512OUT(o0, o1, on) \
	HSUM512(Z2, Y2, X2); \
	VMOVSS X2, o0; \
	HSUM512(Z3, Y3, X3); \
	VMULSS e512c<>+32(SB), X3, X3; \
	VMOVSS X3, o1; \
	HSUM512(Z15, Y15, X15); \
	VMOVSS X15, on

// HSTEP512(o): one vector of hstep at byte offset o(BX): dsum (SI) += vin
// (R8) - vout (R9); dst (DI) = float(dsum - off)*s + bias (R10) (bias is 0
// or -Inf, so the FMA rounds as the multiply alone); running max into mz.
// Z0 = s, Z14 = off.
#define HSTEP512(o, vz, mz) \
	VMOVDQU32 o(SI)(BX*1), vz; \
	VPADDD o(R8)(BX*1), vz, vz; \
	VPSUBD o(R9)(BX*1), vz, vz; \
	HSTEP512LOGITS(o, vz, mz)

// HSTEP512LOGITS(o, vz, mz) ends a window step: the new window sums vz go
// to dsum (SI), their logits to dst (DI) and into the running maximum mz.
#define HSTEP512LOGITS(o, vz, mz) \
	VMOVDQU32 vz, o(SI)(BX*1); \
	VPSUBD Z14, vz, vz; \
	VCVTDQ2PS vz, vz; \
	VFMADD213PS o(R10)(BX*1), Z0, vz; \
	VMOVUPS vz, o(DI)(BX*1); \
	VMAXPS vz, mz, mz

// HSTEP512M is HSTEP512 that also adds the vector's bit to the skip mask
// R13 (SKIPMASK512).
#define HSTEP512M(o, vz, mz) \
	HSTEP512(o, vz, mz); \
	SKIPMASK512(vz)

// HSTEP512MLOOP is HSTEP512LOOP with the skip mask (after MASKSETUP512).
#define HSTEP512MLOOP \
	VBROADCASTSS s+100(FP), Z0; \
	VPBROADCASTD off+96(FP), Z14; \
	HSTEP512MRUN

// HSTEP512MRUN is HSTEP512MLOOP with the scale Z0 and the offset Z14
// already set (hexpRow512 reads them from its operands).
#define HSTEP512MRUN HSTEP512RUN(HSTEP512M, h512m_pairs, h512m_loop, h512m_max)

// HSTEP512MVRUN is HSTEP512MRUN with the fused vertical update
// (HSTEP512MV).
#define HSTEP512MVRUN HSTEP512RUN(HSTEP512MV, h512mv_pairs, h512mv_loop, h512mv_max)

// HSTEP512RUN runs step (HSTEP512, HSTEP512M or HSTEP512MV) over CX
// vectors of 16 lanes, two per round with two running maxima, leaving the
// maximum in X15; pairs, loop and done are its labels (two uses in one
// function need their own).
#define HSTEP512RUN(step, pairs, loop, done) \
	MOVL $0xff800000, AX; \
	VPBROADCASTD AX, Z15; \
	VMOVAPS Z15, Z13; \
	XORQ BX, BX; \
	MOVQ CX, DX; \
	SHLQ $6, DX; \
	TESTQ $1, CX; \
	JZ pairs; \
	step(0, Z4, Z15); \
	MOVQ $64, BX; \
pairs: \
	CMPQ BX, DX; \
	JEQ done; \
loop: \
	step(0, Z4, Z15); \
	step(64, Z8, Z13); \
	ADDQ $128, BX; \
	CMPQ BX, DX; \
	JNE loop; \
done: \
	VMAXPS Z13, Z15, Z15; \
	HMAX512

// HSTEP512MV is HSTEP512M with the column sums it takes in (R8) brought up
// to date first, with VUPD512's arithmetic: vin += q(Z18 - a*pn (R14)) -
// q(Z19 - a*po (R15)), a = Z21, with Z22 and Z23 as scratch.
#define HSTEP512MV(o, vz, mz) \
	VUPDQ512(o, Z18, Z19, Z21, R14, R15, R8, Z22, Z23); \
	VPADDD o(SI)(BX*1), Z22, vz; \
	VPSUBD o(R9)(BX*1), vz, vz; \
	HSTEP512LOGITS(o, vz, mz); \
	SKIPMASK512(vz)

// HSTEP512LOOP runs hstep over CX vectors of 16 lanes (two per round, with
// two running maxima), leaving the maximum in X15.
#define HSTEP512LOOP \
	VBROADCASTSS s+100(FP), Z0; \
	VPBROADCASTD off+96(FP), Z14; \
	HSTEP512RUN(HSTEP512, h512_pairs, h512_loop, h512_max)

// func expdot512(l []float32, mx, skip float32, v []float32) (s0, s1, n float32)
// Up to 63 vectors: a first pass makes the skip mask, then EXP512BITS (the
// same loop as hexp512's, so that hexp512 = hstep512 + expdot512 exactly).
TEXT ·expdot512(SB), NOSPLIT, $0-68
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	MOVQ v_base+32(FP), DI
	SHRQ $4, CX
	CMPQ CX, $63
	JGT expdot512_long
	MOVQ CX, R11
	VMOVSS mx+24(FP), X4
	VMOVSS skip+28(FP), X3
	MASKSETUP512
	TESTQ CX, CX
	JZ expdot512_bits
	MOVQ SI, R8
expdot512_mask:
	VMOVUPS (R8), Z4
	SKIPMASK512(Z4)
	ADDQ $64, R8
	DECQ CX
	JNZ expdot512_mask
expdot512_bits:
	VMOVSS mx+24(FP), X4
	VMOVSS skip+28(FP), X3
	EXP512SETUP
	EXP512BITS
	EXP512OUT(s0+56(FP), s1+60(FP), n+64(FP))
	VZEROUPPER
	RET
expdot512_long:
	VMOVSS mx+24(FP), X4
	VMOVSS skip+28(FP), X3
	EXP512SETUP
	EXP512SUMS
	EXP512OUT(s0+56(FP), s1+60(FP), n+64(FP))
	VZEROUPPER
	RET

// func hstep512(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32
TEXT ·hstep512(SB), NOSPLIT, $0-132
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ dsum_base+24(FP), SI
	MOVQ vin_base+48(FP), R8
	MOVQ vout_base+72(FP), R9
	MOVQ bias_base+104(FP), R10
	SHRQ $4, CX
	HSTEP512LOOP
	VMOVSS X15, ret+128(FP)
	VZEROUPPER
	RET

// func hexp512(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32)
// hstep, then (unless lmax < mx-skip) expdot with the maximum max(mx, lmax).
// The hstep pass also makes the skip mask relative to mx (up to 63
// vectors; longer inputs take the loop that tests every vector, as
// expdot512 does).
TEXT ·hexp512(SB), NOSPLIT, $0-176
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ dsum_base+24(FP), SI
	MOVQ vin_base+48(FP), R8
	MOVQ vout_base+72(FP), R9
	MOVQ bias_base+104(FP), R10
	SHRQ $4, CX
	MOVQ CX, R11
	VMOVSS mx+128(FP), X4
	VMOVSS skip+132(FP), X3
	MASKSETUP512
	HSTEP512MLOOP
	VMOVSS X15, lmax+160(FP)
	VMOVSS mx+128(FP), X2
	VMOVSS skip+132(FP), X3
	VSUBSS X3, X2, X6
	VUCOMISS X6, X15
	JCS hexp512_early
	VMAXSS X2, X15, X4
	MOVQ dst_base+0(FP), SI
	MOVQ v_base+136(FP), DI
	MOVQ R11, CX
	CMPQ CX, $63
	JGT hexp512_long
	VUCOMISS X2, X15
	JHI hexp512_raised
	EXP512SETUP
	EXP512BITS
	EXP512OUT(s0+164(FP), s1+168(FP), n+172(FP))
	VZEROUPPER
	RET
hexp512_raised:
	// lmax > mx: the mask was made with the lower threshold mx - skip.
	EXP512SETUP
	EXP512BITSCHK
	EXP512OUT(s0+164(FP), s1+168(FP), n+172(FP))
	VZEROUPPER
	RET
hexp512_long:
	EXP512SETUP
	EXP512SUMS
	EXP512OUT(s0+164(FP), s1+168(FP), n+172(FP))
	VZEROUPPER
	RET
hexp512_early:
	MOVL $0, s0+164(FP)
	MOVL $0, s1+168(FP)
	MOVL $0, n+172(FP)
	VZEROUPPER
	RET

// VUPD512(o): v (DI) += q(Z0 - a*pn (SI)) - q(Z1 - a*po (DX)) at byte
// offset o(BX), q(e) = round(e*e). Z2 = a.
#define VUPD512(o, az, bz) VUPDQ512(o, Z0, Z1, Z2, SI, DX, DI, az, bz)

// VUPDQ512 is VUPD512 with its registers named: v (at v) += q(xn - a*pn
// (at pn)) - q(xo - a*po (at po)) at byte offset o(BX), leaving the new
// column sums in az (bz: scratch). The one arithmetic of every vertical
// update, so that the fused one (HSTEP512MV) computes the same integers.
#define VUPDQ512(o, xn, xo, a, pn, po, v, az, bz) \
	VMOVAPS xn, az; \
	VFNMADD231PS o(pn)(BX*1), a, az; \
	VMULPS az, az, az; \
	VCVTPS2DQ az, az; \
	VMOVAPS xo, bz; \
	VFNMADD231PS o(po)(BX*1), a, bz; \
	VMULPS bz, bz, bz; \
	VCVTPS2DQ bz, bz; \
	VPSUBD bz, az, az; \
	VPADDD o(v)(BX*1), az, az; \
	VMOVDQU32 az, o(v)(BX*1)

// VADD512(o): v (DI) += q(Z0 - a*pn (SI)) at byte offset o(BX).
#define VADD512(o, az) \
	VMOVAPS Z0, az; \
	VFNMADD231PS o(SI)(BX*1), Z2, az; \
	VMULPS az, az, az; \
	VCVTPS2DQ az, az; \
	VPADDD o(DI)(BX*1), az, az; \
	VMOVDQU32 az, o(DI)(BX*1)

// func vupd512(v []int32, pn, po []float32, xn, xo, a float32)
TEXT ·vupd512(SB), NOSPLIT, $0-84
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ pn_len+32(FP), CX
	MOVQ po_base+48(FP), DX
	VBROADCASTSS xn+72(FP), Z0
	VBROADCASTSS xo+76(FP), Z1
	VBROADCASTSS a+80(FP), Z2
	SHLQ $2, CX
	XORQ BX, BX
	TESTQ CX, CX
	JZ vupd512_done
vupd512_loop:
	VUPD512(0, Z4, Z5)
	ADDQ $64, BX
	CMPQ BX, CX
	JNE vupd512_loop
vupd512_done:
	VZEROUPPER
	RET

// func vadd512(v []int32, pn []float32, xn, a float32)
TEXT ·vadd512(SB), NOSPLIT, $0-56
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ pn_len+32(FP), CX
	VBROADCASTSS xn+48(FP), Z0
	VBROADCASTSS a+52(FP), Z2
	SHLQ $2, CX
	XORQ BX, BX
	TESTQ CX, CX
	JZ vadd512_done
vadd512_loop:
	VADD512(0, Z4)
	ADDQ $64, BX
	CMPQ BX, CX
	JNE vadd512_loop
vadd512_done:
	VZEROUPPER
	RET

// func vupdRow512(v []int32, pn, po, xn, xo []float32, a float32, L int)
// vupd over len(xn) consecutive column sums of L lanes each.
TEXT ·vupdRow512(SB), NOSPLIT, $0-136
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ po_base+48(FP), DX
	MOVQ xn_base+72(FP), R8
	MOVQ xn_len+80(FP), R10
	MOVQ xo_base+96(FP), R9
	VBROADCASTSS a+120(FP), Z2
	MOVQ L+128(FP), R11
	MOVQ R11, R12
	SHLQ $2, R12
	SHRQ $4, R11
	TESTQ R10, R10
	JZ vupdrow512_done
	TESTQ R11, R11
	JZ vupdrow512_done
vupdrow512_outer:
	VBROADCASTSS (R8), Z0
	VBROADCASTSS (R9), Z1
	XORQ BX, BX
	TESTQ $1, R11
	JZ vupdrow512_pairs
	VUPD512(0, Z4, Z5)
	MOVQ $64, BX
vupdrow512_pairs:
	CMPQ BX, R12
	JEQ vupdrow512_next
vupdrow512_loop:
	VUPD512(0, Z4, Z5)
	VUPD512(64, Z6, Z7)
	ADDQ $128, BX
	CMPQ BX, R12
	JNE vupdrow512_loop
vupdrow512_next:
	ADDQ R12, SI
	ADDQ R12, DX
	ADDQ R12, DI
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ R10
	JNZ vupdrow512_outer
vupdrow512_done:
	VZEROUPPER
	RET

// func vaddRow512(v []int32, pn, xn []float32, a float32, L int)
// vadd over len(xn) consecutive column sums of L lanes each.
TEXT ·vaddRow512(SB), NOSPLIT, $0-88
	MOVQ v_base+0(FP), DI
	MOVQ pn_base+24(FP), SI
	MOVQ xn_base+48(FP), R8
	MOVQ xn_len+56(FP), R10
	VBROADCASTSS a+72(FP), Z2
	MOVQ L+80(FP), R11
	MOVQ R11, R12
	SHLQ $2, R12
	SHRQ $4, R11
	TESTQ R10, R10
	JZ vaddrow512_done
	TESTQ R11, R11
	JZ vaddrow512_done
vaddrow512_outer:
	VBROADCASTSS (R8), Z0
	XORQ BX, BX
	TESTQ $1, R11
	JZ vaddrow512_pairs
	VADD512(0, Z4)
	MOVQ $64, BX
vaddrow512_pairs:
	CMPQ BX, R12
	JEQ vaddrow512_next
vaddrow512_loop:
	VADD512(0, Z4)
	VADD512(64, Z5)
	ADDQ $128, BX
	CMPQ BX, R12
	JNE vaddrow512_loop
vaddrow512_next:
	ADDQ R12, SI
	ADDQ R12, DI
	ADDQ $4, R8
	DECQ R10
	JNZ vaddrow512_outer
vaddrow512_done:
	VZEROUPPER
	RET

// func vsum512(dsum, v []int32, n int)
TEXT ·vsum512(SB), NOSPLIT, $0-56
	MOVQ dsum_base+0(FP), DI
	MOVQ dsum_len+8(FP), CX
	MOVQ v_base+24(FP), SI
	MOVQ n+48(FP), DX
	MOVQ CX, R10
	SHLQ $2, R10
	SHRQ $4, CX
	JZ vsum512_done
vsum512_outer:
	VPXORD Z0, Z0, Z0
	MOVQ SI, R8
	MOVQ DX, R9
	TESTQ R9, R9
	JZ vsum512_store
vsum512_inner:
	VPADDD (R8), Z0, Z0
	ADDQ R10, R8
	DECQ R9
	JNZ vsum512_inner
vsum512_store:
	VMOVDQU32 Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	DECQ CX
	JNZ vsum512_outer
vsum512_done:
	VZEROUPPER
	RET

// func dot512(e, v []float32) float32
TEXT ·dot512(SB), NOSPLIT, $0-52
	MOVQ e_base+0(FP), SI
	MOVQ e_len+8(FP), CX
	MOVQ v_base+24(FP), DX
	VPXORD Z0, Z0, Z0
	SHRQ $4, CX
	JZ dot512_done
dot512_loop:
	VMOVUPS (SI), Z1
	VFMADD231PS (DX), Z1, Z0
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ CX
	JNZ dot512_loop
dot512_done:
	HSUM512(Z0, Y0, X0)
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func expacc512(l []float32, mx, skip float32, e []float32) (s0, s1 float32)
// e = exp(l - mx), 0 exactly where l - mx < -skip (as expaccGo); the
// exponential of expdot512 (t = (l - mx)*log2e here, the difference first
// as in expaccGo).
TEXT ·expacc512(SB), NOSPLIT, $0-64
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	MOVQ e_base+32(FP), DI
	VMOVSS mx+24(FP), X4
	VMOVSS skip+28(FP), X3
	VBROADCASTSS X4, Z0
	VXORPS X5, X5, X5
	VSUBSS X3, X5, X3
	VBROADCASTSS X3, Z1
	VBROADCASTSS e512c<>+0(SB), Z20
	VBROADCASTSS e512c<>+4(SB), Z21
	VBROADCASTSS e512c<>+8(SB), Z28
	VBROADCASTSS e512c<>+12(SB), Z26
	VBROADCASTSS e512c<>+16(SB), Z27
	VMOVUPS e512t<>+0(SB), Z29
	VMOVUPS e512t<>+64(SB), Z30
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z19, Z19, Z19
	SHRQ $4, CX
	JZ expacc512_done
expacc512_loop:
	VMOVUPS (SI), Z4
	VSUBPS Z0, Z4, Z4
	VCMPPS $0x1d, Z1, Z4, K1
	KORTESTW K1, K1
	JEQ expacc512_zero
	VMULPS Z20, Z4, Z4
	VMAXPS Z21, Z4, Z4 // -Inf (below the threshold, zeroed below) would make NaN
	EXP512W(Z4, Z5, Z6, Z7, Z16)
	VMOVAPS.Z Z7, K1, Z7
	VMOVUPS Z7, (DI)
	VADDPS Z7, Z2, Z2
	VFMADD231PS Z4, Z7, Z3
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ expacc512_loop
	JMP expacc512_done
expacc512_zero:
	VMOVUPS Z19, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ expacc512_loop
expacc512_done:
	HSUM512(Z2, Y2, X2)
	VMOVSS X2, s0+56(FP)
	HSUM512(Z3, Y3, X3)
	VMULSS e512c<>+32(SB), X3, X3
	VMOVSS X3, s1+60(FP)
	VZEROUPPER
	RET

// func index512(l []float32, v float32) int
// The first i with l[i] == v, or -1: one compare and mask test per vector.
TEXT ·index512(SB), NOSPLIT, $0-40
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	VBROADCASTSS v+24(FP), Z0
	SHRQ $4, CX
	XORQ DX, DX
	TESTQ CX, CX
	JZ index512_none
index512_loop:
	VCMPPS $0x00, (SI)(DX*4), Z0, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ index512_found
	ADDQ $16, DX
	DECQ CX
	JNZ index512_loop
index512_none:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET
index512_found:
	TZCNTL AX, AX
	ADDQ AX, DX
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET

// func hexpRow512(a *hexpRowArgs)
// hexp512 for the a.n consecutive pixels of a row, with the constants set
// once: pixel i's window takes in the column sums at a.vin + i*L and lets
// out those at a.vin + (i-k)*L (a.zero for pixel 0), with its own offset,
// maximum and values; its lmax, s0, s1 and n go to a.out[i], and so does
// the index of the first lane equal to lmax when lmax > a.best[i] (else
// -1). The pointers of a advance with the pixels. L <= 1008 (the
// bit-mask path of hexp512).
// hexpRowArgs offsets: dst 0, dsum 8, vin 16, zero 24, off 32, mx 40,
// best 48, v 56, bias 64, out 72, n 80, nvec 88, lb 96, klb 104, s 112,
// skip 116, i 120, f0 128, f1 136, pn 144, po 152, xn 160, xo 168, a 176;
// rowOut: lmax 0, s0 4, s1 8, n 12, idx 16 (24 bytes). The pixels i in
// [f0, f1) fold their column in first (HSTEP512MV), and pn, po, xn and xo
// advance with them.
TEXT ·hexpRow512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), R12
	EXP512CONST
	VBROADCASTSS 176(R12), Z21
	MOVQ 88(R12), R11
	MOVQ $0, 120(R12)
row512_pixel:
	ROWPIXEL(row512_done, row512_first)
	MOVQ 40(R12), DX
	VMOVSS (DX), X4
	VMOVSS 116(R12), X3
	MASKSETUP512
	VBROADCASTSS 112(R12), Z0
	MOVQ 32(R12), DX
	VPBROADCASTD (DX), Z14
	MOVQ R11, CX
	CMPQ AX, 128(R12) // AX = i, from ROWPIXEL
	JLT row512_plain
	CMPQ AX, 136(R12)
	JGE row512_plain
	// f0 <= i < f1: the fused update of the column taken in.
	MOVQ 144(R12), R14
	MOVQ 152(R12), R15
	MOVQ 160(R12), DX
	VBROADCASTSS (DX), Z18
	MOVQ 168(R12), DX
	VBROADCASTSS (DX), Z19
	HSTEP512MVRUN
	MOVQ 96(R12), AX
	ADDQ AX, 144(R12)
	ADDQ AX, 152(R12)
	ADDQ $4, 160(R12)
	ADDQ $4, 168(R12)
	JMP row512_stepped
row512_plain:
	HSTEP512MRUN
row512_stepped:
	MOVQ 72(R12), R8
	VMOVSS X15, 0(R8)
	MOVL $-1, 16(R8)
	MOVQ 48(R12), DX
	VUCOMISS (DX), X15
	JLS row512_noidx
	// lmax > best: the first lane of the logits (DI) equal to lmax.
	VBROADCASTSS X15, Z5
	XORQ BX, BX
row512_iloop:
	VCMPPS $0x00, (DI)(BX*4), Z5, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ row512_ifound
	ADDQ $16, BX
	JMP row512_iloop
row512_ifound:
	TZCNTL AX, AX
	ADDQ AX, BX
	MOVL BX, 16(R8)
row512_noidx:
	MOVQ 40(R12), DX
	VMOVSS (DX), X2
	VMOVSS 116(R12), X3
	VSUBSS X3, X2, X6
	VUCOMISS X6, X15
	JCS row512_early
	VMAXSS X2, X15, X4
	MOVQ DI, SI
	MOVQ 56(R12), DI
	VUCOMISS X2, X15
	EXP512VARS // leaves the flags
	JHI row512_raised
	EXP512BITS
	JMP row512_out
row512_raised:
	// lmax > mx: the mask was made with the lower threshold mx - skip.
	EXP512BITSCHK
row512_out:
	EXP512OUT(4(R8), 8(R8), 12(R8))
	JMP row512_next
row512_early:
	MOVL $0, 4(R8)
	MOVL $0, 8(R8)
	MOVL $0, 12(R8)
row512_next:
	ROWNEXT(row512_pixel)
row512_done:
	VZEROUPPER
	RET
