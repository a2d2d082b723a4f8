/*
 * Allocation for Dom0's C-library functions under test (test-dom0-libc):
 * compiled as d0_strdup etc., they call d0_malloc/d0_free, which are the
 * host's malloc and free.
 */
#include <stdlib.h>

void *d0_malloc(size_t n);
void d0_free(void *p);
void *d0_malloc(size_t n) { return malloc(n); }
void d0_free(void *p) { free(p); }
