/*
 * Benchmark: building domains with the toolstack's builder, from a
 * privileged guest (the library of dom0-tools/lib/build, as xl uses it).
 *
 *   build.create_destroy_4m   build_pv_domain() of a 4 MiB domain from the
 *                             pvconsole kernel in our initrd, then its
 *                             destroy: every hypercall of the builder and
 *                             the teardown (scrubbing included), per pair
 *   build.first_output_4m     from the call that starts the build to the
 *                             moment the new guest's first console byte is
 *                             in its ring: build, unpause, the guest's boot
 *                             (its runtime, shared_info, console setup) and
 *                             its first write, seen by us, its backend,
 *                             woken by the guest's event -- the whole
 *                             latency a person waits for after `xl create`
 *
 * Under -icount every figure is an instruction count of the whole machine
 * (hypervisor, this domain and the new one).  The goal for the second is
 * 2 million instructions (2 ms at 1 instruction/ns).
 */
#include "bench.h"
#include <events.h>
#include <public/io/console.h>
#include <ctrl/ctrl.h>
#include <build/build.h>
#include "../guest/ctl/ctl_guest.h"

static struct build_dom proto;
static char err[200];

static uint16_t build(void)
{
    struct build_dom b = proto;
    long rc = build_pv_domain(&b, err, sizeof(err));

    if (rc) {
        test_error("build failed (%ld): %s", rc, err);
        test_exit();
    }
    return b.domid;
}

static void create_destroy(void)
{
    long rc = ctrl_domain_destroy(build());

    if (rc) {
        test_error("destroy failed (%ld)", rc);
        test_exit();
    }
}

/* Build, start and wait for the first byte on the console: ticks. */
static uint64_t first_output(void)
{
    struct build_dom b = proto;
    volatile struct xencons_interface *ring;
    uint64_t t0 = bench_rdtsc(), t1;
    long rc = build_pv_domain(&b, err, sizeof(err));

    if (rc || ctrl_map_foreign(b.domid, &b.console_mfn, 1, false, (void **)&ring)) {
        test_error("build or ring mapping failed (%ld): %s", rc, err);
        test_exit();
    }
    long port = evtchn_bind_interdomain(b.domid, b.console_port);
    if (port < 0) {
        test_error("binding the console port failed (%ld)", port);
        test_exit();
    }
    evtchn_clear_pending((evtchn_port_t)port);
    ctrl_domain_unpause(b.domid);
    while (ring->out_prod == 0) {
        evtchn_port_t p = (evtchn_port_t)port;
        sched_poll(&p, 1, now_ns() + 100 * NS_PER_MS);
        evtchn_clear_pending(p);
    }
    t1 = bench_rdtsc();
    evtchn_close((evtchn_port_t)port);
    ctrl_unmap_foreign((void *)ring, 1);
    if (ctrl_domain_destroy(b.domid)) {
        test_error("destroy failed");
        test_exit();
    }
    return t1 - t0;
}

void test_main(void)
{
    uint64_t v[BENCH_REPS];

    if (!start_info->mod_len || map_shared_info()) {
        test_error("needs the pvconsole kernel as its initrd, and shared_info");
        return;
    }
    ctl_init();
    proto = (struct build_dom){
        .kernel = (const void *)start_info->mod_start, .kernel_len = start_info->mod_len,
        .cmdline = "name=bench", .memory_kb = 4096,
    };
    bench_run("build.create_destroy_4m", create_destroy, 2);
    first_output();                                         /* warm up */
    for (unsigned int r = 0; r < BENCH_REPS; r++)
        v[r] = first_output();
    for (unsigned int i = 1; i < BENCH_REPS; i++)           /* median */
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    bench_print("build.first_output_4m", v[BENCH_REPS / 2] * 100);
    if (ctl_window_in_use())
        test_error("%u window pages still mapped", ctl_window_in_use());
    test_success();
}
