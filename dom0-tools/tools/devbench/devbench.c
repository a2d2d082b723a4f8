/*
 * bench-dev: Dom0's native device figures, the baselines of the PV
 * backends (blkback, netback): scripts/bench.py boots Dom0 with a raw disk and a
 * user-mode network card attached and the script /etc/dom0/bench-dev.sh,
 * which runs this and powers off.
 *
 *   blk.seq_write_64k, blk.seq_read_64k   sequential 64 KiB requests, 4 in
 *                                         flight, over the first MIB MiB of
 *                                         vda: per MiB
 *   blk.seq_write_64k_q16, ..._read_64k_q16  the same, 16 in flight (the
 *                                         native side of blkback's _q16)
 *   net.ping_rtt                          an ICMP echo round trip with
 *                                         QEMU's gateway, one at a time
 *   net.echo_flood_per_packet             echoes kept 32 in flight: per
 *                                         packet (sent or received)
 *
 * Each figure is printed twice: in busy cycles -- os_cycles() less
 * os_idle_cycles(), the time Dom0 spent halted waiting for the device; under
 * QEMU -icount shift=0 the instructions the whole machine executed, since
 * the virtual clock jumps over idle time -- and, with the suffix _ns, in
 * elapsed os_now_ns() nanoseconds (host time when QEMU runs without
 * -icount: the throughput a person sees).  The last line is a test verdict, as
 * the benchmark guests' are.
 *
 *   bench-dev [MIB [PINGS]]      defaults 16 MiB, 1000 echoes
 */
#include "devbench.h"
#include "../blk/blk.h"
#include "../net/net.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>

int devbench_main(int argc, char **argv)
{
    char mib[16] = "16", pings[16] = "1000";
    char b0[] = "blk", b1[] = "bench", b2[] = "vda", w[] = "write", r[] = "read";
    char n0[] = "net";
    bool ok = true;

    if (argc > 1)
        snprintf(mib, sizeof(mib), "%s", argv[1]);
    if (argc > 2)
        snprintf(pings, sizeof(pings), "%s", argv[2]);
    if (argc > 3 || atoi(mib) <= 0 || atoi(pings) <= 0) {
        printf("usage: bench-dev [MIB [PINGS]]\n");
        return 2;
    }
    char q16[] = "16";
    char *bw[] = { b0, b1, b2, w, mib, NULL };
    char *br[] = { b0, b1, b2, r, mib, NULL };
    char *bwq[] = { b0, b1, b2, w, mib, q16, NULL };
    char *brq[] = { b0, b1, b2, r, mib, q16, NULL };
    char *nb[] = { n0, b1, pings, NULL };
    ok &= blk_main(5, bw) == 0;
    ok &= blk_main(5, br) == 0;
    ok &= blk_main(6, bwq) == 0;
    ok &= blk_main(6, brq) == 0;
    ok &= net_main(3, nb) == 0;
    printf("Test result: %s\n", ok ? "SUCCESS" : "FAILURE");
    return ok ? 0 : 1;
}
