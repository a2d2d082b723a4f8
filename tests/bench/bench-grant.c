/*
 * Benchmark: grant tables and the shared ring.
 *
 *  grant.map_unmap   GNTTABOP_map_grant_ref of one page (read-write, at a
 *                    VA) and GNTTABOP_unmap_grant_ref of it: two
 *                    hypercalls, the entry pin/unpin, the frame references,
 *                    the PTE write and clear, and the TLB flush of the unmap
 *                    batch (a CR3 reload).  A grant to ourselves, so no
 *                    domain switch is measured.
 *  grant.copy_4k     GNTTABOP_copy of a whole page from a grant to a local
 *                    frame (pin, references, 4 KiB memmove, release).
 *  ring.rtt          one request/response round trip over the shared ring
 *                    of grant-ring.c with d1 (tests/guest/grant-peer.c,
 *                    role=backend) answering RT_NOP at once: push with the
 *                    notify check, event, two domain switches, the
 *                    backend's final check, response push and event.
 * bench.py boots d1 as a second module for this guest.
 */
#include "bench.h"
#include <grant.h>
#include <events.h>
#include <ringtest.h>

#define REF_DATA (GNT_RING_REF + 1)

static uint32_t va, data_mfn, local_mfn;
static evtchn_port_t port;
static rt_front_ring_t fr;

static void op_map_unmap(void)
{
    grant_handle_t h;

    gnt_map(0, REF_DATA, va, GNTMAP_host_map, &h);
    gnt_unmap(va, h);
}

static void op_copy(void)
{
    gnt_copy(gref_ptr(REF_DATA, 0, 0), mfn_ptr(local_mfn, 0), 4096, GNTCOPY_source_gref);
}

static void ring_request(uint16_t op)
{
    struct rt_req *rq = RING_GET_REQUEST(&fr, fr.req_prod_pvt);
    int notify, work;

    rq->id = fr.req_prod_pvt;
    rq->op = op;
    fr.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
    if (notify)
        evtchn_send(port);
    for (;;) {
        RING_FINAL_CHECK_FOR_RESPONSES(&fr, work);
        if (work)
            break;
        wait_port(port, 0);
    }
    fr.rsp_cons = fr.sring->rsp_prod;
}

static void op_rtt(void)
{
    ring_request(RT_NOP);
}

void test_main(void)
{
    if (map_shared_info() || !gnt_init(1)) {
        test_error("setup failed");
        return;
    }
    data_mfn = spare_frame();
    local_mfn = spare_frame();
    va = gnt_slot_va(2);
    gnt_blank(2);
    gnt_grant(REF_DATA, 0, data_mfn, false);
    bench_run("grant.map_unmap", op_map_unmap, 500);
    bench_run("grant.copy_4k", op_copy, 500);
    grant_handle_t h;
    if (gnt_map(0, REF_DATA, va, GNTMAP_host_map, &h) || gnt_unmap(va, h) ||
        gnt_table[REF_DATA].flags != GTF_permit_access) {
        test_error("map/unmap failed after the benchmark");
        return;
    }

    uint32_t ring_mfn = spare_frame();
    rt_sring_t *s = scratch_map(1, ring_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    SHARED_RING_INIT(s);
    FRONT_RING_INIT(&fr, s, PAGE_SIZE);
    gnt_grant(GNT_RING_REF, 1, ring_mfn, false);
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_error("d1 did not connect: %ld", p);
        return;
    }
    port = (evtchn_port_t)p;
    bench_run("ring.rtt", op_rtt, 300);
    ring_request(RT_QUIT);
    wait_domain_gone(1, 5000 * NS_PER_MS);
    test_success();
}
