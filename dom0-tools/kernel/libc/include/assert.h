/* <assert.h> of the Dom0 C library: a failed assertion stops Dom0. */
#ifndef DOM0_LIBC_ASSERT_H
#define DOM0_LIBC_ASSERT_H

void dom0_assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : dom0_assert_fail(#e, __FILE__, __LINE__))

#endif
