/*
 * xs-soak: a store-heavy domain, run several at once by xs-server.
 *
 * Each round: one transactional increment of /shared/counter (shared by
 * all the soak domains, so their transactions really conflict and are
 * retried on EAGAIN), in the same transaction a record of the round in
 * its own data/; then a burst of random writes, reads, removals and
 * listings in its own subtree, every answer checked against a local model
 * of what the subtree must hold; watch events from the counter and its
 * subtree drained as they come.  xs-server checks at the end that the
 * counter equals doms x rounds: no commit lost, none applied twice.
 *
 * Command line: rounds=N (default 100).
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

#define SLOTS 24

static struct xsc c;
static char buf[4200];
static uint32_t len;
static char model[SLOTS][24];           /* "" = absent */
static uint32_t rng;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
}

static unsigned long num(const char *s)
{
    return parse_ulong(&s);
}

/* counter += 1 and data/round = r, atomically; the number of retries. */
static unsigned int increment(unsigned long r)
{
    unsigned int retries = 0;
    char v[24];
    uint32_t tx;
    int rc;

    for (;;) {
        if ((rc = xsc_tx_start(&c, &tx))) {
            test_fail("tx start: %d", rc);
            return retries;
        }
        rc = xsc_read(&c, tx, "/shared/counter", buf, sizeof(buf), &len);
        unsigned long n = rc == -XEN_ENOENT ? 0 : num(buf);
        if (rc && rc != -XEN_ENOENT)
            test_fail("read counter: %d", rc);
        snprintf(v, sizeof(v), "%lu", n + 1);
        xsc_write_str(&c, tx, "/shared/counter", v);
        snprintf(v, sizeof(v), "%lu", r);
        xsc_write_str(&c, tx, "data/round", v);
        rc = xsc_tx_end(&c, tx, true);
        if (rc == 0)
            return retries;
        if (rc != -XEN_EAGAIN) {
            test_fail("commit: %d", rc);
            return retries;
        }
        retries++;
    }
}

static void burst(void)
{
    char p[32];

    for (int k = 0; k < 8; k++) {
        unsigned int s = rnd(SLOTS);
        int rc;
        snprintf(p, sizeof(p), "data/s/%u", s);
        switch (rnd(4)) {
        case 0:
        case 1:
            snprintf(model[s], sizeof(model[s]), "v%u", rnd(100000));
            if ((rc = xsc_write_str(&c, 0, p, model[s])))
                test_fail("write %s: %d", p, rc);
            break;
        case 2:
            rc = xsc_rm(&c, 0, p);
            CHECK(rc == 0, "rm %s: %d", p, rc);
            model[s][0] = '\0';
            break;
        default:
            rc = xsc_read(&c, 0, p, buf, sizeof(buf), &len);
            if (model[s][0])
                CHECK(rc == 0 && !strcmp(buf, model[s]), "%s: %d \"%s\", want \"%s\"", p, rc,
                      rc ? "" : buf, model[s]);
            else
                CHECK(rc == -XEN_ENOENT, "%s: %d, want ENOENT", p, rc);
        }
    }
    /* The listing agrees with the model. */
    unsigned int want = 0, got = 0;
    for (unsigned int s = 0; s < SLOTS; s++)
        want += model[s][0] != '\0';
    int rc = xsc_directory(&c, 0, "data/s", buf, sizeof(buf), &len);
    for (uint32_t off = 0; !rc && off < len; off += (uint32_t)strlen(buf + off) + 1)
        got++;
    CHECK(rc == 0 && got == want, "data/s lists %u nodes (%d), the model %u", got, rc, want);
}

void test_main(void)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, "rounds");
    unsigned long rounds = v ? parse_ulong(&v) : 100, retries = 0, events = 0;
    uint64_t t0;

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    rng = (uint32_t)num(buf) * 2654435761u;
    if (xsc_watch(&c, "/shared/counter", "ctr") || xsc_watch(&c, "data", "mine") ||
        xsc_mkdir(&c, 0, "data/s"))
        test_fail("setup");
    t0 = now_ns();
    for (unsigned long r = 1; r <= rounds; r++) {
        retries += increment(r);
        burst();
        while (xsc_event(&c, false, NULL, 0, NULL, 0) == 1)
            events++;
    }
    CHECK(!strcmp((xsc_read(&c, 0, "data/round", buf, sizeof(buf), &len), buf), v ? v : "100")
          || num(buf) == rounds, "data/round = %s", buf);
    printf("xs-soak: %lu rounds in %u ms: %lu commits retried, %lu watch events (%u lost)\n",
           rounds, (unsigned int)udiv64(now_ns() - t0, 1000000), retries, events, c.lost);
    CHECK(events >= rounds, "only %lu watch events for %lu own commits", events, rounds);
    test_success();
}
