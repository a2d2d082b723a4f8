/*
 * A simulated hypervisor behind xl's hv.h, for host tests of the command
 * layer and the toolstack (fake-hv.c).  Domains have ids, pages taken from
 * a free pool, pause/shutdown/dying state, CPU time, scheduler parameters
 * a console ring page and a xenstore ring page granted to Dom0 (through
 * the fake OS: refs 0 and 1), and a shutdown or destroy raises
 * VIRQ_DOM_EXC as the real one does.
 */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include <stdint.h>
#include <stdbool.h>
#include <public/io/console.h>
#include "../../dom0-tools/tools/xl/hv.h"

#define FAKE_HV_TOTAL_PAGES 65536u      /* 256 MiB */
#define FAKE_HV_MAX_DOMS    300

struct fake_dom {
    bool exists;
    uint16_t domid;
    char name[64];
    uint64_t pages, max_pages;
    bool paused, shutdown, dying;
    unsigned int reason;
    uint64_t cpu_ns;
    unsigned int weight, cap;
    char cmdline[1024];
    size_t kernel_len, ramdisk_len;
    struct xencons_interface *ring;     /* the console page (4 KiB) */
    void *store;                        /* the xenstore ring page, granted as ref 1 */
};

struct fake_hv {
    struct fake_dom dom[FAKE_HV_MAX_DOMS];
    uint64_t free_pages;
    int fail_build;                     /* next build fails with this -errno */
    int fail_destroy;
    unsigned int builds, destroys;
    uint16_t next_domid;
    char console_text[256];
};
extern struct fake_hv fake_hv;

void fake_hv_reset(void);
struct fake_dom *fake_hv_dom(uint16_t domid);
/* The guest shuts itself down (raises VIRQ_DOM_EXC). */
void fake_hv_guest_shutdown(uint16_t domid, unsigned int reason);
/* The guest writes to its console ring and notifies Dom0. */
void fake_hv_guest_write(uint16_t domid, const char *text, size_t n);
/* What Dom0 typed into the guest's input ring (consumed). */
size_t fake_hv_guest_read(uint16_t domid, char *buf, size_t size);

#endif
