/*
 * The OS interface on Mica's Dom0 kernel: the terminal (os_term.h) and
 * the system calls of os_system.h, over kernel/console.c and friends.
 */
#include "os_term.h"
#include "os_system.h"
#include "../../kernel/console.h"
#include "../../kernel/mm.h"
#include "../../kernel/heap.h"
#include <public/sched.h>

size_t os_term_read_line(const char *prompt, char *buf, size_t size)
{
    return term_read_line(prompt, buf, size);
}

void os_term_history_add(const char *line)
{
    term_history_add(line);
}

void os_term_set_raw(os_term_raw_fn *fn, void *arg)
{
    term_set_raw(fn, arg);
}

void os_term_write(const char *buf, size_t n)
{
    term_write(buf, n);
}

int os_term_inject(const char *buf, size_t n, uint64_t delay_ns)
{
    return term_inject(buf, n, delay_ns);
}

bool os_term_interrupted(void)
{
    return term_interrupted();
}

void os_shutdown(int reboot)
{
    kernel_shutdown(reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

void os_meminfo(struct os_meminfo *mi)
{
    struct frame_stats fs;
    struct heap_stats hs;

    frames_stats(&fs);
    heap_stats(&hs);
    mi->total_pages = mm_nr_pages;
    mi->free_pages = fs.free;
    mi->kernel_pages = fs.kernel;
    mi->heap_pages = hs.pages;
    mi->heap_objects = hs.objects;
    mi->heap_bytes = hs.bytes;
}
