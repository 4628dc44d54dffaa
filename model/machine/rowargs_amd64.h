// The bookkeeping that the row kernels (hexpRow2 in kernel_amd64.s,
// hexpRow512 in kernel_avx512_amd64.s) share: both walk one hexpRowArgs
// (at R12; offsets listed at hexpRow512) pixel by pixel.

// ROWPIXEL starts pixel i = AX of the row, or jumps to done after the
// last: DI = dst, SI = dsum, R8 = the column sums it takes in, R9 = those
// it lets out (the zeros for pixel 0), R10 = bias. first is a label.
#define ROWPIXEL(done, first) \
	MOVQ 120(R12), AX; \
	CMPQ AX, 80(R12); \
	JGE done; \
	MOVQ 0(R12), DI; \
	MOVQ 8(R12), SI; \
	MOVQ 16(R12), R8; \
	MOVQ 24(R12), R9; \
	TESTQ AX, AX; \
	JZ first; \
	MOVQ R8, R9; \
	SUBQ 104(R12), R9; \
first: \
	MOVQ 64(R12), R10

// ROWNEXT moves the operands on to the next pixel and jumps to pixel.
#define ROWNEXT(pixel) \
	INCQ 120(R12); \
	MOVQ 96(R12), AX; \
	ADDQ AX, 16(R12); \
	ADDQ AX, 56(R12); \
	ADDQ $4, 32(R12); \
	ADDQ $4, 40(R12); \
	ADDQ $4, 48(R12); \
	ADDQ $24, 72(R12); \
	JMP pixel
