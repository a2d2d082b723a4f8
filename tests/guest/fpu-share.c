/*
 * fpu-share: two domains keep separate FPU/SSE state across real vCPU
 * switches (run as domain 0 and, with role=peer, as domain 1).
 *
 * The hypervisor switches FPU state lazily (fpu.c): switching to another
 * vCPU only sets CR0.TS; the next FPU instruction of the incoming vCPU
 * traps to the hypervisor, which saves the previous owner's registers
 * (FXSAVE) and restores this vCPU's (FXRSTOR).  A guest whose virtual TS
 * is clear never sees any of it: no #NM reaches it.
 *
 * Each domain loads its own pattern into ST0 and XMM0-7 once, then yields
 * hundreds of times (each yield runs the other domain, which touches the
 * FPU with its own pattern) and checks after every yield that its
 * registers still hold exactly its pattern.  Its runstate must show time
 * spent runnable-but-not-running (the switches did happen).  Domain 0
 * waits for its peer to finish before it reports.
 */
#include <test.h>
#include <traps.h>
#include <events.h>

static unsigned int nm_seen;
static bool count_nm(struct exc_frame *f) { (void)f; nm_seen++; return true; }

static uint32_t pat[8][4] __attribute__((aligned(16)));

static void load(uint32_t seed)
{
    for (unsigned int i = 0; i < 8; i++)
        for (unsigned int j = 0; j < 4; j++)
            pat[i][j] = seed * 0x9e3779b1u + i * 4 + j;
    asm volatile ("fninit; fildl %0" :: "m" (seed));
    asm volatile ("movaps 0(%0), %%xmm0; movaps 16(%0), %%xmm1; movaps 32(%0), %%xmm2;"
                  "movaps 48(%0), %%xmm3; movaps 64(%0), %%xmm4; movaps 80(%0), %%xmm5;"
                  "movaps 96(%0), %%xmm6; movaps 112(%0), %%xmm7" :: "r" (pat) : "memory");
}

static bool intact(uint32_t seed)
{
    static uint32_t v[8][4] __attribute__((aligned(16)));
    uint32_t st0;

    asm volatile ("fistl %0" : "=m" (st0));     /* does not pop */
    asm volatile ("movaps %%xmm0, 0(%0); movaps %%xmm1, 16(%0); movaps %%xmm2, 32(%0);"
                  "movaps %%xmm3, 48(%0); movaps %%xmm4, 64(%0); movaps %%xmm5, 80(%0);"
                  "movaps %%xmm6, 96(%0); movaps %%xmm7, 112(%0)" :: "r" (v) : "memory");
    return st0 == seed && memcmp(v, pat, sizeof(v)) == 0;
}

void test_main(void)
{
    bool peer = !(start_info->flags & SIF_INITDOMAIN);
    uint32_t seed = peer ? 0x2222 : 0x1111;
    unsigned int rounds = peer ? 200 : 400, bad = 0;
    struct vcpu_runstate_info rs;

    traps_init();
    exc_hook[7] = count_nm;
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    HYPERVISOR_fpu_taskswitch(0);
    load(seed);
    for (unsigned int i = 0; i < rounds; i++) {
        sched_yield();
        if (!intact(seed) && bad++ == 0)
            test_fail("round %u: FPU/SSE state is not this domain's", i);
    }
    CHECK(bad == 0, "%u of %u rounds saw foreign FPU/SSE state", bad, rounds);
    CHECK(nm_seen == 0, "%u #NM reached a guest whose virtual TS is clear", nm_seen);
    CHECK(get_runstate(&rs) == 0 && rs.time[RUNSTATE_runnable] > 0,
          "never descheduled while runnable: no vCPU switch happened");
    if (!peer)
        CHECK(wait_domain_gone(1, 10000 * NS_PER_MS) == 0, "the peer did not finish");
    test_success();
}
