#ifndef ASM_DOMAIN_BUILD_H
#define ASM_DOMAIN_BUILD_H
#include <mica/domain.h>
/* Build d from a PV kernel image; 0 or -errno (reason printed). */
int construct_domain(struct domain *d, const void *image, size_t image_len,
                     const void *initrd, size_t initrd_len,
                     const char *cmdline, unsigned long nr_pages);
#endif
