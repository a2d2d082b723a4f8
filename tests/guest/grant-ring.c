/*
 * grant-ring: a frontend/backend pair over a granted ring page.
 *
 * Domain 0 (this frontend) grants a ring page at GNT_RING_REF and four
 * payload pages, offers d1 (grant-peer.elf, role=backend) an event
 * channel, and once d1 has bound it and mapped the ring, sends rounds=N
 * requests (default 2000), up to four in flight, each with a freshly
 * granted payload page of a pseudo-random length, alternately moved by
 * grant copy and by grant map.  Each response is checked (the backend's
 * sum and the proof it wrote into the page), and each payload grant must
 * be revocable right after its response: the backend holds no pin.
 *
 * Notifications follow the ring rules: a push notifies only if the peer's
 * event index was crossed; before sleeping, the final check re-arms the
 * event index and looks again.  Every sleep has a one-second deadline, so
 * a lost wake-up fails the test.  A wake-up that finds no work is
 * "needless"; it can only follow a final check that found late work (the
 * peer notified between the re-arm and the second look), so the test
 * checks needless <= late.  Both sides print their counters.
 */
#include <grant.h>
#include <events.h>
#include <ringtest.h>

#define INFLIGHT 4
#define RING_SLOT 1

static rt_front_ring_t fr;
static volatile uint8_t *payload[INFLIGHT];
static uint32_t payload_mfn[INFLIGHT];
static unsigned long notifies, wakeups, needless, late, waits;

static uint32_t fill(unsigned int slot, uint32_t id, unsigned int len)
{
    uint32_t sum = 0, x = id * 2654435761u + 1;

    for (unsigned int i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        payload[slot][i] = (uint8_t)(x >> 16);
        sum += payload[slot][i];
    }
    return sum;
}

static bool check_rsp(const struct rt_rsp *r, const uint32_t *want, const uint16_t *lens)
{
    unsigned int slot = r->id % INFLIGHT;
    uint32_t proof;

    memcpy(&proof, (const void *)&payload[slot][lens[slot]], 4);
    if (r->status || r->sum != want[slot]) {
        test_fail("request %u: status %d, sum 0x%x, expected 0x%x", r->id, r->status, r->sum,
                  want[slot]);
        return false;
    }
    if (proof != ((r->id & 1) ? ~r->sum : r->sum)) {
        test_fail("request %u: proof 0x%x in the page", r->id, proof);
        return false;
    }
    if (!gnt_end(GNT_RING_REF + 1 + slot)) {
        test_fail("request %u: payload grant still in use after its response", r->id);
        return false;
    }
    return true;
}

/* Wait until a response is there (final check; sleep with a deadline). */
static bool wait_responses(evtchn_port_t p)
{
    int work;

    for (;;) {
        if (RING_HAS_UNCONSUMED_RESPONSES(&fr))
            return true;
        RING_FINAL_CHECK_FOR_RESPONSES(&fr, work);
        if (work) {
            late++;
            return true;
        }
        waits++;
        if (wait_port(p, now_ns() + 1000 * NS_PER_MS) != 1) {
            test_fail("lost wake-up: no response within a second (rsp_prod %u, cons %u)",
                      fr.sring->rsp_prod, fr.rsp_cons);
            return false;
        }
        wakeups++;
        if (!RING_HAS_UNCONSUMED_RESPONSES(&fr))
            needless++;
    }
}

static void push(evtchn_port_t p)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
    if (notify) {
        notifies++;
        evtchn_send(p);
    }
}

void test_main(void)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, "rounds");
    unsigned long rounds = v ? parse_ulong(&v) : 2000, sent = 0, done = 0, nmap = 0;
    uint32_t want[INFLIGHT];
    uint16_t lens[INFLIGHT];
    uint32_t ring_mfn;
    rt_sring_t *sring;

    if (map_shared_info() || !gnt_init(1)) {
        test_error("setup failed");
        return;
    }
    ring_mfn = spare_frame();
    sring = scratch_map(RING_SLOT, ring_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&fr, sring, PAGE_SIZE);
    for (unsigned int i = 0; i < INFLIGHT; i++) {
        payload_mfn[i] = spare_frame();
        payload[i] = scratch_map(2 + i, payload_mfn[i], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    }
    gnt_grant(GNT_RING_REF, 1, ring_mfn, false);      /* before the offer */
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not connect: %ld", p);
        return;
    }
    CHECK(gnt_table[GNT_RING_REF].flags & GTF_writing, "ring not mapped by the backend (0x%x)",
          gnt_table[GNT_RING_REF].flags);

    uint64_t start = now_ns();
    while (done < rounds) {
        while (sent < rounds && sent - done < INFLIGHT) {
            unsigned int slot = sent % INFLIGHT;
            struct rt_req *rq = RING_GET_REQUEST(&fr, fr.req_prod_pvt);

            lens[slot] = (uint16_t)(1 + (sent * 2654435761u) % 4092u);
            want[slot] = fill(slot, (uint32_t)sent, lens[slot]);
            gnt_grant(GNT_RING_REF + 1 + slot, 1, payload_mfn[slot], false);
            rq->id = (uint32_t)sent;
            rq->op = (sent & 1) ? RT_MAP : RT_COPY;
            rq->len = lens[slot];
            rq->gref = GNT_RING_REF + 1 + slot;
            fr.req_prod_pvt++;
            nmap += sent & 1;
            sent++;
        }
        push((evtchn_port_t)p);
        if (!wait_responses((evtchn_port_t)p))
            return;
        while (RING_HAS_UNCONSUMED_RESPONSES(&fr)) {
            struct rt_rsp r;
            RING_COPY_RESPONSE(&fr, fr.rsp_cons, &r);
            fr.rsp_cons++;
            if (r.id != done) {
                test_fail("response %u out of order (expected %lu)", r.id, done);
                return;
            }
            if (!check_rsp(&r, want, lens))
                return;
            done++;
        }
    }
    uint64_t took = now_ns() - start;

    printf("frontend: %lu requests (%lu copy, %lu map) in %u us, %u ns each\n", done,
           done - nmap, nmap, (unsigned int)udiv64(took, 1000),
           (unsigned int)udiv64(took, done ? done : 1));
    printf("frontend: %lu notifications sent, %lu sleeps, %lu wake-ups, %lu needless, "
           "%lu late finds, 0 lost\n", notifies, waits, wakeups, needless, late);
    CHECK(needless <= late, "%lu needless wake-ups but only %lu late finds", needless, late);

    struct rt_req *rq = RING_GET_REQUEST(&fr, fr.req_prod_pvt);
    rq->id = (uint32_t)sent;
    rq->op = RT_QUIT;
    fr.req_prod_pvt++;
    push((evtchn_port_t)p);
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "backend did not go away");
    CHECK(!(gnt_table[GNT_RING_REF].flags & (GTF_reading | GTF_writing)),
          "ring still marked in use after the backend left (0x%x)",
          gnt_table[GNT_RING_REF].flags);
    CHECK(gnt_end(GNT_RING_REF), "ring grant not revocable");
    for (unsigned int s = 1; s < 2 + INFLIGHT; s++)
        scratch_restore(s);
    test_success();
}
