/*
 * What every file of the Dom0 kernel shares: the start_info and
 * shared_info pages, kernel messages, fatal errors and a few macros.
 *
 * The kernel is one address space and one flow of control (a main loop,
 * loop.c); nothing here is reentrant because nothing needs to be: events
 * are never delivered as interrupts (events.c keeps them masked and polls
 * the bitmaps), so no code ever runs "underneath" other code.
 */
#ifndef DOM0_KERNEL_H
#define DOM0_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <public/xen.h>

#define VIRT_BASE       0xC0000000u
#define PAGE_SHIFT      12
#define PAGE_SIZE       4096u
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))
#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))

/* start_info as the hypervisor gave it (the page stays mapped and reserved). */
extern start_info_t *start_info;
/* shared_info, mapped by events.c before anything else needs it. */
extern shared_info_t *shared_info;
/* The kernel's command line (start_info.cmd_line, NUL-terminated). */
extern const char *kernel_cmdline;

extern char _image_start[], _image_end[], _bss_start[], _bss_end[];

/* Kernel messages go to the console as they are, prefixed "dom0: ". */
void kprintf(const char *fmt, ...) __printf(1, 2);
/* A kernel invariant broke: print, then crash the domain (which ends the
 * machine, since Dom0 is the machine). */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
#define BUG_ON(c) do { if (c) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

/* Shut the machine down with a SHUTDOWN_* reason. */
void kernel_shutdown(unsigned int reason) __noreturn;

/* Install the exception handlers and callbacks (traps.c). */
void traps_init(void);

/* A word of the command line: "name=value" -> value, "name" -> "". */
const char *cmdline_get(const char *name, char *buf, size_t size);

#endif /* DOM0_KERNEL_H */
