/*
 * Structure-aware hypercalls for the fuzzer: for each hypercall with an
 * argument structure, a builder that fills a real structure (mmu_update
 * requests aimed at the sandbox L1, mmuext ops, trap tables, memory
 * reservations, event-channel and grant-table ops, vCPU ops, multicalls,
 * domctl and sysctl) with values from the pools of fuzz.h, then corrupts
 * a few fields; and call_allowed(), the one place that knows which calls
 * would legitimately end the fuzzer's domain (shutdown, a watchdog, the
 * last vCPU down), cut it off from its companion (closing the protected
 * port, EVTCHNOP_reset), or let the hypervisor write into frames the
 * fuzzer runs on (vcpu_info, time or runstate areas by frame, the FIFO
 * control block, the pirq EOI page).  Those are skipped, or sent only
 * with arguments that cannot take effect, so a run measures the
 * hypervisor and not the fuzzer shooting itself.
 */
#include "fuzz.h"
#include <traps.h>
#include <events.h>
#include <ctl.h>
#include <public/grant_table.h>
#include <public/physdev.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <public/platform.h>

/* The PFN of a frame by the M2P, for frames the M2P covers; else as is. */
static uint32_t pfn_of(uint32_t mfn)
{
    return mfn <= F.max_mfn ? m2p(mfn) : mfn;
}

static uint8_t *slot(uint32_t size)
{
    return (uint8_t *)r_out_buf(size);
}

static uint32_t r_count(uint32_t usual)
{
    switch (rnd(16)) {
    case 0: return 0;
    case 1: return r_interesting();
    case 2: return usual + 1 + rnd(600);
    default: return 1 + rnd(usual);
    }
}

/*
 * A PTE for the sandbox: random flags over a frame we may lose, one of our
 * page tables (only a read-only mapping may succeed) or anyone's.  Never a
 * frame of our image: an alias of our own buffers, stack or state would
 * let the hypervisor's writes through a sandbox pointer land in them.
 */
static uint64_t r_pte(void)
{
    static const uint32_t *const tables[] = { &F.l3_mfn, &F.l2_mfn, &F.l1_mfn, &F.sandbox_l1 };
    uint64_t fl = chance(4) ? rnd64() & 0x8000000000000fffull : (0x27 | (rnd(2) << 1));
    if (chance(16))
        return rnd64();
    return PTE(chance(4) ? *tables[rnd(4)] : r_sacrificial_mfn(), fl);
}

/*
 * The machine address of a PTE to write: the sandbox L1 mostly, the
 * sandbox's own slot of our L2 (and the unused ones after it), frames we
 * may lose, random ones.  Never an entry of the tables that map our
 * image: a valid write there is the fuzzer unmapping itself.
 */
static uint64_t r_pt_maddr(void)
{
    switch (rnd(8)) {
    case 0: return MADDR(F.l2_mfn, L2_INDEX(SANDBOX_VA) + rnd(8));
    case 1: return MADDR(r_sacrificial_mfn(), rnd(512)) | rnd(8);
    case 2: return rnd64();
    default: return MADDR(F.sandbox_l1, rnd(512)) | rnd(4);
    }
}

static void b_mmu_update(struct call *c)
{
    uint32_t n = 1 + rnd(8);
    mmu_update_t *u = (mmu_update_t *)slot(n * sizeof(*u));
    for (uint32_t i = 0; i < n; i++) {
        u[i].ptr = r_pt_maddr();
        u[i].val = r_pte();
        if (chance(8)) {        /* M2P update of a frame we may lose */
            u[i].ptr = ((uint64_t)r_sacrificial_mfn() << 12) | MMU_MACHPHYS_UPDATE;
            u[i].val = rnd(4) ? rnd(0x4000) : r_interesting();
        }
    }
    corrupt(u, n * sizeof(*u));
    c->a[0] = chance(16) ? r_ptr(16) : (uint32_t)u;
    c->a[1] = chance(8) ? r_count(n) : n;
    c->a[2] = chance(2) ? 0 : r_ptr(4);
    c->a[3] = chance(4) ? r_domid() : DOMID_SELF;
}

static void b_mmuext(struct call *c)
{
    uint32_t n = 1 + rnd(6);
    mmuext_op_t *o = (mmuext_op_t *)slot(n * sizeof(*o));
    for (uint32_t i = 0; i < n; i++) {
        o[i].cmd = rnd(22);
        switch (o[i].cmd) {
        case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_MULTI: case MMUEXT_INVLPG_ALL:
        case MMUEXT_SET_LDT:
            o[i].arg1.linear_addr = chance(2) ? r_va() : r_ptr(8);
            break;
        case MMUEXT_NEW_BASEPTR: case MMUEXT_NEW_USER_BASEPTR:
            o[i].arg1.mfn = chance(2) ? F.l3_mfn : r_sacrificial_mfn();
            break;
        case MMUEXT_CLEAR_PAGE: case MMUEXT_COPY_PAGE:
            o[i].arg1.mfn = r_sacrificial_mfn();
            break;
        default:
            o[i].arg1.mfn = chance(2) ? F.sandbox_l1 : r_mfn();
        }
        o[i].arg2.nr_ents = o[i].cmd == MMUEXT_COPY_PAGE ? r_mfn() :
                            o[i].cmd == MMUEXT_SET_LDT ? rnd(9000) : r_ptr(4);
    }
    corrupt(o, n * sizeof(*o));
    c->a[0] = (uint32_t)o;
    c->a[1] = chance(8) ? r_count(n) : n;
    c->a[2] = chance(2) ? 0 : r_ptr(4);
    c->a[3] = chance(4) ? r_domid() : DOMID_SELF;
}

static void b_trap_table(struct call *c)
{
    uint32_t n = 1 + rnd(6);
    struct trap_info *t = (struct trap_info *)slot((n + 1) * sizeof(*t));
    for (uint32_t i = 0; i < n; i++) {
        t[i].vector = rnd32();
        t[i].flags = rnd32();
        t[i].cs = chance(2) ? FLAT_RING1_CS : rnd32();
        t[i].address = chance(2) ? r_ptr(1) : rnd32();
    }
    memset(&t[n], 0, sizeof(t[n]));
    corrupt(t, (n + 1) * sizeof(*t));
    c->a[0] = chance(8) ? r_ptr(8) : (uint32_t)t;
}

static void b_set_gdt(struct call *c)
{
    uint32_t n = 1 + rnd(16);
    uint32_t *f = (uint32_t *)slot(n * 4);
    for (uint32_t i = 0; i < n; i++)
        f[i] = r_mfn();
    corrupt(f, n * 4);
    c->a[0] = chance(8) ? r_ptr(4) : (uint32_t)f;
    c->a[1] = chance(4) ? r_count(n * 512) : rnd(n * 512 + 1);
}

static void b_update_descriptor(struct call *c)
{
    /* not our image: a read-only frame of it (the hypercall page) may
     * legitimately become a descriptor page and take the write */
    uint32_t mfn = chance(4) ? (chance(2) ? F.l1_mfn : F.sandbox_l1) : r_sacrificial_mfn();
    uint64_t ma = ((uint64_t)mfn << 12) | (rnd(512) * 8);
    uint64_t d = chance(2) ? rnd64() : 0x00cfba000000ffffull ^ ((uint64_t)rnd32() << rnd(40));
    if (chance(8))
        ma |= rnd(8);
    c->a[0] = (uint32_t)ma; c->a[1] = (uint32_t)(ma >> 32);
    c->a[2] = (uint32_t)d; c->a[3] = (uint32_t)(d >> 32);
}

static void b_memory_op(struct call *c)
{
    static const uint32_t cmds[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 23,
                                     8, 16, 24, 25 };
    uint32_t cmd = cmds[rnd(ARRAY_SIZE(cmds))];
    uint8_t *b = slot(128);
    fill_random(b, 128);
    switch (cmd) {
    case XENMEM_increase_reservation: case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap: {
        struct xen_memory_reservation *r = (void *)b;
        uint32_t n = 1 + rnd(4);
        uint32_t *list = (uint32_t *)slot(n * 4);
        for (uint32_t i = 0; i < n; i++)
            list[i] = cmd == XENMEM_decrease_reservation ?
                      (chance(2) ? pfn_of(r_sacrificial_mfn()) : rnd(0x100000)) :
                      0x3000 + rnd(0x1000);
        r->extent_start = chance(8) ? r_ptr(4) : (uint32_t)list;
        r->nr_extents = chance(8) ? r_count(n) : n;
        r->extent_order = chance(4) ? rnd(12) : 0;
        r->mem_flags = chance(2) ? 0 : rnd32();
        r->domid = chance(4) ? r_domid() : DOMID_SELF;
        break;
    }
    case XENMEM_current_reservation: case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        *(domid_t *)b = r_domid();
        break;
    case XENMEM_exchange: {
        struct xen_memory_exchange *x = (void *)b;
        uint32_t *in = (uint32_t *)slot(8), *out = (uint32_t *)slot(8);
        in[0] = pfn_of(r_sacrificial_mfn()); in[1] = rnd(0x10000);
        x->in.extent_start = (uint32_t)in; x->in.nr_extents = 1 + rnd(2);
        x->in.extent_order = rnd(2); x->in.domid = DOMID_SELF;
        x->out.extent_start = chance(4) ? r_ptr(8) : (uint32_t)out;
        x->out.nr_extents = 1 + rnd(2); x->out.extent_order = rnd(2);
        x->out.domid = chance(4) ? r_domid() : DOMID_SELF;
        x->nr_exchanged = chance(4) ? rnd32() : 0;
        corrupt(x, sizeof(*x));
        break;
    }
    default: {
        uint32_t *w = (uint32_t *)b;
        for (unsigned int i = 0; i < 8; i++)
            if (chance(2))
                w[i] = chance(2) ? r_ptr(16) : r_interesting();
        if (chance(2))
            *(domid_t *)b = chance(2) ? DOMID_SELF : r_domid();
    }
    }
    c->a[0] = chance(16) ? rnd32() : cmd | (chance(16) ? rnd32() << 8 : 0);
    c->a[1] = chance(16) ? r_ptr(32) : (uint32_t)b;
}

static void b_update_va_mapping(struct call *c, bool other)
{
    uint64_t pte = chance(8) ? 0 : r_pte();
    c->a[0] = r_va();
    c->a[1] = (uint32_t)pte; c->a[2] = (uint32_t)(pte >> 32);
    c->a[3] = chance(4) ? rnd32() : (rnd(3) | (chance(4) ? UVMF_ALL : 0));
    if (chance(16))
        c->a[3] = (r_ptr(4) & ~3u) | rnd(3);
    c->a[4] = other ? r_domid() : 0;
}

static void fill_evtchn(uint32_t cmd, uint32_t *w)
{
    w[0] = chance(2) ? DOMID_SELF : r_domid();
    w[1] = chance(2) ? rnd(64) : r_interesting();
    w[2] = chance(2) ? rnd(8) : r_interesting();
    w[3] = r_interesting();
    if (cmd == EVTCHNOP_bind_interdomain) {
        w[0] = chance(2) ? F.self : r_domid();
        w[1] = rnd(64);
    }
    if (cmd == EVTCHNOP_bind_virq) {
        w[0] = rnd(30); w[1] = rnd(4);
    }
    if (cmd == EVTCHNOP_init_control || cmd == EVTCHNOP_expand_array) {
        /* frames the hypervisor would write into: never our own */
        *(uint64_t *)w = chance(2) ? 0x100000000ull | rnd32() : F.max_mfn + 1 + rnd(100);
        w[2] = rnd(8192);
    }
}

static void b_evtchn(struct call *c, bool compat)
{
    uint32_t cmd = rnd(16);
    uint32_t *w = (uint32_t *)slot(32);
    fill_random(w, 32);
    if (compat) {
        w[0] = cmd;
        fill_evtchn(cmd, w + 1);
        corrupt(w, 28);
        c->a[0] = chance(8) ? r_ptr(28) : (uint32_t)w;
    } else {
        fill_evtchn(cmd, w);
        corrupt(w, 24);
        c->a[0] = cmd;
        c->a[1] = chance(8) ? r_ptr(24) : (uint32_t)w;
    }
}

static void b_grant(struct call *c)
{
    uint32_t cmd = rnd(14), n = 1 + rnd(4), sz = 32;
    uint8_t *b = slot(n * 40);
    fill_random(b, n * 40);
    for (uint32_t i = 0; i < n; i++) {
        switch (cmd) {
        case GNTTABOP_map_grant_ref: {
            gnttab_map_grant_ref_t *m = (void *)(b + i * 32);
            m->host_addr = rnd(4) ? r_va() : r_pt_maddr();
            m->flags = rnd(32);
            m->ref = rnd(4) ? rnd(40) : rnd32();
            m->dom = chance(2) ? F.self : r_domid();
            break;
        }
        case GNTTABOP_unmap_grant_ref: case GNTTABOP_unmap_and_replace: {
            gnttab_unmap_grant_ref_t *u = (void *)(b + i * 24);
            u->host_addr = r_va(); u->dev_bus_addr = chance(2) ? 0 : rnd64();
            u->handle = rnd(8);
            sz = 24;
            break;
        }
        case GNTTABOP_setup_table: case GNTTABOP_get_status_frames: {
            gnttab_setup_table_t *s = (void *)(b + i * 16);
            s->dom = chance(2) ? DOMID_SELF : r_domid();
            s->nr_frames = rnd(4) ? rnd(40) : rnd32();
            s->frame_list = r_ptr(s->nr_frames * 4 < 4096 ? s->nr_frames * 4 : 64);
            sz = 16;
            break;
        }
        case GNTTABOP_copy: {
            gnttab_copy_t *g = (void *)(b + i * 24);
            g->source.u.ref = rnd(2) ? rnd(40) : r_mfn();
            g->source.domid = chance(2) ? DOMID_SELF : r_domid();
            g->source.offset = rnd(4) ? rnd(4096) : rnd32();
            g->dest.u.gmfn = rnd(2) ? rnd(40) : r_sacrificial_mfn();
            g->dest.domid = chance(2) ? DOMID_SELF : r_domid();
            g->dest.offset = rnd(4096);
            g->len = rnd(4) ? rnd(4097) : rnd32();
            g->flags = rnd(8);
            sz = 24;
            break;
        }
        case GNTTABOP_transfer: {
            gnttab_transfer_t *t = (void *)(b + i * 16);
            t->mfn = r_sacrificial_mfn(); t->domid = r_domid(); t->ref = rnd(40);
            sz = 16;
            break;
        }
        case GNTTABOP_set_version:
            *(uint32_t *)(b + i * 4) = rnd(4) ? rnd(4) : rnd32();
            sz = 4;
            break;
        default: {
            uint16_t *d = (uint16_t *)(b + i * 16);
            d[0] = chance(2) ? DOMID_SELF : r_domid();
            sz = 16;
        }
        }
    }
    corrupt(b, n * sz);
    c->a[0] = cmd;
    c->a[1] = chance(8) ? r_ptr(sz) : (uint32_t)b;
    c->a[2] = chance(8) ? r_count(n) : n;
}

static void b_vcpu_op(struct call *c)
{
    uint32_t cmd = rnd(17);
    uint8_t *b = slot(256);
    fill_random(b, 256);
    if (cmd == VCPUOP_set_periodic_timer || cmd == VCPUOP_set_singleshot_timer) {
        *(uint64_t *)b = rnd(4) ? 1000000ull + rnd(20000000) : rnd64();
        ((uint32_t *)b)[2] = rnd(4);
    }
    if (cmd == VCPUOP_register_runstate_memory_area ||
        cmd == VCPUOP_register_vcpu_time_memory_area)
        /* written by the hypervisor at every switch: only the area page */
        *(uint32_t *)b = chance(2) ? r_area() : r_ptr(64);
    if (cmd == VCPUOP_register_vcpu_info || cmd == VCPUOP_register_runstate_phys_area ||
        cmd == VCPUOP_register_vcpu_time_phys_area)
        *(uint64_t *)b = chance(2) ? F.max_mfn + 1 + rnd(1000) : rnd64() | (1ull << 40);
    corrupt(b, 64);
    c->a[0] = cmd;
    c->a[1] = chance(4) ? r_vcpu() : 0;
    c->a[2] = chance(8) ? r_ptr(64) : (uint32_t)b;
}

static void b_sched_op(struct call *c)
{
    uint32_t cmd = rnd(9);
    uint32_t *w = (uint32_t *)slot(32);
    fill_random(w, 32);
    if (cmd == SCHEDOP_poll) {
        uint32_t *ports = (uint32_t *)slot(16);
        for (int i = 0; i < 4; i++)
            ports[i] = rnd(64);
        w[0] = chance(8) ? r_ptr(8) : (uint32_t)ports;
        w[1] = chance(8) ? rnd32() : 1 + rnd(4);
        uint64_t t = now_ns() + rnd(2000000);       /* at most 2 ms */
        w[2] = (uint32_t)t; w[3] = (uint32_t)(t >> 32);
    }
    if (cmd == SCHEDOP_remote_shutdown || cmd == SCHEDOP_watchdog) {
        w[0] = r_domid(); w[1] = rnd(8);
    }
    c->a[0] = cmd;
    c->a[1] = chance(8) ? r_ptr(16) : (uint32_t)w;
}

static void b_domctl(struct call *c)
{
    struct xen_domctl *d = (struct xen_domctl *)slot(sizeof(*d));
    fill_random(d, sizeof(*d));
    d->cmd = rnd(4) ? rnd(72) : rnd32();
    d->interface_version = chance(8) ? rnd32() : XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = r_domid();
    if (F.ncreated && chance(2))
        d->domain = F.created[rnd(F.ncreated)];
    memset(d->_pad, 0, sizeof(d->_pad));
    uint32_t *u = (uint32_t *)((uint8_t *)d + 16);
    for (unsigned int i = 0; i < 8; i++)
        if (chance(2))
            u[i] = chance(2) ? r_ptr(64) : r_interesting();
    c->a[0] = chance(16) ? r_ptr(sizeof(*d)) : (uint32_t)d;
}

static void b_sysctl(struct call *c)
{
    struct xen_sysctl *s = (struct xen_sysctl *)slot(sizeof(*s));
    fill_random(s, sizeof(*s));
    /* Xen's ops, Mica's own (resources, fail_alloc: -EPERM unless booted
     * with fail_alloc=ctl), and anything */
    s->cmd = rnd(4) ? rnd(24) : chance(2) ? MICA_SYSCTL_resources + rnd(3) : rnd32();
    s->interface_version = chance(8) ? rnd32() : XEN_SYSCTL_INTERFACE_VERSION;
    uint32_t *u = (uint32_t *)((uint8_t *)s + 8);
    for (unsigned int i = 0; i < 8; i++)
        if (chance(2))
            u[i] = chance(2) ? r_ptr(64) : r_interesting();
    c->a[0] = chance(16) ? r_ptr(sizeof(*s)) : (uint32_t)s;
}

static void b_multicall(struct call *c)
{
    uint32_t n = 1 + rnd(8), k = 0;
    multicall_entry_t *m = (multicall_entry_t *)slot(n * sizeof(*m));
    while (k < n) {
        struct call e = { .nr = rnd(4) ? rnd(40) : rnd(64) };
        if (e.nr == __HYPERVISOR_multicall && !chance(8))
            continue;
        if (!build_call(e.nr, &e))
            for (int i = 0; i < 6; i++)
                e.a[i] = rnd(2) ? r_interesting() : r_ptr(16);
        if (!call_allowed(&e))
            continue;
        m[k].op = e.nr;
        m[k].result = rnd32();
        memcpy(m[k].args, e.a, sizeof(e.a));
        k++;
    }
    c->a[0] = chance(16) ? r_ptr(32) : (uint32_t)m;
    c->a[1] = chance(16) ? r_count(n) : n;
}

/*
 * The hypercalls whose first argument is a sub-op (and the few that take
 * plain values): every sub-op number up to a little past the last one
 * the ABI defines, sometimes any word, with the argument structure in our
 * buffers filled from the pools -- so each sub-op of xen_version,
 * console_io, physdev_op (both forms), vm_assist, nmi_op, callback_op,
 * sched_op_compat, xenpmu_op, platform_op and mca is reached with
 * plausible arguments, not only by the raw calls' luck.
 */
static void b_subop(struct call *c, uint32_t ncmd)
{
    uint32_t *st = (uint32_t *)slot(64);

    fill_random(st, 64);
    for (unsigned int i = 0; i < 16; i++)
        if (chance(4))
            st[i] = chance(2) ? r_ptr(64) : chance(2) ? r_domid() : r_sacrificial_mfn();
    /* the first fields are usually small: a type, a port, an IRQ, a count */
    for (unsigned int i = 0; i < 3; i++)
        if (chance(2))
            st[i] = rnd(i ? 64 : 8);
    c->a[0] = chance(16) ? rnd32() : rnd(ncmd + 3);
    c->a[1] = chance(8) ? r_ptr(64) : (uint32_t)st;
    c->a[2] = r_interesting();
}

static void b_plain(struct call *c)
{
    uint32_t *st = (uint32_t *)slot(64);

    fill_random(st, 64);
    switch (c->nr) {
    case __HYPERVISOR_console_io:           /* cmd, count, buffer */
        c->a[0] = rnd(4);
        c->a[1] = rnd(2) ? rnd(128) : r_interesting();
        c->a[2] = r_ptr(128);
        break;
    case __HYPERVISOR_physdev_op_compat:    /* a struct whose first word is the op */
        st[0] = rnd(34);
        c->a[0] = chance(8) ? r_ptr(64) : (uint32_t)st;
        break;
    case __HYPERVISOR_vm_assist:            /* enable/disable, type */
        c->a[0] = rnd(3);
        c->a[1] = chance(8) ? r_interesting() : rnd(12);
        break;
    case __HYPERVISOR_platform_op:          /* cmd, the right version mostly */
        st[0] = rnd(4) ? rnd(70) : rnd32();
        st[1] = chance(8) ? rnd32() : XENPF_INTERFACE_VERSION;
        c->a[0] = chance(8) ? r_ptr(64) : (uint32_t)st;
        break;
    case __HYPERVISOR_mca:                  /* cmd, then Xen's MCA version */
        st[0] = rnd(8);
        st[1] = chance(4) ? rnd32() : 0x01ecc003;
        c->a[0] = chance(8) ? r_ptr(64) : (uint32_t)st;
        break;
    case __HYPERVISOR_set_debugreg:         /* register, value */
        c->a[0] = rnd(10);
        c->a[1] = rnd(2) ? r_ptr(4) : r_interesting();
        break;
    case __HYPERVISOR_get_debugreg:
        c->a[0] = rnd(10);
        break;
    case __HYPERVISOR_fpu_taskswitch:
        c->a[0] = rnd(3);
        break;
    case __HYPERVISOR_stack_switch:         /* ss, esp */
        c->a[0] = rnd(2) ? FLAT_RING1_DS : rnd(0x10000);
        c->a[1] = r_ptr(64);
        break;
    case __HYPERVISOR_set_callbacks:        /* cs/eip of the event and failsafe callbacks */
        c->a[0] = rnd(2) ? FLAT_RING1_CS : rnd(0x10000);
        c->a[1] = r_ptr(4);
        c->a[2] = rnd(2) ? FLAT_RING1_CS : rnd(0x10000);
        c->a[3] = r_ptr(4);
        break;
    }
}

bool build_call(uint32_t nr, struct call *c)
{
    memset(c->a, 0, sizeof(c->a));
    c->nr = nr;
    switch (nr) {
    case __HYPERVISOR_set_trap_table:   b_trap_table(c); return true;
    case __HYPERVISOR_mmu_update:       b_mmu_update(c); return true;
    case __HYPERVISOR_set_gdt:          b_set_gdt(c); return true;
    case __HYPERVISOR_update_descriptor: b_update_descriptor(c); return true;
    case __HYPERVISOR_memory_op:        b_memory_op(c); return true;
    case __HYPERVISOR_multicall:        b_multicall(c); return true;
    case __HYPERVISOR_update_va_mapping: b_update_va_mapping(c, false); return true;
    case __HYPERVISOR_update_va_mapping_otherdomain: b_update_va_mapping(c, true); return true;
    case __HYPERVISOR_event_channel_op_compat: b_evtchn(c, true); return true;
    case __HYPERVISOR_event_channel_op: b_evtchn(c, false); return true;
    case __HYPERVISOR_grant_table_op:   b_grant(c); return true;
    case __HYPERVISOR_vcpu_op:          b_vcpu_op(c); return true;
    case __HYPERVISOR_mmuext_op:        b_mmuext(c); return true;
    case __HYPERVISOR_sched_op:         b_sched_op(c); return true;
    case __HYPERVISOR_domctl:           b_domctl(c); return true;
    case __HYPERVISOR_sysctl:           b_sysctl(c); return true;
    case __HYPERVISOR_xen_version:      b_subop(c, 20); return true;
    case __HYPERVISOR_physdev_op:       b_subop(c, 33); return true;
    case __HYPERVISOR_nmi_op:           b_subop(c, 2); return true;
    case __HYPERVISOR_callback_op:      b_subop(c, 3); return true;
    case __HYPERVISOR_sched_op_compat:  b_subop(c, 5); return true;
    case __HYPERVISOR_xenpmu_op:        b_subop(c, 8); return true;
    case __HYPERVISOR_console_io: case __HYPERVISOR_physdev_op_compat:
    case __HYPERVISOR_vm_assist: case __HYPERVISOR_platform_op: case __HYPERVISOR_mca:
    case __HYPERVISOR_set_debugreg: case __HYPERVISOR_get_debugreg:
    case __HYPERVISOR_fpu_taskswitch: case __HYPERVISOR_stack_switch:
    case __HYPERVISOR_set_callbacks:
        b_plain(c);
        return true;
    case __HYPERVISOR_set_timer_op: {
        uint64_t t = rnd(4) ? now_ns() + rnd(5000000) : rnd64();
        c->a[0] = (uint32_t)t; c->a[1] = (uint32_t)(t >> 32);
        return true;
    }
    default:
        return false;
    }
}

/* ---- what the fuzzer must not do to itself --------------------------------- */

static bool frame_is_ours_and_live(uint64_t mfn)
{
    return mfn <= F.max_mfn && !(mfn >> 32);
}

static bool evtchn_allowed(uint32_t cmd, const uint32_t *w)
{
    switch (cmd) {
    case EVTCHNOP_close: case EVTCHNOP_bind_vcpu:
        return (!F.protect_port || w[0] != F.protect_port) &&
               (!F.timer_port || w[0] != F.timer_port);
    case EVTCHNOP_reset:
        return false;   /* would close the channel to the companion */
    case EVTCHNOP_init_control:
        /* Only with a vCPU we do not have, so it must be refused: a switch
         * to FIFO that succeeded (a spare frame as the control block)
         * would leave our timer's port without an event word, and the next
         * HLT would wait for a VIRQ_TIMER that can never be raised.  The
         * FIFO ABI has tests of its own (evtchn-fifo). */
        return w[3] >= 4 && !frame_is_ours_and_live(*(const uint64_t *)w);
    case EVTCHNOP_expand_array:
        return !frame_is_ours_and_live(*(const uint64_t *)w);
    default:
        return true;
    }
}

static bool readable(uint32_t p, uint32_t size)
{
    uint32_t b = (uint32_t)F.buf;
    return size <= FUZZ_BUF_PAGES * PAGE_SIZE && p >= b &&
           p <= b + FUZZ_BUF_PAGES * PAGE_SIZE - size;
}

static bool domctl_allowed(const struct xen_domctl *d)
{
    static const uint8_t readonly[] = { 5, 6, 7, 8, 13, 14, 25, 36, 59, 61 };
    bool hurts = d->domain == F.self || d->domain == F.protect || d->domain == DOMID_SELF;

    if (!F.priv || !hurts)
        return true;
    for (unsigned int i = 0; i < sizeof(readonly); i++)
        if (d->cmd == readonly[i])
            return true;
    return false;
}

static bool call_allowed_depth(const struct call *c, unsigned int depth);

/*
 * Lists the hypervisor reads (multicall entries, mmu_update requests,
 * mmuext ops) are vetted wherever they are: in our buffers, in the
 * sandbox (which may map any frame, with anything in it), in our page
 * tables.  The hypervisor reads entries until one is not readable, so we
 * read them as it will, up to the first page that is not mapped for us
 * (or the hypervisor's range: -EFAULT there).  A list longer than
 * VET_MAX entries that is still readable is refused: too long to vet.
 * Found by `make fuzz` (seed 1, both modes, ~12000-17000 steps): a
 * multicall list in the sandbox, over a frame an earlier MMUEXT_COPY_PAGE
 * had filled with fuzzed entries, ran calls nobody had vetted.
 */
#define VET_MAX 4096u
#define COUNT_PREEMPTED 0x80000000u    /* Xen's MMU_UPDATE_PREEMPTED */

/*
 * Copy size bytes from p, a word at a time under an exception-table
 * entry: false if a read faults (found by `make fuzz`, seed 2
 * unprivileged, step 28982: a #PF reading a multicall entry in the
 * sandbox that a page-table walk had found present).
 */
static bool probe_copy(void *dst, uint32_t p, uint32_t size)
{
    uint32_t *d = dst;
    bool ok = true;

    F.probing = true;
    for (uint32_t k = 0; ok && k < size / 4; k++) {
        unsigned int before = last_exc.count;
        uint32_t v = 0;
        asm volatile ("1: movl (%1), %0\n2:\n" EXTABLE(1b, 2b)
                      : "+r" (v) : "r" (p + 4 * k) : "memory");
        ok = last_exc.count == before;
        d[k] = v;
    }
    F.probing = false;
    return ok;
}

/*
 * Walk a list of n entries of size bytes at list: for each one we can
 * read, ok(entry) must hold.  The entries are read with probed reads
 * through our own page tables, as the hypervisor will read them: where a
 * read faults, so does the hypervisor's copy, which ends the list there
 * (-EFAULT).  A walk of our tables by hand is not used: it trusts the M2P,
 * which the fuzz changes (MMU_MACHPHYS_UPDATE), and then reads the wrong
 * page -- found by `make fuzz`, privileged seed 35 and unprivileged seed
 * 60: pt_walk() faulted on an unmapped page of our image.  False if an
 * entry is refused or the list is too long to vet.
 */
static bool vet_list(uint32_t list, uint32_t n, uint32_t size,
                     bool (*ok)(const void *entry, unsigned int depth), unsigned int depth)
{
    uint32_t entry[8], b = (uint32_t)F.buf;

    /*
     * The hypervisor reads a list one entry at a time, after the entries
     * before it took effect: a list outside our buffers -- in the sandbox
     * (any frame, page tables included) or in our own tables -- may be
     * rewritten by its own earlier entries (a PTE write into the table
     * the list lies in, a remap of the sandbox page under it), so what
     * runs is not what was vetted.  Such lists only with one entry.  A
     * list that starts in the buffers runs into the guard page after
     * them, unmapped for good, where the hypervisor's copy faults.
     * Found by `make fuzz` (privileged seed 61): an mmu_update list of
     * 182 entries read from our own L1.
     */
    if (n > 1 && !(list >= b && list < b + FUZZ_BUF_PAGES * PAGE_SIZE))
        return false;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t p = list + k * size;
        if (p + size - 1 < p || p + size - 1 >= HYPERVISOR_VIRT_START)
            return true;                        /* the hypervisor refuses it */
        if (size > sizeof(entry) || k >= VET_MAX)
            return false;
        if (!probe_copy(entry, p, size))
            return true;                        /* its copy faults here too */
        if (!ok(entry, depth))
            return false;
    }
    return true;
}

/* A multicall's entries are calls like any other (an iret entry would pop
 * a frame off our stack). */
static bool multicall_entry_ok(const void *p, unsigned int depth)
{
    const multicall_entry_t *m = p;
    struct call e = { .nr = m->op };
    if (m->op >= 64)
        return true;
    memcpy(e.a, m->args, sizeof(e.a));
    return call_allowed_depth(&e, depth + 1);
}

static bool multicall_allowed(uint32_t list, uint32_t n, unsigned int depth)
{
    return depth <= 2 && vet_list(list, n, 32, multicall_entry_ok, depth);
}

/*
 * The page-table entries that map us: our L3, the L1s of the bootstrap
 * region, and the slots of our L2 that point at those L1s.  A write to one
 * (a bit flip in a request's ptr can turn a sandbox slot into the image's)
 * is the fuzzer unmapping itself.  Found by `make fuzz` (seed 1,
 * unprivileged): the kernel stack vanished.
 */
static bool maps_us(uint64_t maddr)
{
    uint32_t mfn = (uint32_t)(maddr >> 12), idx = (uint32_t)(maddr & 0xfff) / 8;
    if (maddr >> 44)
        return false;
    if (mfn == F.l3_mfn)
        return true;
    if (mfn == F.l2_mfn)
        return idx >= L2_INDEX(VIRT_BASE) && idx <= L2_INDEX(F.region_end - 1);
    for (uint32_t k = 0; k < F.nimage_l1; k++)
        if (mfn == F.image_l1[k])
            return true;
    return false;
}

/* Is mfn one of the tables that map us (our L3, L2, the image's L1s)? */
static bool our_table(uint32_t mfn)
{
    if (mfn == F.l3_mfn || mfn == F.l2_mfn)
        return true;
    for (uint32_t k = 0; k < F.nimage_l1; k++)
        if (mfn == F.image_l1[k])
            return true;
    return false;
}

/* A PTE that would map a live frame of ours writable somewhere else (a
 * bit flip can turn a spare frame's number into our stack's): a write
 * through that alias is a write into us. */
static bool writable_alias(uint64_t pte)
{
    return (pte & 3) == 3 && !(pte >> 44) && own_live((uint32_t)(pte >> 12));
}

/*
 * A frame a write into our L2 would make an L1 (in the sandbox's slots):
 * every entry of it is mapped from then on.  Ours (a spare frame, say)
 * may hold anything -- MMUEXT_COPY_PAGE may have copied one of our
 * image's L1s into it, with writable mappings of our code -- so it is
 * read through a read-only scratch mapping and refused if an entry would
 * be a writable alias of a live frame of ours.  Inside a multicall an
 * earlier entry may change the frame after this look: there only the
 * sandbox's own L1.  Found by `make fuzz` (unprivileged seed 42, step
 * 572606, and seed 43): a #PF at an address near 0 in the middle of our
 * own code -- an mmu_update had written its "done" count (0) through a
 * sandbox pointer onto our code, the sandbox slot mapping our code
 * writable.
 */
#define SCRATCH_VET (SCRATCH_SLOTS - 3)
static bool l1_candidate_ok(uint32_t mfn, unsigned int depth)
{
    if (mfn == F.sandbox_l1)
        return true;
    if (depth > 0)
        return false;
    if (mfn > F.max_mfn)
        return true;                    /* no such frame: refused */
    uint32_t va = scratch_slot_va(SCRATCH_VET);
    if (HYPERVISOR_update_va_mapping(va, PTE(mfn, 0x21), UVMF_INVLPG))
        return true;                    /* not ours to map: not ours to link */
    const volatile uint64_t *t = (const volatile uint64_t *)va;
    bool ok = true;
    for (unsigned int i = 0; ok && i < 512; i++)
        ok = !writable_alias(t[i]);
    scratch_restore(SCRATCH_VET);
    return ok;
}

/*
 * Two ways a valid request unmaps or overwrites us: a write into an entry
 * that maps us (above), and an entry of our L2 that makes one of our own
 * tables the L1 of another slot -- the sandbox's, say.  The hypervisor
 * allows such an alias (the table is already an L1), but then a write
 * through the sandbox (update_va_mapping, or a hypercall's output through
 * a pointer safe_word() moved into the sandbox) lands in our image.
 * Found by `make fuzz` (seed 1, both modes): with check=1, step 12484,
 * update_va_mapping(0xd01f8000) changed the mapping of 0xc01f8000.
 */
static bool mmu_update_ok(const void *p, unsigned int depth)
{
    const mmu_update_t *u = p;
    uint32_t cmd = (uint32_t)u->ptr & 7;
    if (cmd == MMU_MACHPHYS_UPDATE) {
        /* The M2P entries of our own frames are what our page-table
         * walks (l1_mfn_of, mfn_to_virt) and own_live() trust: changing
         * them is the guest lying to itself.  Found by `make fuzz`
         * (privileged seed 61, check=1, step 81012): an mmu_update list
         * read from our own L1 (its entries are our PTEs: a read-only
         * one, flags 0x61, is command 1) rewrote the M2P of our page
         * tables; later walks read the wrong pages and our protection of
         * the tables that map us (maps_us) looked at the wrong frames. */
        uint32_t mfn = (uint32_t)(u->ptr >> 12);
        return (u->ptr >> 44) || (!own_live(mfn) && !our_table(mfn) && mfn != F.sandbox_l1);
    }
    /* MMU_PT_UPDATE_NO_TRANSLATE (3) is a normal update for a PV guest
     * (a PTE with flags 0x63 read as a request is one): vetted alike.
     * Found with the case above (seed 61 privileged). */
    if (cmd != MMU_NORMAL_PT_UPDATE && cmd != MMU_PT_UPDATE_PRESERVE_AD &&
        cmd != MMU_PT_UPDATE_NO_TRANSLATE)
        return true;
    if (maps_us(u->ptr & ~7ull))
        return false;
    if ((u->ptr >> 12) == F.l2_mfn)
        return !(u->val & 1) || (!our_table((uint32_t)(u->val >> 12)) &&
                                 ((u->val >> 44) || l1_candidate_ok((uint32_t)(u->val >> 12), depth)));
    return !writable_alias(u->val);
}

/* A new base pointer other than our own L3 (a spare frame pinned as an
 * empty L3, say) takes our whole address space away. */
static bool mmuext_ok(const void *p, unsigned int depth)
{
    const mmuext_op_t *o = p;
    return !(o->cmd == MMUEXT_NEW_BASEPTR && o->arg1.mfn != F.l3_mfn);
}

bool call_allowed(const struct call *c)
{
    return call_allowed_depth(c, 0);
}

static bool call_allowed_depth(const struct call *c, unsigned int depth)
{
    const uint32_t *a = c->a;

    switch (c->nr) {
    case __HYPERVISOR_multicall:
        return multicall_allowed(a[0], a[1], depth);
    case __HYPERVISOR_iret:
        return false;   /* jumped to with a frame on the stack, never called */
    case __HYPERVISOR_sched_op_compat:
        return a[0] != SCHEDOP_shutdown && a[0] != SCHEDOP_block;
    case __HYPERVISOR_sched_op:
        if (a[0] == SCHEDOP_shutdown || a[0] == SCHEDOP_block || a[0] == SCHEDOP_watchdog)
            return false;
        if (a[0] == SCHEDOP_remote_shutdown)
            return !F.priv;     /* a privileged caller may end anyone */
        if (a[0] == SCHEDOP_poll) {
            /* A poll blocks until one of its ports fires or its timeout
             * (0: none): only with a deadline at most 10 ms ahead.  A raw
             * call's or a multicall entry's struct in our buffers holds
             * random words: found by `make fuzz` (the run blocked for
             * good, QEMU idle, e.g. seed 23 privileged). */
            if (!readable(a[1], 16))
                return false;
            /* Not from a multicall: an earlier entry may rewrite the
             * struct after this look (a timeout of 0 blocks until a
             * listed port fires).  Suspected in privileged seed 42's run
             * that blocked after the HLT fix (any event woke it). */
            if (depth > 0)
                return false;
            const uint32_t *p = (const uint32_t *)a[1];
            uint64_t t = p[2] | (uint64_t)p[3] << 32;
            return t != 0 && t <= now_ns() + 10000000;
        }
        return true;
    case __HYPERVISOR_console_io:
        /* writes only from addresses that cannot be read: no garbage in the log */
        return a[0] != CONSOLEIO_write || a[1] == 0 || a[2] < VIRT_BASE ||
               a[2] >= HYPERVISOR_VIRT_START;
    case __HYPERVISOR_vcpu_op:
        if (a[0] == VCPUOP_down && a[1] == 0)
            return false;       /* the last vCPU down ends the domain */
        if (a[0] == VCPUOP_register_vcpu_info || a[0] == VCPUOP_register_runstate_phys_area ||
            a[0] == VCPUOP_register_vcpu_time_phys_area)
            return readable(a[2], 8) && !frame_is_ours_and_live(*(const uint64_t *)a[2]);
        if (a[0] == VCPUOP_register_runstate_memory_area ||
            a[0] == VCPUOP_register_vcpu_time_memory_area)
            /* written at every switch from then on: only the area page, and
             * not from a multicall, whose earlier entries may rewrite the
             * argument after this check */
            return depth == 0 && readable(a[2], 4) && in_area(*(const uint32_t *)a[2], 64);
        return true;
    case __HYPERVISOR_event_channel_op:
        return readable(a[1], 24) ? evtchn_allowed(a[0], (const uint32_t *)a[1])
                                  : a[0] != EVTCHNOP_reset && a[0] != EVTCHNOP_close;
    case __HYPERVISOR_event_channel_op_compat:
        return readable(a[0], 28) && evtchn_allowed(*(const uint32_t *)a[0],
                                                    (const uint32_t *)a[0] + 1);
    case __HYPERVISOR_physdev_op:
    case __HYPERVISOR_physdev_op_compat:
        return c->nr == __HYPERVISOR_physdev_op ? a[0] != PHYSDEVOP_pirq_eoi_gmfn_v1 &&
               a[0] != PHYSDEVOP_pirq_eoi_gmfn_v2 && (!F.priv || a[0] == PHYSDEVOP_set_iopl)
               : !F.priv && readable(a[0], 4) && *(const uint32_t *)a[0] != PHYSDEVOP_pirq_eoi_gmfn_v1 &&
                 *(const uint32_t *)a[0] != PHYSDEVOP_pirq_eoi_gmfn_v2;
    case __HYPERVISOR_memory_op:
        /* giving frames back: only through the builder's sacrificial lists */
        if ((a[0] & 0xff) == XENMEM_decrease_reservation || (a[0] & 0xff) == XENMEM_exchange)
            return readable(a[1], 44);
        return true;
    case __HYPERVISOR_domctl:
        if (!F.priv)
            return true;
        return readable(a[0], sizeof(struct xen_domctl)) &&
               domctl_allowed((const struct xen_domctl *)a[0]);
    case __HYPERVISOR_sysctl:
        if (!F.priv)
            return true;
        /* debug keys may reboot or crash the machine on purpose */
        return readable(a[0], 8) && *(const uint32_t *)a[0] != XEN_SYSCTL_debug_keys;
    case __HYPERVISOR_update_va_mapping:
        /* a valid PTE (non-present ones are) over our own image unmaps us */
        return (a[0] < VIRT_BASE || a[0] >= F.region_end) &&
               !writable_alias(a[1] | (uint64_t)a[2] << 32);
    case __HYPERVISOR_mmu_update: case __HYPERVISOR_mmuext_op:
    case __HYPERVISOR_update_va_mapping_otherdomain:
        if (c->nr == __HYPERVISOR_mmu_update &&
            !vet_list(a[0], a[1] & ~COUNT_PREEMPTED, sizeof(mmu_update_t), mmu_update_ok, depth))
            return false;
        if (c->nr == __HYPERVISOR_mmuext_op &&
            !vet_list(a[0], a[1] & ~COUNT_PREEMPTED, sizeof(mmuext_op_t), mmuext_ok, 0))
            return false;
        if (c->nr == __HYPERVISOR_update_va_mapping_otherdomain &&
            ((a[0] >= VIRT_BASE && a[0] < F.region_end) ||
             writable_alias(a[1] | (uint64_t)a[2] << 32)))
            return false;
        /* a privileged caller's foreign writes could corrupt the companion */
        if (F.priv) {
            uint32_t fd = c->nr == __HYPERVISOR_update_va_mapping_otherdomain ? a[4] : a[3];
            return (fd & 0xffff) != F.protect && ((fd >> 16) == 0 || !readable(a[0], 1));
        }
        return true;
    case __HYPERVISOR_grant_table_op:
        return !F.priv || a[0] != GNTTABOP_transfer;
    default:
        return true;
    }
}
