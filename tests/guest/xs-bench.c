/*
 * xs-bench: the measuring side of the xenstore benchmark (see
 * tests/bench/bench-xenstore.c): a domain timing requests over its ring
 * with the benchmark library (median of repetitions, the empty loop
 * subtracted; under -icount the figures are instruction counts).
 */
#include <events.h>
#include <string.h>
#include "bench.h"
#include "ring_client.h"

static struct xsc c;
static char buf[64];
static uint32_t len;
static unsigned int flip;

static void op_read(void)
{
    xsc_read(&c, 0, "data/r", buf, sizeof(buf), &len);
}

static void op_write(void)
{
    xsc_write_str(&c, 0, "data/w", (flip++ & 1) ? "1" : "0");
}

static void op_watch(void)
{
    xsc_write_str(&c, 0, "data/watched", (flip++ & 1) ? "1" : "0");
    xsc_event(&c, true, NULL, 0, NULL, 0);
}

void test_main(void)
{
    uint64_t end;
    int rc;

    if (xs_ring_connect(&c)) {
        test_error("no xenstore ring");
        return;
    }
    end = now_ns() + 30000 * NS_PER_MS;
    while ((rc = xsc_read(&c, 0, "domid", buf, sizeof(buf), &len)) == -XEN_ETIME &&
           now_ns() < end)
        ;
    if (rc || xsc_write_str(&c, 0, "data/r", "value") ||
        xsc_watch(&c, "data/watched", "w") || xsc_event(&c, true, NULL, 0, NULL, 0) != 1) {
        test_error("setup: %d", rc);
        return;
    }
    bench_run("xs.read_rtt", op_read, 200);
    bench_run("xs.write_rtt", op_write, 200);
    bench_run("xs.watch_event", op_watch, 200);
    CHECK(c.lost == 0 && xsc_event(&c, false, NULL, 0, NULL, 0) == 0, "stray events");
    test_success();
}
