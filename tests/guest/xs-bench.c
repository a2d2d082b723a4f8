/*
 * xs-bench: the measuring side of the xenstore benchmark (see
 * tests/bench/bench-xenstore.c): a domain timing requests over its ring
 * with the benchmark library (median of repetitions, the empty loop
 * subtracted; under -icount the figures are instruction counts).
 *
 * Served by the test server (bench-xenstore) its cases are xs.*; created
 * by xl in Mica's Dom0 (scripts/bench.py, /etc/dom0/bench-xs.sh) with
 * prefix=xs.dom0 they are xs.dom0.*: the same round trips through Dom0's
 * xenstored, its main loop and its event channels.
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
    const char *p = cmdline_value((const char *)start_info->cmd_line, "prefix");
    char prefix[32] = "xs", name[48];

    for (unsigned int i = 0; p && p[i] && p[i] != ' ' && i < sizeof(prefix) - 1; i++) {
        prefix[i] = p[i];
        prefix[i + 1] = '\0';
    }

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    if (xsc_write_str(&c, 0, "data/r", "value") ||
        xsc_watch(&c, "data/watched", "w") || xsc_event(&c, true, NULL, 0, NULL, 0) != 1) {
        test_error("setup");
        return;
    }
    snprintf(name, sizeof(name), "%s.read_rtt", prefix);
    bench_run(name, op_read, 200);
    snprintf(name, sizeof(name), "%s.write_rtt", prefix);
    bench_run(name, op_write, 200);
    snprintf(name, sizeof(name), "%s.watch_event", prefix);
    bench_run(name, op_watch, 200);
    CHECK(c.lost == 0 && xsc_event(&c, false, NULL, 0, NULL, 0) == 0, "stray events");
    test_success();
}
