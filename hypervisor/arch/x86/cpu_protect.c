/*
 * SMEP and SMAP: the hypervisor never executes, and never reads or writes
 * by accident, a page its guests' user space controls.
 *
 * SMEP makes a supervisor-mode fetch from a user page fault; SMAP does
 * the same for data accesses, unless EFLAGS.AC is set.  Both are CR4 bits
 * that apply to every ring below 3 -- and a 32-bit PV guest kernel runs in
 * ring 1, which the CPU counts as supervisor.  Xen therefore turns them on
 * when it enters from a 32-bit PV guest and off when it returns to one: a
 * CR4 write on every hypercall, trap and event, each of which flushes
 * QEMU's whole software TLB under TCG (a null hypercall costs ~17 K host
 * ticks instead of ~1 K).  Mica keeps them on all the time, written once at
 * boot, and makes ring 1 live with them instead:
 *
 *  - SMAP only binds when EFLAGS.AC is clear, and EFLAGS is per context
 *    (IRETQ restores it).  Every entry into the hypervisor clears AC
 *    (CLAC in the stubs; SFMASK for SYSCALL; SYSENTER resets RFLAGS), so
 *    SMAP protects the hypervisor; the guest-memory copies (raw_copy) are
 *    the one place that sets it (STAC ... CLAC).  The guest kernel is
 *    entered with AC set (every bounce frame, the initial state), so ring 1
 *    reads and writes its user pages as on a CPU without SMAP.  A kernel
 *    that clears AC itself and then touches a user page takes a #PF the
 *    hypervisor recognises (ring 1 or 2, AC clear, an access ring 3 would
 *    have been allowed): it sets AC in the frame and lets the instruction
 *    run again.  No CR4 write, no guest-visible difference beyond AC.
 *  - SMEP has no such flag.  A well-behaved PV kernel never executes its
 *    user pages from ring 1 (Linux, Mini-OS do not), and SMEP stays on.  A
 *    kernel that does takes a #PF (a ring-1 fetch from a page ring 3 could
 *    execute); the hypervisor then turns SMEP off for that domain --
 *    cpu_protect_switch() writes CR4 when switching between domains that
 *    differ, on the context-switch path only -- and lets it run again, as
 *    Xen would have run it.  Such a kernel only forgoes, for itself, the
 *    protection SMEP gives the hypervisor against its user space.
 *
 * What the hypervisor gains is bounded by the 32-bit PV model: the guest
 * kernel chooses the U/S bit of its mappings, so SMEP and SMAP protect the
 * hypervisor from guest *user* memory (code ring 3 could place, pointers
 * ring 3 could aim), not from the guest kernel's.
 *
 * CLAC and STAC are #UD on a CPU without SMAP: every one is listed in
 * section .smap_sites (ASM_CLAC/ASM_STAC in entry.S) and replaced by a
 * three-byte NOP at boot, before any can run, when the CPU lacks SMAP.
 * At boot the hypervisor also checks that the CPU enforces what it
 * claims: it maps a user page at a low address for a moment and makes
 * sure a read without STAC and a call into it both fault.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/guest_walk.h>
#include <asm/x86.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/regs.h>
#include <asm/pv.h>
#include <asm/cpu_protect.h>

#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)
#define PFEC_PRESENT    0x01u
#define PFEC_WRITE      0x02u
#define PFEC_USER       0x04u
#define PFEC_RESERVED   0x08u
#define PFEC_FETCH      0x10u
#define PROBE_VA        0x400000UL        /* a low (guest) address, free at boot */

bool cpu_has_smep, cpu_has_smap;
uint64_t pv_guest_ac;                     /* EFLAGS.AC for ring-1 entries */
static uint64_t cr4_smep;                 /* the CR4.SMEP bit as loaded now */
static uint64_t cr4_tsd;                  /* the CR4.TSD bit as loaded now */

extern const uint64_t __start_smap_sites[], __stop_smap_sites[];

static void sync_core(void)
{
    uint32_t a, b, c, d;
    cpuid_count(0, 0, &a, &b, &c, &d);          /* serialising: patched code is seen */
}

/* Boot, before the IDT exists: what the CPU has; no SMAP -> no CLAC/STAC. */
void cpu_protect_detect(void)
{
    uint32_t a, b = 0, c, d;

    cpuid_count(0, 0, &a, &b, &c, &d);
    if (a >= 7)
        cpuid_count(7, 0, &a, &b, &c, &d);
    else
        b = 0;
    cpu_has_smep = b & CPUID7_EBX_SMEP;
    cpu_has_smap = b & CPUID7_EBX_SMAP;
    if (cpu_has_smap)
        return;
    /* No SMAP: CLAC/STAC would be #UD.  Rewrite them through the direct
     * map (the text is mapped read-only) before anything can run one. */
    for (const uint64_t *s = __start_smap_sites; s < __stop_smap_sites; s++) {
        uint8_t *p = __va(__pa((const void *)*s));
        p[0] = 0x0f;                      /* nopl (%rax): 0f 1f 00 */
        p[1] = 0x1f;
        p[2] = 0x00;
    }
    sync_core();
}

/* ---- boot: turn them on, and check the CPU enforces them ---------------- */

static volatile bool probe_armed, probe_faulted;

/*
 * traps.c, hypervisor context: the SMEP probe's call into the user page
 * faulted at its first byte -- return to the probe's caller as if the
 * page had run its `ret`.
 */
bool cpu_protect_probe_fixup(struct cpu_regs *r)
{
    if (!probe_armed || r->vector != 14 || r->rip != PROBE_VA)
        return false;
    r->rip = *(const uint64_t *)r->rsp;
    r->rsp += 8;
    probe_faulted = true;
    return true;
}

/* A read of the user page: did it fault?  (stac: with EFLAGS.AC set.) */
static bool probe_read_faults(bool stac)
{
    int faulted = 0;

    if (stac)
        __asm__ volatile("stac" ::: "memory");
    __asm__ volatile("1: movb (%1), %%al\n"
                     "2:\n"
                     ".pushsection __ex_table, \"a\"\n.align 8\n.quad 1b, 3f\n.popsection\n"
                     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\n jmp 2b\n.popsection"
                     : "+r"(faulted) : "r"(PROBE_VA) : "rax", "memory");
    if (stac)
        __asm__ volatile("clac" ::: "memory");
    return faulted;
}

/* A call into the user page (it holds a `ret`): did the fetch fault? */
static bool probe_call_faults(void)
{
    probe_faulted = false;
    probe_armed = true;
    __asm__ volatile("call *%0" :: "r"(PROBE_VA) : "rax", "rcx", "rdx", "rsi", "rdi", "r8",
                     "r9", "r10", "r11", "memory");
    probe_armed = false;
    return probe_faulted;
}

static void probe(void)
{
    uint64_t *l3 = alloc_xenheap_pages(0), *l2 = alloc_xenheap_pages(0);
    uint64_t *l1 = alloc_xenheap_pages(0);
    uint8_t *page = alloc_xenheap_pages(0);
    const uint64_t user = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
    bool smep_ok, smap_ok;

    if (!l3 || !l2 || !l1 || !page)
        panic("cpu_protect: no memory for the boot check");
    page[0] = 0xc3;                                 /* ret */
    l1[l1_index(PROBE_VA)] = mk_pte(virt_to_mfn(page), user);
    l2[l2_index(PROBE_VA)] = mk_pte(virt_to_mfn(l1), user);
    l3[l3_index(PROBE_VA)] = mk_pte(virt_to_mfn(l2), user);
    idle_pg_table[0] = mk_pte(virt_to_mfn(l3), user);
    invlpg(PROBE_VA);

    smep_ok = probe_call_faults();
    smap_ok = probe_read_faults(false) && (!cpu_has_smap || !probe_read_faults(true));

    idle_pg_table[0] = 0;
    write_cr3(read_cr3());                          /* boot: no guest TLB to care for */
    free_xenheap_pages(page, 0);
    free_xenheap_pages(l1, 0);
    free_xenheap_pages(l2, 0);
    free_xenheap_pages(l3, 0);

    pr_info("SMEP: %s; SMAP: %s\n",
            smep_ok ? "enforced (ring 0 cannot run a user page)" :
            cpu_has_smep ? "NOT ENFORCED although the CPU has it" : "not available",
            smap_ok ? "enforced (ring 0 cannot touch a user page without STAC)" :
            cpu_has_smap ? "NOT ENFORCED although the CPU has it" : "not available");
    if ((cpu_has_smep && !smep_ok) || (cpu_has_smap && !smap_ok))
        pr_err("cpu_protect: the CPU does not enforce what it reports\n");
}

void cpu_protect_init(void)
{
    unsigned long cr4 = read_cr4();

    if (cpu_has_smep)
        cr4 |= X86_CR4_SMEP;
    if (cpu_has_smap)
        cr4 |= X86_CR4_SMAP;
    write_cr4(cr4);
    cr4_smep = cr4 & X86_CR4_SMEP;
    pv_guest_ac = cpu_has_smap ? X86_EFLAGS_AC : 0;
    probe();
}

/* ---- running guests ------------------------------------------------------ */

/*
 * Switching to v: SMEP as its domain needs, TSD as the vCPU set it (the
 * guest's own CR4 bit, as on Xen: RDTSC then faults outside ring 0, and
 * the #GP path emulates it for the guest kernel, emulate.c).  A CR4 write
 * only if either differs -- never on a hypercall, trap or event.
 */
void cpu_protect_switch(const struct vcpu *v)
{
    uint64_t smep = (cpu_has_smep && !v->domain->smep_off) ? X86_CR4_SMEP : 0;
    uint64_t tsd = v->cr4_tsd ? X86_CR4_TSD : 0;

    if (smep != cr4_smep || tsd != cr4_tsd) {
        write_cr4((read_cr4() & ~(X86_CR4_SMEP | X86_CR4_TSD)) | smep | tsd);
        cr4_smep = smep;
        cr4_tsd = tsd;
    }
}

/*
 * A #PF from the guest that only SMEP or SMAP caused, and that the guest
 * would not have had on a CPU without them: make the instruction run
 * again.  True if so (the fault is not the guest's).
 */
bool cpu_protect_guest_fault(struct cpu_regs *r, unsigned long cr2)
{
    struct vcpu *v = current;
    uint32_t ec = (uint32_t)r->error_code;
    struct guest_walk w;
    unsigned int ring = regs_ring(r);

    if (ring == 3 || (ec & (PFEC_PRESENT | PFEC_USER | PFEC_RESERVED)) != PFEC_PRESENT ||
        cr2 >= HYPERVISOR_VIRT_START)
        return false;
    if (ec & PFEC_FETCH) {
        /* SMEP: a kernel fetch from a page ring 3 could run. */
        if (!cr4_smep || !guest_walk(v, (uint32_t)cr2, GW_EXEC | GW_USER, &w))
            return false;
        if (!v->domain->smep_off)
            pr_info("d%u: its kernel runs code in user pages: SMEP off while it runs\n",
                    v->domain->domain_id);
        v->domain->smep_off = true;
        cpu_protect_switch(v);
        return true;
    }
    /* SMAP: a kernel access, AC clear, that ring 3 would have been allowed. */
    if (!pv_guest_ac || (r->rflags & X86_EFLAGS_AC) ||
        !guest_walk(v, (uint32_t)cr2, GW_USER | ((ec & PFEC_WRITE) ? GW_WRITE : 0), &w))
        return false;
    /* Reported the first time per domain: a kernel that clears AC on
     * its system-call path (Linux's SYSENTER entry) comes here on every
     * call, and the console would drown. */
    if (v->domain->smap_fixups++ == 0)
        pr_debug("d%u: kernel access to user page %#lx with EFLAGS.AC clear (eip %#lx): "
                 "AC set, access re-run (reported once)\n", v->domain->domain_id, cr2,
                 (unsigned long)r->rip);
    r->rflags |= X86_EFLAGS_AC;
    return true;
}
