/*
 * test-xl-ctrl: xl over the real control-plane stack -- xl's commands and
 * toolstack, its seam hv_ctrl.c, libctrl and the domain builder -- on the
 * simulated hypervisor at the hypercall level (fake-hypercalls.c) and the
 * fake OS interface, whose grant maps read the simulated grant tables.
 *
 * test-xl-cmd covers xl's command layer in depth on a simulation of its
 * seam; this one proves the layers fit: a kernel file becomes a domain
 * whose console the backend maps through the grant the builder wrote,
 * errors of the builder reach the person, and domains come and go
 * without a frame, mapping, buffer or port left behind.
 */
#include "htest.h"
#include <errno.h>
#include "elf-image.h"
#include "fake-hypercalls.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include "../../dom0-tools/tools/xl/xl.h"
#include "../../dom0-tools/tools/xl/toolstack.h"
#include "xl-run.h"
#include <public/grant_table.h>

static char out[65536], errbuf[16384];

static int xl(const char *line)
{
    return xl_run(line, out, sizeof(out), errbuf, sizeof(errbuf));
}

/* The fake OS's grant maps, answered from the simulated grant tables. */
static void *grant_lookup(uint16_t dom, uint32_t ref, bool writable)
{
    struct fx_dom *d = fx_dom(dom);
    const grant_entry_v1_t *g;

    if (!d || !d->gnt_frames || ref >= GNTTAB_V1_ENTRIES_PER_FRAME)
        return NULL;
    g = (const grant_entry_v1_t *)fx_page(d->gnt_mfn[0]) + ref;
    if ((g->flags & GTF_type_mask) != GTF_permit_access || g->domid != 0)
        return NULL;
    (void)writable;
    return fx_page(g->frame);
}

static void boot(void)
{
    fake_os_reset();
    while (ts_first())
        ts_destroy(ts_first()->domid);
    fx_reset();
    fake_grant_lookup = grant_lookup;
    default_spec();
    build();
    fake_file_add("/boot/k.elf", (const char *)img, img_len);
    fake_file_add_text("/boot/junk.elf", "MZ not an ELF at all, not even close");
    fake_file_add_text("/etc/xl/a.cfg", "name='a'\nkernel='/boot/k.elf'\nmemory=4\n"
                       "extra='hello'\n");
    fake_file_add_text("/etc/xl/junk.cfg", "name='j'\nkernel='/boot/junk.elf'\nmemory=4\n");
    fake_file_add_text("/etc/xl/tiny.cfg", "name='t'\nkernel='/boot/k.elf'\nmemory=1\n");
    fake_file_add_text("/etc/xl/smp.cfg", "name='smp'\nkernel='/boot/k.elf'\nmemory=4\n"
                       "vcpus=2\nmaxvcpus=4\n");
    CHECK_EQ(ts_init(), 0);
}

static void check_clean(void)
{
    CHECK_EQ(fx_domains(), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES);
    CHECK_EQ(fx.maps_open, 0);
    CHECK_EQ(fx.bufs_open, 0);
    CHECK_EQ(fake_maps_open(), 0);
}

HTEST(create_list_pause_destroy)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 0);
    struct fx_dom *d = fx_dom(1);
    if (!CHECK(d))
        return;
    CHECK(!d->paused && d->ctxt_set);
    CHECK_EQ(d->tot_pages, 1024);
    CHECK_EQ(fake_maps_open(), 1);      /* the console backend holds the ring */
    CHECK_EQ(xl("xl list"), 0);
    CHECK(strstr(out, "\na                                            1     4     1     -b----") ||
          strstr(out, "\na                                            1     4     1     ------"));
    CHECK_EQ(xl("xl pause a"), 0);
    CHECK(fx_dom(1)->paused);
    CHECK_EQ(xl("xl unpause 1"), 0);
    CHECK(!fx_dom(1)->paused);
    CHECK_EQ(xl("xl info"), 0);
    CHECK(strstr(out, "xen_major              : 4\n") != NULL);
    CHECK(strstr(out, "xen_caps               : xen-3.0-x86_32p\n") != NULL);
    CHECK_EQ(xl("xl destroy a"), 0);
    CHECK_EQ(ts_nr_domains(), 0);
    check_clean();
}

HTEST(builder_errors_reach_the_person)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/junk.cfg"), XL_EXIT_CREATE);
    CHECK(strstr(errbuf, "xl: cannot create 'j': kernel image rejected: ") != NULL);
    check_clean();
    CHECK_EQ(xl("xl create /etc/xl/tiny.cfg"), XL_EXIT_NOMEM);
    CHECK(strstr(errbuf, "too small") != NULL);
    check_clean();
    /* A foreign mapping fails half-way: nothing is left. */
    fx.fail_map = 2;
    CHECK(xl("xl create /etc/xl/a.cfg") != 0);
    check_clean();
}

HTEST(vcpus_are_made_by_max_vcpus_and_only_vcpu0_is_started)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/smp.cfg"), 0);
    struct fx_dom *d = fx_dom(1);
    if (!CHECK(d))
        return;
    CHECK_EQ(d->max_vcpus, 4);
    CHECK_EQ(d->ctxt_vcpus, 1);         /* the guest brings up the others */
    CHECK_EQ(xl("xl list -l smp"), 0);
    CHECK(strstr(out, "\"max_vcpus\": 4,") && strstr(out, "\"avail_vcpus\": [ 0, 1 ],"));
    CHECK_EQ(xl("xl destroy smp"), 0);
    /* More than the hypervisor accepts: refused by the builder, nothing left. */
    CHECK_EQ(xl("xl create /etc/xl/a.cfg vcpus=33"), XL_EXIT_FAIL);
    CHECK(strstr(errbuf, "'vcpus' = 33 is out of range (1 to 32)") != NULL);
    check_clean();
}

HTEST(cycles_give_everything_back)
{
    boot();
    for (int i = 0; i < 20; i++) {
        if (!CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 0) || !CHECK_EQ(xl("xl destroy a"), 0))
            break;
        if (!CHECK_EQ(fx.free_frames, FX_FRAMES))
            break;
    }
    check_clean();
    CHECK_EQ(fx.next_domid, 21);        /* ids are not reused at once */
}
