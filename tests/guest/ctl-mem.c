/*
 * ctl-mem: memory through the control plane, counted to the page.
 *
 *   build   create a 4 MiB domain, populate it, map and write some of its
 *           frames, give some back (decrease_reservation on its behalf),
 *           destroy it: physinfo's free_pages is back exactly where it was
 *           before createdomain, and the domain's id is gone.
 *   long    (XSA-45) a 16 MiB domain with a pinned tree of page tables
 *           mapping all of it; destroydomain must come back with -EAGAIN
 *           between pieces of work rather than tear it all down in one go
 *           when the hypervisor asks for preemption (case=long with
 *           hv=mm_preempt_stress: every preemption check says yes, so it
 *           must take thousands of calls), and free memory is back.
 *   xsa149  creation failing half-way leaks nothing: fill the machine's
 *           memory (a domain populated until the heap is empty), then
 *           give back one page at a time and try createdomain after each:
 *           every attempt that fails (-ENOMEM, at whichever allocation ran
 *           out) leaves free_pages exactly as it was; so does max_vcpus
 *           failing for lack of memory.  The first one that succeeds is
 *           destroyed once there is room again, and in the end everything
 *           is back to the page.
 */
#include <ctl.h>
#include <pt.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define MAX_FRAMES 65536
static uint32_t mfns[MAX_FRAMES];

static uint64_t free_pages(void)
{
    return ctl_free_pages();
}

static domid_t make(uint32_t frames, uint32_t populate)
{
    domid_t d;

    if (ctl_create(0, &d) || ctl_max_vcpus(d, 1) || ctl_max_mem_kb(d, (uint64_t)frames * 4)) {
        test_error("cannot create a domain");
        test_exit();
    }
    if (populate && ctl_populate(d, mfns, populate) != (long)populate) {
        test_error("cannot populate %u frames", populate);
        test_exit();
    }
    return d;
}

static long give_back(domid_t d, uint32_t *list, uint32_t n)
{
    xen_memory_reservation_t r = { .extent_start = (uint32_t)list, .nr_extents = n,
                                   .domid = d };
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

static void build(void)
{
    uint64_t before = free_pages(), mid;
    unsigned int calls;
    domid_t d = make(1024, 1024);

    mid = free_pages();
    CHECK(before - mid >= 1024, "populating 1024 frames took %llu pages",
          (unsigned long long)(before - mid));
    for (unsigned int i = 0; i < 16; i++) {
        CHECK_RC(foreign_map(0, mfns[i * 64], d, true), 0, "map a frame writable");
        ((volatile uint32_t *)scratch_slot_va(0))[i] = 0xfeed0000 + i;
        foreign_unmap(0);
    }
    CHECK_RC(give_back(d, &mfns[1000], 24), 24, "give back 24 frames");
    CHECK(free_pages() == mid + 24, "24 frames given back: %llu free, %llu before",
          (unsigned long long)free_pages(), (unsigned long long)mid);
    CHECK_RC(give_back(d, &mfns[1000], 1), 0, "give back a frame twice");
    CHECK_RC(ctl_destroy(d, &calls), 0, "destroy");
    CHECK(free_pages() == before, "free pages %llu after destroy, %llu before create",
          (unsigned long long)free_pages(), (unsigned long long)before);
    struct xen_domctl_getdomaininfo info;
    CHECK_RC(ctl_info(d, &info), -XEN_ESRCH, "the domain after destroy");
    printf("build: 4 MiB domain populated, written and destroyed in %u call(s)\n", calls);
}

/* A pinned tree mapping all n frames of d: L3, one L2, n/512 L1s. */
static void build_tree(domid_t d, uint32_t n)
{
    uint32_t l3 = mfns[n], l2 = mfns[n + 1], xl2 = mfns[n + 2], l1 = n + 3;
    volatile uint64_t *t;

    for (uint32_t k = 0; k < n / 512; k++) {
        CHECK_RC(foreign_map(0, mfns[l1 + k], d, true), 0, "map an L1");
        t = (volatile uint64_t *)scratch_slot_va(0);
        for (uint32_t i = 0; i < 512; i++)
            t[i] = PTE(mfns[k * 512 + i], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
        foreign_unmap(0);
    }
    CHECK_RC(foreign_map(0, l2, d, true), 0, "map the L2");
    t = (volatile uint64_t *)scratch_slot_va(0);
    for (uint32_t k = 0; k < n / 512; k++)
        t[k] = PTE(mfns[l1 + k], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    foreign_unmap(0);
    CHECK_RC(foreign_map(0, l3, d, true), 0, "map the L3");
    t = (volatile uint64_t *)scratch_slot_va(0);
    t[0] = PTE(l2, _PAGE_PRESENT);
    t[3] = PTE(xl2, _PAGE_PRESENT);
    foreign_unmap(0);
    CHECK_RC(foreign_pin(d, 3, l3), 0, "pin the tree");
}

static void long_destroy(bool stress)
{
    const uint32_t n = 4096, tables = 3 + n / 512;
    uint64_t before = free_pages();
    unsigned int calls;
    domid_t d = make(n + tables, n + tables);

    build_tree(d, n);
    CHECK_RC(ctl_destroy(d, &calls), 0, "destroy the 16 MiB domain");
    printf("long: 16 MiB domain with %u page tables destroyed in %u calls\n", tables, calls);
    if (stress)
        CHECK(calls > n, "destroy took %u calls with preemption forced: not preemptible", calls);
    CHECK(free_pages() == before, "free pages %llu after destroy, %llu before",
          (unsigned long long)free_pages(), (unsigned long long)before);
}

static void xsa149(void)
{
    uint64_t start = free_pages();
    domid_t hog;
    uint32_t got = 0;
    unsigned int failed = 0, tries;
    domid_t made = DOMID_INVALID;

    if (ctl_create(0, &hog) || ctl_max_mem_kb(hog, (uint64_t)MAX_FRAMES * 4)) {
        test_error("cannot create the memory hog");
        return;
    }
    /* Everything the heap has, in chunks. */
    for (;;) {
        xen_memory_reservation_t r = { .extent_start = (uint32_t)&mfns[got],
                                       .nr_extents = MIN(1024u, MAX_FRAMES - got),
                                       .domid = hog };
        long rc = HYPERVISOR_memory_op(XENMEM_increase_reservation, &r);
        if (rc <= 0)
            break;
        got += (uint32_t)rc;
        if (rc < 1024 || got == MAX_FRAMES)
            break;
    }
    CHECK(free_pages() < 8, "heap not exhausted: %llu free after %u frames",
          (unsigned long long)free_pages(), got);

    for (tries = 0; tries < 400 && got && made == DOMID_INVALID; tries++) {
        CHECK_RC(give_back(hog, &mfns[--got], 1), 1, "give back one frame");
        uint64_t before = free_pages();
        long rc = ctl_create(0, &made);
        if (rc == 0)
            break;
        made = DOMID_INVALID;
        CHECK_RC(rc, -XEN_ENOMEM, "createdomain without memory");
        CHECK(free_pages() == before, "a failed createdomain leaked: %llu free, %llu before",
              (unsigned long long)free_pages(), (unsigned long long)before);
        failed++;
    }
    /* The same for its vCPU: max_vcpus with what is left. */
    while (made != DOMID_INVALID && got) {
        uint64_t before = free_pages();
        long rc = ctl_max_vcpus(made, 1);
        if (rc == 0)
            break;
        CHECK_RC(rc, -XEN_ENOMEM, "max_vcpus without memory");
        CHECK(free_pages() == before, "a failed max_vcpus leaked: %llu free, %llu before",
              (unsigned long long)free_pages(), (unsigned long long)before);
        CHECK_RC(give_back(hog, &mfns[--got], 1), 1, "give back one frame");
    }
    printf("xsa149: %u creations failed half-way and left nothing behind\n", failed);
    CHECK(failed >= 10, "only %u failed attempts: the test did not exhaust memory", failed);
    CHECK(made != DOMID_INVALID, "no domain could be created after %u tries", tries);
    /* Room for the auditor before anything is destroyed. */
    uint32_t room = MIN(got, 512u);
    CHECK_RC(give_back(hog, &mfns[got - room], room), room, "give back room");
    got -= room;
    if (made != DOMID_INVALID)
        CHECK_RC(ctl_destroy(made, NULL), 0, "destroy the domain made at the edge");
    CHECK_RC(ctl_destroy(hog, NULL), 0, "destroy the hog");
    CHECK(free_pages() == start, "free pages %llu at the end, %llu at the start",
          (unsigned long long)free_pages(), (unsigned long long)start);
}

void test_main(void)
{
    const char *c = cmdline_value((const char *)start_info->cmd_line, "case");

    if (c && !strncmp(c, "long", 4)) {
        long_destroy(cmdline_value((const char *)start_info->cmd_line, "stress") != NULL);
    } else if (c && !strncmp(c, "xsa149", 6)) {
        xsa149();
    } else {
        build();
        long_destroy(false);
    }
    test_success();
}
