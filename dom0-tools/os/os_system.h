/*
 * The OS interface: the Dom0 system itself (see os_loop.h for the whole).
 */
#ifndef DOM0_OS_SYSTEM_H
#define DOM0_OS_SYSTEM_H

#include <stdint.h>

/* Shut Dom0 down, and with it the machine: 0 power off, 1 reboot. */
void os_shutdown(int reboot) __attribute__((noreturn));

/* Dom0's own memory, in pages of 4 KiB, and its heap. */
struct os_meminfo {
    uint32_t total_pages;       /* Dom0's memory */
    uint32_t free_pages;        /* not in use by kernel, heap or tools */
    uint32_t kernel_pages;      /* image, ramfs, page tables */
    uint32_t heap_pages;
    uint32_t heap_objects;      /* live allocations */
    uint64_t heap_bytes;
};
void os_meminfo(struct os_meminfo *mi);

#endif
