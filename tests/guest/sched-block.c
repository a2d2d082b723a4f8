/*
 * sched-block: SCHEDOP_block and SCHEDOP_poll -- how a vCPU sleeps.
 *
 * d1 (spin role=waker) answers each event of ours after spinning 2 ms,
 * so we always have an event on its way while we sleep.  Checked:
 *   - block sleeps until the event comes (the runstate's blocked time
 *     grows by about 2 ms), clears the upcall mask, and returns at once
 *     when an upcall is already deliverable;
 *   - poll returns at once for a pending port, sleeps until a listed port
 *     goes pending -- also a masked one, without raising an upcall --
 *     leaves the upcall mask alone, returns at once when an upcall is
 *     deliverable, and honours its timeout (also with no ports: a sleep,
 *     and a timeout already past);
 *   - the poll lists an attacker would send (the XSA-221 class): 129 or
 *     2^32-1 ports, ports >= 1024 or huge, unreadable lists, a 128-port
 *     list: errors without sleeping, or a proper wait;
 *   - a registered runstate area is kept up to date across a block;
 *   - yield, and the watchdog bookkeeping (two per domain, ids 1 and 2);
 *     d2 (role=watchdog) is shut down by its own watchdog.
 */
#include <test.h>
#include <events.h>

static evtchn_port_t peer;

static uint64_t blocked(void)
{
    struct vcpu_runstate_info rs;
    get_runstate(&rs);
    return rs.time[RUNSTATE_blocked];
}

#define US(ns) ((unsigned int)udiv64((ns), 1000))

static void test_block(void)
{
    evtchn_ack_upcall();
    vcpu0_info()->evtchn_upcall_mask = 1;
    uint64_t b0 = blocked(), t0 = now_ns();
    CHECK_RC(evtchn_send(peer), 0, "send");
    CHECK_RC(sched_block(), 0, "block");
    uint64_t slept = blocked() - b0, took = now_ns() - t0;
    printf("block: woken after %u us (%u us blocked)\n", US(took), US(slept));
    CHECK(evtchn_is_pending(peer), "woken without the event");
    CHECK(took >= 2 * NS_PER_MS, "block returned after only %u us", US(took));
    CHECK(slept >= NS_PER_MS, "blocked only %u us", US(slept));
    CHECK(vcpu0_info()->evtchn_upcall_mask == 0, "block did not enable events");

    /* Deliverable already: no sleep. */
    b0 = blocked();
    CHECK_RC(sched_block(), 0, "block with an upcall pending");
    CHECK(blocked() - b0 < 500 * NS_PER_US, "blocked %u us with an upcall pending",
          US(blocked() - b0));
    evtchn_clear_pending(peer);
    evtchn_ack_upcall();
    vcpu0_info()->evtchn_upcall_mask = 1;
}

static void test_poll(void)
{
    evtchn_port_t ports[SCHEDOP_POLL_MAX_PORTS + 1];
    long ipi = evtchn_bind_ipi(0);

    /* A pending port: at once. */
    evtchn_send(ipi);
    uint64_t b0 = blocked();
    CHECK_RC(sched_poll((evtchn_port_t *)&ipi, 1, 0), 0, "poll pending");
    CHECK(blocked() - b0 < 500 * NS_PER_US, "slept on a pending port");
    evtchn_clear_pending(ipi);
    evtchn_ack_upcall();

    /* A masked port wakes poll, without an upcall; the mask is untouched. */
    evtchn_set_mask(peer);
    vcpu0_info()->evtchn_upcall_mask = 1;
    uint64_t t0 = now_ns();
    evtchn_send(peer);
    ports[0] = ipi;
    ports[1] = peer;
    CHECK_RC(sched_poll(ports, 2, t0 + 5000 * NS_PER_MS), 0, "poll masked");
    uint64_t took = now_ns() - t0;
    printf("poll on a masked port: woken after %u us\n", US(took));
    CHECK(evtchn_is_pending(peer) && took >= 2 * NS_PER_MS && took < 3000 * NS_PER_MS,
          "poll woke after %u us, pending %d", US(took), evtchn_is_pending(peer));
    CHECK(!vcpu0_info()->evtchn_upcall_pending, "a masked port raised an upcall");
    CHECK(vcpu0_info()->evtchn_upcall_mask == 1, "poll changed the upcall mask");
    evtchn_clear_pending(peer);
    evtchn_clear_mask(peer);

    /* Timeout on a quiet port; no ports at all; a timeout already past. */
    t0 = now_ns();
    CHECK_RC(sched_poll((evtchn_port_t *)&ipi, 1, t0 + 3 * NS_PER_MS), 0, "poll with timeout");
    took = now_ns() - t0;
    CHECK(took >= 3 * NS_PER_MS && took < 3000 * NS_PER_MS, "timeout 3 ms took %u us", US(took));
    t0 = now_ns();
    CHECK_RC(sched_poll(NULL, 0, t0 + 2 * NS_PER_MS), 0, "poll on nothing");
    CHECK(now_ns() - t0 >= 2 * NS_PER_MS, "poll on nothing did not sleep");
    b0 = blocked();
    CHECK_RC(sched_poll((evtchn_port_t *)&ipi, 1, 1), 0, "poll with a past timeout");
    CHECK(blocked() - b0 < 500 * NS_PER_US, "slept past a timeout already gone");

    /* An upcall deliverable: at once, whatever the list. */
    evtchn_send(ipi);
    vcpu0_info()->evtchn_upcall_mask = 0;
    b0 = blocked();
    CHECK_RC(sched_poll(&peer, 1, 0), 0, "poll with an upcall deliverable");
    CHECK(blocked() - b0 < 500 * NS_PER_US, "slept with an upcall deliverable");
    vcpu0_info()->evtchn_upcall_mask = 1;
    evtchn_clear_pending(ipi);
    evtchn_ack_upcall();

    /* Hostile lists: errors, and no sleep. */
    b0 = blocked();
    for (int i = 0; i <= SCHEDOP_POLL_MAX_PORTS; i++)
        ports[i] = ipi;
    CHECK_RC(sched_poll(ports, SCHEDOP_POLL_MAX_PORTS + 1, 0), -XEN_EINVAL, "129 ports");
    CHECK_RC(sched_poll(ports, 0xffffffffu, 0), -XEN_EINVAL, "2^32-1 ports");
    CHECK_RC(sched_poll(NULL, 1, 0), -XEN_EFAULT, "NULL list");
    CHECK_RC(sched_poll((evtchn_port_t *)(HYPERVISOR_VIRT_START - 8), 4, 0), -XEN_EFAULT,
             "list running into the hole");
    CHECK_RC(sched_poll((evtchn_port_t *)(mapped_end() - 8), 4, 0), -XEN_EFAULT,
             "list running off the mapping");
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_poll, NULL), -XEN_EFAULT, "NULL argument");
    static const uint32_t bad[] = { 1024, 4096, 0x80000000u, 0xffffffffu };
    for (unsigned int k = 0; k < ARRAY_SIZE(bad); k++) {
        ports[5] = bad[k];
        CHECK_RC(sched_poll(ports, 8, 0), -XEN_EINVAL, "port out of range");
    }
    CHECK(blocked() - b0 < 500 * NS_PER_US, "a rejected poll slept");
    /* 128 ports, valid but quiet: a proper timed wait. */
    for (int i = 0; i < SCHEDOP_POLL_MAX_PORTS; i++)
        ports[i] = 900 + i % 100;
    t0 = now_ns();
    CHECK_RC(sched_poll(ports, SCHEDOP_POLL_MAX_PORTS, t0 + 2 * NS_PER_MS), 0, "128 ports");
    CHECK(now_ns() - t0 >= 2 * NS_PER_MS, "128-port poll did not wait");
    evtchn_close(ipi);
}

/* VCPUOP_register_runstate_memory_area: our copy follows blocks. */
static void test_runstate_area(void)
{
    static struct vcpu_runstate_info area;
    struct vcpu_register_runstate_memory_area reg = { .addr.p = 0 };

    set_xen_guest_handle(reg.addr.h, &area);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0, "register");
    CHECK(area.state == RUNSTATE_running && area.state_entry_time > 0, "area not written");
    uint64_t blocked0 = area.time[RUNSTATE_blocked];
    uint64_t t0 = now_ns();
    sched_poll(NULL, 0, t0 + 3 * NS_PER_MS);
    CHECK(area.state == RUNSTATE_running && area.state_entry_time >= t0 + 3 * NS_PER_MS,
          "area not rewritten when we ran again (entry %u us after)",
          US(area.state_entry_time - t0));
    CHECK(area.time[RUNSTATE_blocked] - blocked0 >= 2 * NS_PER_MS, "blocked time in the area");
    set_xen_guest_handle(reg.addr.h, HYPERVISOR_VIRT_START - 8);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), -XEN_EFAULT,
             "area in the hole");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, NULL), -XEN_EFAULT,
             "NULL argument");
    reg.addr.p = 0;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0, "unregister");
    uint64_t before = area.state_entry_time;
    sched_poll(NULL, 0, now_ns() + NS_PER_MS);
    CHECK(area.state_entry_time == before, "an unregistered area was written");
}

static void test_misc(void)
{
    CHECK_RC(sched_yield(), 0, "yield");
    CHECK_RC(HYPERVISOR_sched_op_compat(SCHEDOP_yield, 0), 0, "compat yield");
    CHECK_RC(HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS, "sched_op 99");

    struct sched_watchdog wd = { .id = 0, .timeout = 100 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), 1, "first watchdog");
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), 2, "second watchdog");
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_ENOSPC, "third watchdog");
    wd = (struct sched_watchdog){ .id = 1, .timeout = 200 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), 0, "re-arm");
    wd = (struct sched_watchdog){ .id = 3, .timeout = 1 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL, "id 3");
    wd = (struct sched_watchdog){ .id = 0xffffffffu, .timeout = 1 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL, "id 2^32-1");
    wd = (struct sched_watchdog){ .id = 0, .timeout = 0 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL, "new with timeout 0");
    for (uint32_t id = 1; id <= 2; id++) {
        wd = (struct sched_watchdog){ .id = id, .timeout = 0 };
        CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), 0, "destroy");
        CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL, "destroy twice");
    }
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_watchdog, NULL), -XEN_EFAULT, "NULL watchdog");
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not connect: %ld", p);
        return;
    }
    peer = (evtchn_port_t)p;
    test_block();
    test_poll();
    test_runstate_area();
    test_misc();
    /* d2's watchdog (1 s) shuts it down. */
    CHECK_RC(wait_domain_gone(2, 5000 * NS_PER_MS), 0, "d2's watchdog did not fire");
    test_success();
}
