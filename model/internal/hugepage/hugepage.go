// Package hugepage asks the operating system to back large, freshly
// allocated buffers with huge pages (2 MB instead of 4 KB), so that
// filling them for the first time takes one page fault per 2 MB instead of
// 512. Loading the 60,000 MNIST digits writes about 740 MB of fresh
// memory; with 4 KB pages a third of that time went to page faults.
//
// It is advice only: where the system does not take it (another OS,
// transparent huge pages off), nothing changes but the speed.
package hugepage

// Size is the huge page size the advice is given for.
const Size = 2 << 20

// minLen is the smallest buffer worth the system call: below it the whole
// buffer is a few huge pages at most.
const minLen = 8 * Size
