/*
 * Physical IRQs for test guests (see pirq.h): one hypercall a function,
 * its arguments laid out as Xen's public/physdev.h and event_channel.h
 * define them, its result passed back untouched.
 */
#include <test.h>
#include <events.h>
#include <pirq.h>

long physdev(int cmd, void *arg)
{
    return HYPERVISOR_physdev_op(cmd, arg);
}

long pirq_map_gsi(domid_t dom, int gsi, int pirq, int *out)
{
    struct physdev_map_pirq m = { .domid = dom, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = gsi, .pirq = pirq };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);

    if (out)
        *out = m.pirq;
    return rc;
}

long pirq_unmap(domid_t dom, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = dom, .pirq = pirq };

    return physdev(PHYSDEVOP_unmap_pirq, &u);
}

long pirq_bind(uint32_t pirq, uint32_t flags)
{
    evtchn_bind_pirq_t b = { .pirq = pirq, .flags = flags };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

long pirq_eoi(uint32_t pirq)
{
    struct physdev_eoi e = { pirq };

    return physdev(PHYSDEVOP_eoi, &e);
}

bool pirq_wait_event(evtchn_port_t p, uint64_t ms)
{
    uint64_t end = now_ns() + ms * NS_PER_MS;

    while (now_ns() < end) {
        if (evtchn_is_pending(p)) {
            evtchn_clear_pending(p);
            return true;
        }
        sched_yield();
    }
    return false;
}
