/*
 * grant-peer: the other domain of the grant tests (an unprivileged d1).
 *
 *   role=backend    the ring backend of grant-ring.c: bind to domain 0's
 *                   offered port, map its ring (GNT_RING_REF), serve
 *                   requests (ringtest.h) by grant copy or grant map until
 *                   RT_QUIT, print its counters, unmap and power off
 *   role=map-die    bind, map domain 0's GNT_RING_REF read-write, write a
 *                   marker through it, send one event, wait for one, and
 *                   crash with the mapping still in place
 *   role=grant-die  grant domain 0 a page holding a marker at
 *                   GNT_RING_REF, bind and greet, wait for one event and
 *                   power off with the grant still mapped by domain 0
 *   role=accept     offer domain 0 two transfers (GTF_accept_transfer at
 *                   GNT_RING_REF and the next), bind and greet, wait for
 *                   one event; then the first must have brought a frame
 *                   holding grant-transfer.c's marker that is ours now,
 *                   the second nothing (domain 0 made us full first)
 */
#include <grant.h>
#include <events.h>
#include <ringtest.h>

static const char marker[] = "written by the peer";

static void __noreturn die(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)
        asm volatile ("ud2");
}

static evtchn_port_t connect(bool greet)
{
    long p = greet ? evtchn_connect_and_greet(0, 10000) : evtchn_connect(0, 10000);

    if (p <= 0) {
        printf("peer: no port offered by domain 0 (%ld)\n", p);
        die(SHUTDOWN_crash);
    }
    if (!greet)
        evtchn_clear_pending((evtchn_port_t)p);
    return (evtchn_port_t)p;
}

static rt_back_ring_t br;
static volatile uint8_t *local;
static uint32_t local_mfn;
static unsigned long wakeups, needless, late, notifies, ncopy, nmap;

static int32_t serve(const struct rt_req *rq, uint32_t *sum)
{
    uint32_t s = 0, proof;
    long rc;

    if (rq->len == 0 || rq->len > PAGE_SIZE - 4)
        return GNTST_bad_copy_arg;
    if (rq->op == RT_COPY) {
        ncopy++;
        if ((rc = gnt_copy(gref_ptr(rq->gref, 0, 0), mfn_ptr(local_mfn, 0), rq->len,
                           GNTCOPY_source_gref)))
            return (int32_t)rc;
        for (unsigned int i = 0; i < rq->len; i++)
            s += local[i];
        memcpy((void *)&local[rq->len], &s, 4);
        rc = gnt_copy(mfn_ptr(local_mfn, rq->len), gref_ptr(rq->gref, 0, rq->len), 4,
                      GNTCOPY_dest_gref);
    } else {
        uint32_t va = gnt_slot_va(2);
        grant_handle_t h;
        nmap++;
        if ((rc = gnt_map(0, rq->gref, va, GNTMAP_host_map, &h)))
            return (int32_t)rc;
        const volatile uint8_t *pg = (const volatile uint8_t *)va;
        for (unsigned int i = 0; i < rq->len; i++)
            s += pg[i];
        proof = ~s;
        memcpy((void *)(va + rq->len), &proof, 4);
        rc = gnt_unmap(va, h);
    }
    *sum = s;
    return (int32_t)rc;
}

static void backend(void)
{
    evtchn_port_t p = connect(false);
    uint32_t ring_va = gnt_slot_va(1);
    grant_handle_t rh;
    bool quit = false;
    int work, notify;

    local_mfn = spare_frame();
    local = scratch_map(3, local_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    gnt_blank(1);
    gnt_blank(2);
    if (gnt_map(0, GNT_RING_REF, ring_va, GNTMAP_host_map, &rh)) {
        printf("backend: cannot map the ring\n");
        die(SHUTDOWN_crash);
    }
    BACK_RING_INIT(&br, (rt_sring_t *)ring_va, PAGE_SIZE);
    evtchn_send(p);                       /* the greeting: ring mapped */
    while (!quit) {
        while (RING_HAS_UNCONSUMED_REQUESTS(&br) && !quit) {
            struct rt_req rq;
            struct rt_rsp *rs;

            if (RING_REQUEST_CONS_OVERFLOW(&br, br.req_cons))
                break;
            RING_COPY_REQUEST(&br, br.req_cons, &rq);
            br.req_cons++;
            rs = RING_GET_RESPONSE(&br, br.rsp_prod_pvt);
            rs->id = rq.id;
            rs->sum = 0;
            if (rq.op == RT_QUIT || rq.op == RT_NOP) {
                quit = rq.op == RT_QUIT;
                rs->status = 0;
            } else {
                rs->status = serve(&rq, &rs->sum);
            }
            br.rsp_prod_pvt++;
        }
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&br, notify);
        if (notify) {
            notifies++;
            evtchn_send(p);
        }
        if (quit)
            break;
        RING_FINAL_CHECK_FOR_REQUESTS(&br, work);
        if (work) {
            late++;
            continue;
        }
        wait_port(p, 0);
        wakeups++;
        if (!RING_HAS_UNCONSUMED_REQUESTS(&br))
            needless++;
    }
    if (ncopy + nmap)
        printf("backend: %lu requests (%lu copy, %lu map); %lu notifications sent, "
           "%lu wake-ups, %lu needless, %lu late finds\n", ncopy + nmap, ncopy, nmap,
           notifies, wakeups, needless, late);
    if (gnt_unmap(ring_va, rh))
        test_fail("backend: ring unmap failed");
    else if (needless > late)
        test_fail("backend: %lu needless wake-ups, %lu late finds", needless, late);
    else
        test_success();
}

static void map_and_die(void)
{
    evtchn_port_t p = connect(false);
    uint32_t va = gnt_slot_va(2);
    grant_handle_t h;

    gnt_blank(2);
    if (gnt_map(0, GNT_RING_REF, va, GNTMAP_host_map, &h)) {
        printf("peer: map failed\n");
        die(SHUTDOWN_crash);
    }
    memcpy((void *)va, marker, sizeof(marker));
    evtchn_send(p);
    wait_port(p, 0);
    printf("peer: crashing with the grant mapped\n");
    asm volatile ("ud2");                /* no trap table: the domain crashes */
}

static void grant_and_die(void)
{
    uint32_t mfn = spare_frame();
    char *pg;

    if (!gnt_init(1))
        die(SHUTDOWN_crash);
    pg = scratch_map(1, mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    memcpy(pg, marker, sizeof(marker));
    scratch_restore(1);                  /* we keep no mapping of it */
    gnt_grant(GNT_RING_REF, 0, mfn, false);
    evtchn_port_t p = connect(true);
    wait_port(p, 0);
    printf("peer: powering off with the grant mapped by domain 0\n");
    die(SHUTDOWN_poweroff);
}

#define PFN_RECV 0x7d000u

static void accept(void)
{
    static const char given[] = "a frame given away by domain 0";
    long pages = current_pages();
    uint32_t mfn;
    bool ok = true;

    if (!gnt_init(1))
        die(SHUTDOWN_crash);
    for (unsigned int i = 0; i < 2; i++) {
        gnt_table[GNT_RING_REF + i].domid = 0;
        gnt_table[GNT_RING_REF + i].frame = PFN_RECV + i;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        gnt_table[GNT_RING_REF + i].flags = GTF_accept_transfer;
    }
    evtchn_port_t p = connect(true);
    wait_port(p, 0);
    uint16_t f0 = gnt_table[GNT_RING_REF].flags, f1 = gnt_table[GNT_RING_REF + 1].flags;
    mfn = gnt_table[GNT_RING_REF].frame;
    if (f0 != (GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed) ||
        f1 != GTF_accept_transfer) {
        printf("peer: flags after the transfers 0x%x 0x%x\n", f0, f1);
        ok = false;
    } else if (m2p(mfn) != PFN_RECV || current_pages() != pages + 1) {
        printf("peer: M2P 0x%x, pages %ld -> %ld\n", m2p(mfn), pages, current_pages());
        ok = false;
    } else {
        const char *pg = scratch_map(1, mfn, _PAGE_PRESENT | _PAGE_ACCESSED);
        ok = !memcmp(pg, given, sizeof(given));
        scratch_restore(1);
        printf("peer: received frame 0x%x %s\n", mfn,
               ok ? "holds the marker" : "does not hold the marker");
    }
    die(ok ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

void test_main(void)
{
    const char *role = cmdline_value((const char *)start_info->cmd_line, "role");

    if (map_shared_info()) {
        printf("peer: cannot map shared_info\n");
        die(SHUTDOWN_crash);
    }
    if (role && !strncmp(role, "backend", 7)) {
        backend();                       /* the runtime reports and powers off */
        return;
    }
    if (role && !strncmp(role, "map-die", 7))
        map_and_die();
    else if (role && !strncmp(role, "grant-die", 9))
        grant_and_die();
    else if (role && !strncmp(role, "accept", 6))
        accept();
    printf("peer: unknown role\n");
    die(SHUTDOWN_crash);
}
