/*
 * kmain(): the Dom0 kernel's boot, in the order its parts depend on each
 * other, then the shell.
 *
 *   1. start_info: magic, privileges, the hypercall page;
 *   2. memory: own page tables, frame allocator (mm.c);
 *   3. events (shared_info), time and timers, traps, console, grant table;
 *   4. the ramfs from the boot module (Dom0's initrd);
 *   4b. devices: the PCI scan and the drivers (drivers/devices.c);
 *   5. the tools' daemons (os/mica/start.c: the console backend, the
 *      toolstack's VIRQ_DOM_EXC watch) and the shell, for good.
 *
 * Command-line options (start_info.cmd_line, the module's command line):
 *   script=PATH   run the commands of a ramfs file at the prompt first,
 *                 echoed as if typed (docs/dom0.md), then go interactive
 *   quiet         no boot banner
 */
#include "kernel.h"
#include "hypercall.h"
#include "mm.h"
#include "events.h"
#include "time.h"
#include "console.h"
#include "gnttab.h"
#include "ramfs.h"
#include "files.h"
#include "heap.h"
#include "../drivers/devices.h"
#include <public/mica.h>
#include <stdlib.h>
#include <assert.h>

start_info_t *start_info;
const char *kernel_cmdline;
static char cmdline_copy[MAX_GUEST_CMDLINE];

void dom0_main(void) __noreturn;

void kprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    memcpy(buf, "dom0: ", 6);
    va_start(ap, fmt);
    n = vsnprintf(buf + 6, sizeof(buf) - 6, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    term_write(buf, MIN((size_t)n + 6, sizeof(buf) - 1));
}

void kernel_shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write_raw("dom0: PANIC: ", 13);
    console_write_raw(buf, strlen(buf));
    console_write_raw("\n", 1);
    kernel_shutdown(SHUTDOWN_crash);
}

void dom0_assert_fail(const char *expr, const char *file, int line)
{
    panic("assertion failed at %s:%d: %s", file, line, expr);
}

void abort(void)
{
    panic("abort()");
}

const char *cmdline_get(const char *name, char *buf, size_t size)
{
    size_t nl = strlen(name);
    const char *p = kernel_cmdline;

    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wl = (size_t)(p - w);
        if (wl >= nl && !memcmp(w, name, nl) && (wl == nl || w[nl] == '=')) {
            size_t vl = wl == nl ? 0 : wl - nl - 1;
            if (vl >= size)
                vl = size - 1;
            memcpy(buf, w + (wl == nl ? nl : nl + 1), vl);
            buf[vl] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* Without the hypercall page nothing works: say so the only way left. */
static void check_hypercall_page(void)
{
    static const char msg[] = "dom0: the hypercall page was not filled\n";
    struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

    if (hypercall_page[0] != 0xc3)
        return;
    hypercall_raw(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1,
                  (unsigned long)msg, 0, 0);
    for (;;)
        hypercall_raw(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0, 0, 0);
}

void kmain(start_info_t *si) __noreturn;
void kmain(start_info_t *si)
{
    char opt[8];
    struct frame_stats fs;

    start_info = si;
    check_hypercall_page();
    if (strncmp(si->magic, MICA_GUEST_ABI, sizeof(MICA_GUEST_ABI) - 1))
        panic("start_info magic is '%.31s', not %s", si->magic, MICA_GUEST_ABI);
    memcpy(cmdline_copy, si->cmd_line, sizeof(cmdline_copy) - 1);
    kernel_cmdline = cmdline_copy;
    if (!(si->flags & SIF_PRIVILEGED))
        kprintf("warning: not a privileged domain; the toolstack will not work\n");

    mm_init();
    events_init();
    time_init();
    traps_init();
    console_init();
    gnttab_init();
    files_init((const void *)si->mod_start, si->mod_len);
    devices_init();

    frames_stats(&fs);
    if (!cmdline_get("quiet", opt, sizeof(opt)))
        kprintf("Mica Dom0: %u MiB, %u MiB free; %u files in the ramfs\n",
                fs.total >> 8, fs.free >> 8, files_count());
    dom0_main();
}
