/*
 * irq-storm: a device that interrupts far too often must not starve the
 * other domains (common/irq.c's storm limit, docs/devices.md).
 *
 * The initial domain maps QEMU's HPET (device memory the hypervisor does
 * not use), routes its timer 0 to a free IO-APIC input >= 16 as an edge
 * (PHYSDEVOP_setup_gsi), maps and binds that GSI, and starts the timer
 * periodic every period_us= microseconds (default 20: 50,000 interrupts
 * a second; the test list uses 1, a million).  QEMU's pc machine routes
 * its HPET to GSI 2 only (the hypervisor's), so the test runs on q35.  Meanwhile domain 1 (role=work) does a fixed amount of
 * computation and reports SUCCESS; the initial domain waits for it to
 * finish within timeout_ms=, then checks the storm was real (events kept
 * arriving all along) and stops the timer.  The test list runs it with
 * irq_ratelimit=100 (100 interrupts per 10 ms window): the hypervisor
 * reports the storm once ("storm") and masks the line for the rest of
 * each window, so domain 1 keeps most of the CPU.  With irq_ratelimit=0
 * the same storm leaves domain 1 a fraction of it (docs/devices.md has
 * the figures; not a pass/fail timing test).
 *
 * role=work: WORK iterations of a small hash, then SUCCESS, printing how
 * long it took.
 */
#include <test.h>
#include <pt.h>
#include <events.h>
#include <public/physdev.h>

#define HPET_MFN   0xfed00u
#define SLOT_HPET  3
#define WORK       100000000u
/* Milliseconds of a nanosecond count, without 64-bit division (i386). */
#define MS(ns)     ((uint32_t)((ns) >> 10) / 977u)

static volatile uint64_t *hpet;

static long physdev(int cmd, void *arg) { return HYPERVISOR_physdev_op(cmd, arg); }

static void work(void)
{
    uint64_t t0 = now_ns();
    uint32_t h = 2166136261u;

    for (uint32_t i = 0; i < WORK; i++)
        h = (h ^ i) * 16777619u;
    printf("work: %u iterations in %u ms (hash %x)\n", WORK, MS(now_ns() - t0), h);
    test_success();
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line;
    const char *role = cmdline_value(cl, "role"), *p = cmdline_value(cl, "period_us");
    const char *t = cmdline_value(cl, "timeout_ms");
    uint64_t period_us = p ? parse_ulong(&p) : 20, timeout = t ? parse_ulong(&t) : 60000;

    if (map_shared_info())
        test_error("no shared_info");
    if (role && !strncmp(role, "work", 4)) {
        work();
        return;
    }

    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(scratch_slot_va(SLOT_HPET),
             PTE(HPET_MFN, _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT), UVMF_INVLPG,
             DOMID_IO), 0, "map the HPET");
    hpet = (volatile uint64_t *)scratch_slot_va(SLOT_HPET);
    uint64_t cap = hpet[0], conf0 = hpet[0x100 / 8];
    uint32_t fs = (uint32_t)(cap >> 32);                /* femtoseconds a tick */
    uint32_t routes = (uint32_t)(conf0 >> 32);
    unsigned int gsi = 16;
    while (gsi < 24 && !(routes & (1u << gsi)))
        gsi++;
    CHECK(fs && gsi < 24 && (conf0 & (1u << 4)), "HPET: period %u fs, routes 0x%x, conf 0x%llx",
          fs, routes, (unsigned long long)conf0);
    if (gsi >= 24 || !fs)
        test_exit();

    struct physdev_setup_gsi sg = { .gsi = (int)gsi, .triggering = 0, .polarity = 0 };
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), 0, "setup_gsi edge");
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = (int)gsi, .pirq = -1 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), 0, "map the HPET's GSI");
    evtchn_bind_pirq_t b = { .pirq = (uint32_t)m.pirq };
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), 0, "bind");
    evtchn_port_t port = b.port;

    /* Timer 0: periodic, edge, on gsi, every period_us. */
    uint32_t ticks = (uint32_t)period_us * (1000000000u / fs);    /* fs a tick: ~10^7 */
    hpet[0x10 / 8] = 0;                                 /* counter off */
    hpet[0xf0 / 8] = 0;
    hpet[0x100 / 8] = (1u << 2) | (1u << 3) | (1u << 6) | ((uint64_t)gsi << 9);
    hpet[0x108 / 8] = ticks;                            /* first deadline */
    hpet[0x108 / 8] = ticks;                            /* period (VAL_SET) */
    evtchn_clear_pending(port);
    hpet[0x10 / 8] = 1;                                 /* go */
    printf("storm: HPET timer 0 on GSI %u every %llu us\n", gsi,
           (unsigned long long)period_us);

    /* Wait for domain 1's work, counting the events we see meanwhile. */
    uint64_t start = now_ns(), seen = 0;
    bool gone = false;
    while (now_ns() - start < timeout * NS_PER_MS) {
        if (evtchn_is_pending(port)) {
            evtchn_clear_pending(port);
            seen++;
        }
        if (wait_domain_gone(1, 0) == 0) {
            gone = true;
            break;
        }
        sched_yield();
    }
    uint32_t ms = MS(now_ns() - start);
    hpet[0x10 / 8] = 0;                                 /* storm over */
    hpet[0x100 / 8] = 0;
    printf("storm: domain 1 %s after %u ms; %llu wake-ups with events\n",
           gone ? "finished" : "did NOT finish", ms, (unsigned long long)seen);
    CHECK(gone, "domain 1 starved: not finished after %u ms", ms);
    CHECK(seen > 0, "the storm raised no events");
    CHECK_RC(evtchn_close(port), 0, "close");
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = m.pirq };
    CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, &u), 0, "unmap");
    scratch_restore(SLOT_HPET);
    test_success();
}
