/*
 * Building a PV domain from a kernel image (arch/x86/domain_build.c):
 * its memory, page tables, start_info, hypercall page and first register
 * frame, as the 32-bit PV ABI lays them out (docs/boot.md).
 */
#ifndef ASM_DOMAIN_BUILD_H
#define ASM_DOMAIN_BUILD_H
#include <mica/domain.h>
/* Build d from a PV kernel image; 0 or -errno (reason printed). */
int construct_domain(struct domain *d, const void *image, size_t image_len,
                     const void *initrd, size_t initrd_len,
                     const char *cmdline, unsigned long nr_pages);
#endif
