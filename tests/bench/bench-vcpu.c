/*
 * Benchmark: two vCPUs of one domain on the one physical CPU.
 *
 *  vcpu.ipi_rtt      an IPI round trip between vCPU 0 and vCPU 1: vCPU 0
 *                    sends on a port bound with bind_ipi to vCPU 1 and
 *                    polls its own; vCPU 1, polling, wakes, clears its
 *                    port and sends back.  Two sends, two polls and two
 *                    vCPU switches per round (each a CR3 write: every vCPU
 *                    has its own top-level table).
 *  vcpu.switch       half of it: one block/wake vCPU switch within a
 *                    domain (compare sched.domain_switch, between two).
 * bench.py boots this guest with dom0_max_vcpus=2.
 */
#include "bench.h"
#include <events.h>
#include <traps.h>
#include <smp.h>

static volatile evtchn_port_t to0, to1;

static void ponger(unsigned int id)
{
    for (;;) {
        wait_port(to1, 0);
        evtchn_send(to0);
    }
}

static void op_ipi_rtt(void)
{
    evtchn_send(to1);
    wait_port(to0, 0);
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    long p0 = evtchn_bind_ipi(0), p1 = evtchn_bind_ipi(1);
    if (p0 <= 0 || p1 <= 0) {
        test_error("bind_ipi: %ld %ld (booted without dom0_max_vcpus=2?)", p0, p1);
        return;
    }
    to0 = (evtchn_port_t)p0;
    to1 = (evtchn_port_t)p1;
    long rc = smp_start(1, ponger);
    if (rc) {
        test_error("starting vCPU 1: %ld", rc);
        return;
    }
    uint64_t rtt = bench_measure(op_ipi_rtt, 300);
    bench_print("vcpu.ipi_rtt", rtt);
    bench_print("vcpu.switch", rtt / 2);
    HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
    test_success();
}
