/*
 * time: system time and the wall clock as a guest reads them.
 *
 * Maps shared_info and reads vcpu_time_info with the version protocol
 * (fact sheet 5.2): the version must be even, the scale plausible (mul
 * in [2^31, 2^32), |shift| small), and system time computed with the
 * guest formula must be monotonic -- across many reads, across yields and
 * blocks (which republish the record) and across switches to another
 * domain (a spinning d1 shares the CPU).  Two records published at
 * different times must agree: the time one predicts for a TSC value must
 * match the other's to within a microsecond.  The hypervisor's view
 * (VCPUOP_get_runstate_info's state_entry_time) must not be ahead of ours.
 * The wall clock must be set (after 2020) and its version even.
 */
#include <test.h>
#include <events.h>

#define YEAR_2020 1577836800u

static void check_record(const struct vcpu_time_info *t)
{
    CHECK(!(t->version & 1), "odd version %u", t->version);
    CHECK(t->tsc_to_system_mul >= 0x80000000u, "mul %#x", t->tsc_to_system_mul);
    CHECK(t->tsc_shift >= -8 && t->tsc_shift <= 8, "shift %d", t->tsc_shift);
}

void test_main(void)
{
    struct vcpu_time_info a, b;
    long rc = map_shared_info();

    if (rc) {
        test_error("cannot map shared_info: %ld", rc);
        return;
    }
    read_time_info(&a);
    check_record(&a);
    printf("time record: version %u, mul 0x%x, shift %d, flags 0x%x\n",
           a.version, a.tsc_to_system_mul, a.tsc_shift, a.flags);

    /* Monotonic over many reads, yields, blocks and domain switches. */
    long tport = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(tport > 0, "bind VIRQ_TIMER: %ld", tport);
    struct vcpu_runstate_info rs0, rs1;
    CHECK_RC(get_runstate(&rs0), 0, "get_runstate_info");
    uint64_t prev = now_ns(), start = prev;
    uint32_t lastv = vcpu0_info()->time.version;
    unsigned int republished = 0, backwards = 0;
    for (int i = 0; i < 20000; i++) {
        if (i % 1000 == 0)
            sched_yield();              /* d1 runs a slice */
        if (i % 5000 == 2500)
            sleep_ns((evtchn_port_t)tport, NS_PER_MS);
        uint64_t t = now_ns();
        if (vcpu0_info()->time.version != lastv) {
            republished++;
            lastv = vcpu0_info()->time.version;
        }
        if (t < prev)
            backwards++;
        prev = t;
    }
    CHECK_RC(get_runstate(&rs1), 0, "get_runstate_info");
    uint64_t waited = rs1.time[RUNSTATE_runnable] - rs0.time[RUNSTATE_runnable];
    CHECK(backwards == 0, "system time went backwards %u times", backwards);
    printf("20000 reads over %u us; waited %u us while d1 ran; record republished %u times\n",
           (unsigned int)udiv64(prev - start, 1000), (unsigned int)udiv64(waited, 1000),
           republished);
    CHECK(waited > 10 * NS_PER_MS, "the spinning domain never ran (%u us)",
          (unsigned int)udiv64(waited, 1000));
    CHECK(republished >= 20, "record republished only %u times", republished);

    /* Two records agree on the formula. */
    read_time_info(&a);
    sleep_ns((evtchn_port_t)tport, 2 * NS_PER_MS);   /* block: republished on wake */
    read_time_info(&b);
    CHECK(b.version != a.version, "record not republished after a block");
    uint64_t tsc = rdtsc();
    uint64_t ta = pvclock_ns(&a, tsc), tb = pvclock_ns(&b, tsc);
    uint64_t diff = ta > tb ? ta - tb : tb - ta;
    CHECK(diff < 1000, "records disagree by %u ns", (unsigned int)diff);

    /* The hypervisor's clock is not ahead of ours. */
    struct vcpu_runstate_info rs;
    CHECK_RC(get_runstate(&rs), 0, "get_runstate_info");
    uint64_t mine = now_ns();
    CHECK(rs.state == RUNSTATE_running, "runstate %d", rs.state);
    CHECK(rs.state_entry_time <= mine, "hypervisor time ahead of the guest's");

    /* Wall clock. */
    CHECK(!(shared_info->wc_version & 1), "odd wc_version");
    uint64_t wall = wallclock_sec();
    printf("wall clock: %u s since the epoch (wc_sec %u, wc_nsec %u)\n",
           (unsigned int)wall, shared_info->wc_sec, shared_info->wc_nsec);
    CHECK(wall > YEAR_2020, "wall clock not set: %u", (unsigned int)wall);
    CHECK(shared_info->wc_nsec < 1000000000u, "wc_nsec %u", shared_info->wc_nsec);
    test_success();
}
