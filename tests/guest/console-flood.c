/*
 * console-flood: one console write of a huge buffer must not stall the
 * CPU.  console_io(CONSOLEIO_write) does work proportional to a length
 * the guest chooses, and the guest can make that length enormous at no
 * cost: one frame mapped 512 times by one L1, linked 512 times by one L2,
 * is a 1 GiB buffer built from three frames (3 GiB with three L3 slots).
 * The call must be preemptible, as every other hypercall whose work grows
 * with a guest-chosen length.  (8 MiB is enough to show it here and keeps
 * the unfixed hypervisor's stall short enough to measure.)
 *
 * d1 (role=flood) builds such a buffer and writes it to the console again
 * and again.  We (domain 0) sleep on our one-shot timer 100 times, for
 * 0.3 to 5 ms, and measure how late we wake (as sched-latency does with a
 * spinning neighbour): the flooder must be preempted within a hypercall
 * budget plus a minimum slice.  Under -icount the figures are exact:
 *
 *     wake-up latency with a console flood: worst W us, mean M us
 */
#include <pt.h>
#include <events.h>

#define US(ns) ((unsigned int)udiv64((ns), 1000))
#define FLOOD_L2_ENTRIES 4                  /* x 2 MiB */

static void flood(void)
{
    uint64_t l1[512], l2[FLOOD_L2_ENTRIES];
    uint32_t data = spare_frame(), t, l3 = current_l3_mfn();
    unsigned int slot;
    uint64_t e[3];
    long p;

    for (unsigned int i = 0; i < 512; i++)
        l1[i] = PTE(data, _PAGE_PRESENT | _PAGE_ACCESSED);
    t = make_table(l1, 0, 512);
    for (unsigned int i = 0; i < FLOOD_L2_ENTRIES; i++)
        l2[i] = PTE(t, _PAGE_PRESENT | _PAGE_ACCESSED);
    for (slot = 0; slot < 3 && walk_any(slot << 30, e) != 3; slot++)
        ;
    if (slot == 3 || mmu1(MADDR(l3, slot), PTE(make_table(l2, 0, FLOOD_L2_ENTRIES),
                                               _PAGE_PRESENT))) {
        printf("flood: cannot build the aliased buffer\n");
        return;
    }
    uint32_t buf = (slot << 30) + PAGE_SIZE, len = FLOOD_L2_ENTRIES * (2u << 20) - PAGE_SIZE;
    if ((p = evtchn_connect_and_greet(0, 10000)) <= 0) {
        printf("flood: no port from domain 0 (%ld)\n", p);
        return;
    }
    printf("flood: writing %u MiB from one frame, over and over\n", len >> 20);
    for (;;)
        hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, (long)len, (long)buf);
}

void test_main(void)
{
    static const unsigned int sleep_us[] = { 300, 700, 1500, 5000 };
    uint64_t worst = 0, sum = 0;
    unsigned int n = 0;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    if (cmdline_value((const char *)start_info->cmd_line, "role")) {
        flood();
        test_error("the flood ended");
        return;
    }
    long tp = evtchn_bind_virq(VIRQ_TIMER, 0);
    if (tp <= 0 || evtchn_offer_and_wait(1, 5000 * NS_PER_MS) <= 0) {
        test_error("timer port or d1's greeting missing (%ld)", tp);
        return;
    }
    evtchn_port_t p = (evtchn_port_t)tp;
    evtchn_set_mask(p);
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    for (unsigned int i = 0; i < 100; i++) {
        uint64_t deadline = now_ns() + sleep_us[i % ARRAY_SIZE(sleep_us)] * NS_PER_US;
        evtchn_clear_pending(p);
        HYPERVISOR_set_timer_op(deadline);
        while (!evtchn_is_pending(p))
            sched_poll(&p, 1, 0);
        uint64_t late = now_ns() - deadline;
        worst = late > worst ? late : worst;
        sum += late;
        n++;
    }
    printf("wake-up latency with a console flood: worst %u us, mean %u us over %u wake-ups\n",
           US(worst), US(udiv64(sum, n)), n);
    CHECK(worst < 10 * NS_PER_MS, "a console write held the CPU for %u us", US(worst));
    test_success();
}
