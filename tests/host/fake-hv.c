/*
 * The simulated hypervisor of fake-hv.h.
 *
 * It keeps the rules xl depends on: ids from 1 up, the lowest free one
 * (as Xen's createdomain hands out the next free id; reuse is what makes
 * stale names dangerous); a build takes memory/4 KiB pages plus a fixed
 * overhead from the free pool, or fails with -ENOMEM leaving nothing; a
 * destroy gives them back exactly; listing is in ascending id order; and
 * every shutdown or destroy raises VIRQ_DOM_EXC.
 */
#include "fake-hv.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include <public/xen.h>
#include <public/grant_table.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define OVERHEAD_PAGES 16       /* shared_info, grant frames, tables */
#define CONSOLE_PORT   2        /* the port each guest offers Dom0 */

struct fake_hv fake_hv;

/* Store pages outlive their domain, as a frame Dom0 still maps does. */
static _Alignas(4096) unsigned char store_pages[FAKE_HV_MAX_DOMS][4096];

void fake_hv_reset(void)
{
    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        free(fake_hv.dom[i].ring);
    memset(&fake_hv, 0, sizeof(fake_hv));
    fake_hv.free_pages = FAKE_HV_TOTAL_PAGES - 8192;     /* what Dom0 holds */
    fake_hv.dom[0] = (struct fake_dom){ .exists = true, .domid = 0, .pages = 8192,
                                        .max_pages = 8192, .weight = 256 };
    snprintf(fake_hv.console_text, sizeof(fake_hv.console_text),
             "(mica) Mica hypervisor starting\n(mica) d0 built\n");
}

struct fake_dom *fake_hv_dom(uint16_t domid)
{
    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        if (fake_hv.dom[i].exists && fake_hv.dom[i].domid == domid)
            return &fake_hv.dom[i];
    return NULL;
}

static void fill(const struct fake_dom *d, struct hv_dominfo *out)
{
    memset(out, 0, sizeof(*out));
    out->domid = d->domid;
    out->dying = d->dying;
    out->shutdown = d->shutdown;
    out->shutdown_reason = d->reason;
    out->paused = d->paused;
    out->running = !d->paused && !d->shutdown && d->domid == 0;
    out->blocked = !d->paused && !d->shutdown && d->domid != 0;
    out->tot_pages = d->pages;
    out->max_pages = d->max_pages;
    out->cpu_time_ns = d->cpu_ns;
    out->nr_online_vcpus = 1;
    out->max_vcpu_id = 0;
}

static int by_domid(const void *a, const void *b)
{
    return (int)(*(const struct fake_dom *const *)a)->domid -
           (int)(*(const struct fake_dom *const *)b)->domid;
}

/* Ascending ids, as the hypervisor lists them. */
int hv_domain_list(struct hv_dominfo *out, unsigned int max)
{
    static struct fake_dom *live[FAKE_HV_MAX_DOMS];
    unsigned int n = 0, k = 0;

    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        if (fake_hv.dom[i].exists)
            live[k++] = &fake_hv.dom[i];
    qsort(live, k, sizeof(live[0]), by_domid);
    for (unsigned int i = 0; i < k && n < max; i++)
        fill(live[i], &out[n++]);
    return (int)n;
}

int hv_domain_info(uint16_t domid, struct hv_dominfo *out)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    fill(d, out);
    return 0;
}

int hv_domain_build(struct hv_build *b, char *err, size_t errlen)
{
    uint64_t need = b->memory_kb / 4 + OVERHEAD_PAGES;
    struct fake_dom *d = NULL;
    uint16_t id;

    fake_hv.builds++;
    if (fake_hv.fail_build) {
        int rc = fake_hv.fail_build;
        fake_hv.fail_build = 0;
        snprintf(err, errlen, "the builder failed (%s)", strerror(-rc));
        return rc;
    }
    if (b->kernel_len < 4 || memcmp(b->kernel, "\177ELF", 4)) {
        snprintf(err, errlen, "the kernel is not an ELF image");
        return -EINVAL;
    }
    if (need > fake_hv.free_pages) {
        snprintf(err, errlen, "not enough memory: %llu pages needed, %llu free",
                 (unsigned long long)need, (unsigned long long)fake_hv.free_pages);
        return -ENOMEM;
    }
    for (id = 1; id < 0x7ff0 && fake_hv_dom(id); id++)
        ;
    for (int i = 0; i < FAKE_HV_MAX_DOMS && !d; i++)
        if (!fake_hv.dom[i].exists)
            d = &fake_hv.dom[i];
    if (!d) {
        snprintf(err, errlen, "too many domains");
        return -ENOSPC;
    }
    memset(d, 0, sizeof(*d));
    d->exists = true;
    d->domid = id;
    snprintf(d->name, sizeof(d->name), "%s", b->name);
    d->pages = need;
    d->max_pages = b->maxmem_kb / 4;
    d->paused = true;
    d->weight = 256;
    snprintf(d->cmdline, sizeof(d->cmdline), "%s", b->cmdline ? b->cmdline : "");
    d->kernel_len = b->kernel_len;
    d->ramdisk_len = b->ramdisk ? b->ramdisk_len : 0;
    d->ring = aligned_alloc(4096, 4096);
    memset(d->ring, 0, 4096);
    fake_hv.free_pages -= need;
    fake_grant(id, GNTTAB_RESERVED_CONSOLE, d->ring);
    d->store = store_pages[d - fake_hv.dom];
    memset(d->store, 0, 4096);
    fake_grant(id, GNTTAB_RESERVED_XENSTORE, d->store);
    b->domid = id;
    b->console_port = CONSOLE_PORT;
    b->console_mfn = 0x1000u + id;
    b->store_port = 1;
    b->store_mfn = 0x2000u + id;
    for (int i = 0; i < 16; i++)
        b->uuid[i] = (uint8_t)(id * 16 + i);
    return 0;
}

int hv_domain_unpause(uint16_t domid)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    d->paused = false;
    return 0;
}

int hv_domain_pause(uint16_t domid)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    if (domid == 0)
        return -EINVAL;
    d->paused = true;
    return 0;
}

int hv_domain_destroy(uint16_t domid)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    if (domid == 0)
        return -EINVAL;
    if (fake_hv.fail_destroy) {
        int rc = fake_hv.fail_destroy;
        fake_hv.fail_destroy = 0;
        return rc;
    }
    fake_hv.free_pages += d->pages;
    fake_ungrant_domain(domid);
    free(d->ring);
    memset(d, 0, sizeof(*d));
    fake_hv.destroys++;
    fake_raise_virq(VIRQ_DOM_EXC);
    return 0;
}

int hv_domain_shutdown(uint16_t domid, unsigned int reason)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    if (reason > 5)
        return -EINVAL;
    if (!d->shutdown) {
        d->shutdown = true;
        d->reason = reason;
        fake_raise_virq(VIRQ_DOM_EXC);
    }
    return 0;
}

void fake_hv_guest_shutdown(uint16_t domid, unsigned int reason)
{
    hv_domain_shutdown(domid, reason);
}

void fake_hv_guest_write(uint16_t domid, const char *text, size_t n)
{
    struct fake_dom *d = fake_hv_dom(domid);
    struct xencons_interface *r = d->ring;

    for (size_t i = 0; i < n; i++) {
        if (r->out_prod - r->out_cons == sizeof(r->out))
            break;                      /* a real guest would wait */
        r->out[MASK_XENCONS_IDX(r->out_prod, r->out)] = text[i];
        r->out_prod++;
    }
    fake_raise(fake_port_of_remote(domid, CONSOLE_PORT));
}

size_t fake_hv_guest_read(uint16_t domid, char *buf, size_t size)
{
    struct fake_dom *d = fake_hv_dom(domid);
    struct xencons_interface *r = d->ring;
    size_t n = 0;

    while (r->in_cons != r->in_prod && n + 1 < size) {
        buf[n++] = r->in[MASK_XENCONS_IDX(r->in_cons, r->in)];
        r->in_cons++;
    }
    buf[n] = '\0';
    return n;
}

int hv_vcpu_info(uint16_t domid, unsigned int vcpu, struct hv_vcpuinfo *out)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    if (vcpu != 0)
        return -EINVAL;
    out->online = !d->shutdown;
    out->blocked = domid != 0 && !d->paused;
    out->running = domid == 0;
    out->cpu_time_ns = d->cpu_ns;
    out->cpu = 0;
    return 0;
}

/* The simulation has domains and pages, but no event channels or grants:
 * those counters stay 0. */
int hv_resources(struct hv_resources *out)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        out->nr_domains += fake_hv.dom[i].exists;
    out->free_pages = fake_hv.free_pages;
    return 0;
}

/* As a hypervisor not booted with fail_alloc=ctl. */
int hv_fail_alloc(uint64_t nth, uint64_t every)
{
    (void)nth;
    (void)every;
    return -EPERM;
}

int hv_physinfo(struct hv_physinfo *out)
{
    memset(out, 0, sizeof(*out));
    out->nr_cpus = 1;
    out->threads_per_core = 1;
    out->cores_per_socket = 1;
    out->nr_nodes = 1;
    out->cpu_khz = 2400000;
    out->total_pages = FAKE_HV_TOTAL_PAGES;
    out->free_pages = fake_hv.free_pages;
    out->hw_cap[0] = 0x178bfbff;
    return 0;
}

int hv_version(struct hv_version *out)
{
    memset(out, 0, sizeof(*out));
    out->major = 4;
    out->minor = 2;
    snprintf(out->extra, sizeof(out->extra), "-mica");
    snprintf(out->capabilities, sizeof(out->capabilities), "xen-3.0-x86_32p");
    snprintf(out->changeset, sizeof(out->changeset), "fake");
    snprintf(out->commandline, sizeof(out->commandline), "console=com1");
    snprintf(out->compiler, sizeof(out->compiler), "gcc");
    out->pagesize = 4096;
    out->virt_start = 0xf5800000;
    out->sched_id = 5;
    return 0;
}

int hv_readconsole(char *buf, size_t size, uint32_t *index, bool clear)
{
    size_t len = strlen(fake_hv.console_text);
    size_t n;

    if (*index >= len)
        return 0;
    n = len - *index < size ? len - *index : size;
    memcpy(buf, fake_hv.console_text + *index, n);
    *index += (uint32_t)n;
    if (clear && *index == len)
        fake_hv.console_text[0] = '\0';
    return (int)n;
}

int hv_sched_credit_get(uint16_t domid, unsigned int *weight, unsigned int *cap)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    *weight = d->weight;
    *cap = d->cap;
    return 0;
}

int hv_sched_credit_set(uint16_t domid, unsigned int weight, unsigned int cap)
{
    struct fake_dom *d = fake_hv_dom(domid);

    if (!d)
        return -ESRCH;
    if (weight < 1 || weight > 65535 || cap > 100)
        return -EINVAL;
    d->weight = weight;
    d->cap = cap;
    return 0;
}
