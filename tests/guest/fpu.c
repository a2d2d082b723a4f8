/*
 * fpu: the virtual CR0.TS, #NM delivery, and lazy FPU switching.
 *
 * A PV guest starts with CR0.TS set (fact sheet §7.5).  With its virtual
 * TS clear, FPU use must just work (the hypervisor loads the vCPU's state
 * lazily, no #NM for the guest); with it set -- fpu_taskswitch(1), or a
 * MOV to CR0 with TS -- the first FPU instruction raises #NM in the guest,
 * and the hypervisor clears the virtual TS itself, so the handler can use
 * the FPU and the faulting instruction then succeeds.  CLTS and
 * fpu_taskswitch(0) clear it; MOV from CR0 reads it back; MOV to CR0
 * changing anything but TS is refused.
 *
 * Then the way guest kernels use all this: two "tasks" with their own x87
 * and SSE contents, switched lazily -- on a task switch the outgoing state
 * is saved with FXSAVE and TS is set; the incoming task's first FPU
 * instruction traps (#NM) and its state is restored with FXRSTOR.  Over
 * many switches, with hypercalls and exceptions in between, each task must
 * find exactly its own values in ST0 and XMM0-XMM7.
 */
#include <test.h>
#include <traps.h>

#define CR0_TS 0x8u

struct task {
    uint8_t fx[512] __attribute__((aligned(16)));
    bool saved;
    uint32_t seed;
};
static struct task tasks[2];
static struct task *cur;
static unsigned int nm_count;

static uint32_t read_cr0(void)
{
    uint32_t v;
    asm volatile ("mov %%cr0, %0" : "=r" (v));
    return v;
}

/* #NM: restore the current task's state (lazy switch), retry the insn. */
static bool lazy_restore(struct exc_frame *f)
{
    (void)f;
    nm_count++;
    if (cur->saved)
        asm volatile ("fxrstor %0" :: "m" (cur->fx));
    else
        asm volatile ("fninit");
    return true;
}

static void switch_to(struct task *t)
{
    if (cur) {
        asm volatile ("fxsave %0" : "=m" (cur->fx));
        cur->saved = true;
    }
    cur = t;
    HYPERVISOR_fpu_taskswitch(1);
}

/* Load the task's pattern into ST0 and XMM0-7. */
static void load_pattern(const struct task *t)
{
    static uint32_t v[8][4] __attribute__((aligned(16)));
    for (unsigned int i = 0; i < 8; i++)
        for (unsigned int j = 0; j < 4; j++)
            v[i][j] = t->seed * 0x01000193u + i * 16 + j;
    asm volatile ("fninit; fildl %0" :: "m" (t->seed));
    asm volatile ("movaps 0(%0), %%xmm0; movaps 16(%0), %%xmm1; movaps 32(%0), %%xmm2;"
                  "movaps 48(%0), %%xmm3; movaps 64(%0), %%xmm4; movaps 80(%0), %%xmm5;"
                  "movaps 96(%0), %%xmm6; movaps 112(%0), %%xmm7" :: "r" (v) : "memory");
}

static bool check_pattern(const struct task *t)
{
    static uint32_t v[8][4] __attribute__((aligned(16)));
    uint32_t st0;
    bool ok = true;

    asm volatile ("fistl %0" : "=m" (st0));
    asm volatile ("movaps %%xmm0, 0(%0); movaps %%xmm1, 16(%0); movaps %%xmm2, 32(%0);"
                  "movaps %%xmm3, 48(%0); movaps %%xmm4, 64(%0); movaps %%xmm5, 80(%0);"
                  "movaps %%xmm6, 96(%0); movaps %%xmm7, 112(%0)" :: "r" (v) : "memory");
    ok &= st0 == t->seed;
    for (unsigned int i = 0; i < 8; i++)
        for (unsigned int j = 0; j < 4; j++)
            ok &= v[i][j] == t->seed * 0x01000193u + i * 16 + j;
    return ok;
}

static void virtual_ts(void)
{
    unsigned int before;

    CHECK_RC(HYPERVISOR_fpu_taskswitch(0), 0, "fpu_taskswitch(0)");
    CHECK(!(read_cr0() & CR0_TS), "CR0.TS reads set after fpu_taskswitch(0)");
    exc_clear();
    asm volatile ("fninit; fld1; fstp %%st(0)" ::: "memory");
    CHECK(last_exc.count == 0, "FPU use with TS clear raised %s", exc_str());

    CHECK_RC(HYPERVISOR_fpu_taskswitch(1), 0, "fpu_taskswitch(1)");
    CHECK(read_cr0() & CR0_TS, "CR0.TS reads clear after fpu_taskswitch(1)");
    exc_clear();
    asm volatile (PROBE_PRE "fninit" PROBE_POST ::: "memory");
    CHECK(last_exc.count == 1 && last_exc.vector == 7 && last_exc.eip == probe_fault,
          "TS set: got %s, expected #NM at the instruction", exc_str());
    CHECK(!(read_cr0() & CR0_TS), "the hypervisor left the virtual TS set after #NM");

    HYPERVISOR_fpu_taskswitch(1);
    asm volatile ("clts");
    CHECK(!(read_cr0() & CR0_TS), "CLTS did not clear TS");
    exc_clear();
    asm volatile ("fninit" ::: "memory");
    CHECK(last_exc.count == 0, "FPU use after CLTS raised %s", exc_str());

    asm volatile ("mov %0, %%cr0" :: "r" (read_cr0() | CR0_TS));
    CHECK(read_cr0() & CR0_TS, "MOV to CR0 with TS did not set it");
    exc_clear();
    asm volatile (PROBE_PRE "fninit" PROBE_POST ::: "memory");
    CHECK(last_exc.vector == 7, "after MOV to CR0.TS: got %s", exc_str());
    exc_clear();
    asm volatile (PROBE_PRE "mov %0, %%cr0" PROBE_POST :: "r" (read_cr0() & ~1u) : "memory");
    CHECK(last_exc.vector == 13 && last_exc.error == 0,
          "MOV to CR0 clearing PE: got %s, expected #GP(0)", exc_str());
    exc_clear();
    asm volatile (PROBE_PRE "mov %0, %%cr0" PROBE_POST :: "r" (read_cr0() ^ 0x20000u) : "memory");
    CHECK(last_exc.vector == 13, "MOV to CR0 toggling AM: got %s", exc_str());

    /* The handler may use the FPU: the retried instruction then succeeds. */
    cur = &tasks[0];
    cur->saved = false;
    exc_hook[7] = lazy_restore;
    HYPERVISOR_fpu_taskswitch(1);
    before = nm_count;
    asm volatile ("fninit; fld1; fstp %%st(0)" ::: "memory");
    CHECK(nm_count == before + 1, "#NM count %u", nm_count - before);
}

void test_main(void)
{
    unsigned int bad = 0;

    traps_init();
    virtual_ts();

    tasks[0].seed = 0x1234;
    tasks[1].seed = 0x7777;
    cur = NULL;
    exc_hook[7] = lazy_restore;
    for (unsigned int t = 0; t < 2; t++) {
        switch_to(&tasks[t]);
        load_pattern(&tasks[t]);
    }
    nm_count = 0;
    for (unsigned int round = 0; round < 100; round++) {
        struct task *t = &tasks[round & 1];
        switch_to(t);
        if (round % 3 == 0)
            HYPERVISOR_xen_version(XENVER_version, NULL);
        if (round % 5 == 0)
            asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
        if (!check_pattern(t))
            bad++;
        load_pattern(t);                /* dirty it again */
    }
    CHECK(bad == 0, "%u of 100 task switches found the wrong FPU/SSE state", bad);
    CHECK(nm_count == 100, "%u #NM for 100 lazy switches", nm_count);
    test_success();
}
