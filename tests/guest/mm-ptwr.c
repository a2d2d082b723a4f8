/*
 * mm-ptwr: writable page tables (VMASST_TYPE_writable_pagetables).
 *
 * With the assist on, the guest writes the L1 entry of one of its pages
 * directly, through the read-only mapping of its own L1 table, with each
 * instruction form a PV kernel uses for PTEs: two 32-bit movs (high half
 * first, as Linux's PAE set_pte does), mov of an immediate, xchg, lock
 * cmpxchg (matching and not), lock cmpxchg8b (matching and not), lock btr
 * and or, and the byte forms andb/orb/movb (Linux clears RW with an andb
 * at fork).  Each write faults, is checked and emulated; after an invlpg the
 * page must show the frame just written, the registers and flags must be
 * what the instruction defines, and the emulated instruction must be
 * stepped over exactly.  A 4-byte store to the upper half that makes an
 * invalid entry is accepted with PRESENT cleared (the lower half follows).
 *
 * vm_assist itself: unknown commands -ENOSYS, unknown types -EINVAL, the
 * six types of 32-bit guests accepted.  (Writes that must NOT be
 * emulated -- an invalid entry, a write to an L2 -- crash the domain:
 * mm-ptwr-bad, mm-ptwr-l2; without the assist: crash-ptwrite.)
 */
#include <pt.h>

static uint32_t va, fa, fb;
static volatile uint32_t *lo, *hi;      /* the two halves of va's L1 entry */

static uint32_t seen(void)
{
    invlpg(va);
    return va_mapped(va) ? *(volatile uint32_t *)va : 0;
}

static uint32_t low(uint32_t mfn, uint32_t flags)
{
    return (mfn << 12) | flags;
}

void test_main(void)
{
    uint32_t *p, eax, edx, zf, cf;
    uint64_t *e64;

    CHECK_RC(HYPERVISOR_vm_assist(2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS, "cmd 2");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL, "type 6");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 32), -XEN_EINVAL, "type 32");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 0xffffffffu), -XEN_EINVAL, "type ~0");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), 0, "4gb");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments_notify), 0,
             "4gb notify");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_4gb_segments_notify), 0,
             "disable notify");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3), 0,
             "pae_extended_cr3");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "writable_pagetables");

    fa = spare_frame();
    fb = spare_frame();
    p = scratch_map(0, fa, _PAGE_PRESENT | _PAGE_RW);
    *p = 0xaaaa;
    p = scratch_map(0, fb, _PAGE_PRESENT | _PAGE_RW);
    *p = 0xbbbb;
    va = (uint32_t)p;
    e64 = (uint64_t *)mfn_to_virt(l1_mfn_of(va)) + L1_INDEX(va);
    lo = (volatile uint32_t *)e64;
    hi = lo + 1;
    CHECK(seen() == 0xbbbb, "setup");

    /* mov r32: high half, then low half */
    asm volatile("movl %1, (%0)" :: "r"(hi), "r"(0u) : "memory");
    asm volatile("movl %1, (%0)" :: "r"(lo), "r"(low(fa, 0x23)) : "memory");
    CHECK(seen() == 0xaaaa, "two movs");
    /* mov imm32 */
    asm volatile("movl %1, (%0)" :: "r"(lo), "i"(0) : "memory");
    CHECK(seen() == 0, "movl $0 unmaps");
    /* xchg */
    eax = low(fb, 0x23);
    asm volatile("xchgl %0, (%1)" : "+r"(eax) : "r"(lo) : "memory");
    CHECK(eax == 0 && seen() == 0xbbbb, "xchg: old %#x", eax);
    /* lock cmpxchg: a mismatch writes nothing and loads EAX */
    eax = 0x1234;
    edx = low(fa, 0x23);
    asm volatile("lock cmpxchgl %[n], (%[p]); setz %b[z]"
                 : [z] "=q"(zf), "+a"(eax) : [p] "r"(lo), [n] "r"(edx) : "memory", "cc");
    CHECK(!(zf & 1) && eax == low(fb, 0x23) && seen() == 0xbbbb, "cmpxchg miss: zf %u eax %#x",
          zf & 1, eax);
    asm volatile("lock cmpxchgl %[n], (%[p]); setz %b[z]"
                 : [z] "=q"(zf), "+a"(eax) : [p] "r"(lo), [n] "r"(edx) : "memory", "cc");
    CHECK((zf & 1) && seen() == 0xaaaa, "cmpxchg hit: zf %u", zf & 1);
    /* lock cmpxchg8b: miss, then hit */
    {
        uint32_t a = 0, d = 0, b = low(fb, 0x63), c = 0;
        asm volatile("lock cmpxchg8b (%[p]); setz %b[z]"
                     : [z] "=q"(zf), "+a"(a), "+d"(d) : [p] "S"(e64), "b"(b), "c"(c)
                     : "memory", "cc");
        CHECK(!(zf & 1) && a == low(fa, 0x23) && d == 0 && seen() == 0xaaaa,
              "cmpxchg8b miss: zf %u edx:eax %#x:%#x", zf & 1, d, a);
        asm volatile("lock cmpxchg8b (%[p]); setz %b[z]"
                     : [z] "=q"(zf), "+a"(a), "+d"(d) : [p] "S"(e64), "b"(b), "c"(c)
                     : "memory", "cc");
        CHECK((zf & 1) && seen() == 0xbbbb, "cmpxchg8b hit");
    }
    /* lock btr $1: write-protect; or $2: writable again */
    asm volatile("lock btrl $1, (%1); setc %b0" : "=q"(cf) : "r"(lo) : "memory", "cc");
    CHECK((cf & 1) && !(*lo & _PAGE_RW) && seen() == 0xbbbb, "btr: cf %u entry %#x", cf & 1, *lo);
    asm volatile("orl $2, (%0)" :: "r"(lo) : "memory", "cc");
    CHECK((*lo & _PAGE_RW) && seen() == 0xbbbb, "or $2: entry %#x", *lo);
    *(volatile uint32_t *)va = 0xbbbc;
    CHECK(seen() == 0xbbbc, "writable again");

    /* Byte forms (Linux's clear_bit/set_bit of a constant bit: andb/orb
     * imm8, as ptep_set_wrprotect() at fork); the rest of the entry stays. */
    asm volatile("andb $0xfd, (%1); setz %b0" : "=q"(zf) : "r"(lo) : "memory", "cc");
    CHECK(!(zf & 1) && !(*lo & _PAGE_RW) && (*lo >> 12) == fb && seen() == 0xbbbc,
          "andb $0xfd: zf %u entry %#x", zf & 1, *lo);
    asm volatile("orb $2, (%0)" :: "r"(lo) : "memory", "cc");
    CHECK((*lo & _PAGE_RW) && (*lo >> 12) == fb, "orb $2: entry %#x", *lo);
    asm volatile("movb %b1, (%0)" :: "r"(lo), "q"(0x21u) : "memory");
    CHECK((*lo & 0xfff) == 0x21 && (*lo >> 12) == fb && seen() == 0xbbbc, "movb: entry %#x",
          *lo);
    asm volatile("movb $0x63, (%0)" :: "r"(lo) : "memory");
    *(volatile uint32_t *)va = 0xbbbc;
    CHECK((*lo & 0xfff) == 0x63 && seen() == 0xbbbc, "movb $imm: entry %#x", *lo);

    /* An invalid upper half alone (address bit 51: past any machine's
     * physical width; a frame above RAM but within it would be device
     * memory this initial domain may map): kept, with PRESENT cleared. */
    asm volatile("movl %1, (%0)" :: "r"(hi), "r"(0x80000u) : "memory");
    CHECK(*hi == 0x80000 && !(*lo & _PAGE_PRESENT) && seen() == 0, "upper-half fixup: %#x:%#x",
          *hi, *lo);
    asm volatile("movl %1, (%0)" :: "r"(hi), "r"(0u) : "memory");
    asm volatile("movl %1, (%0)" :: "r"(lo), "r"(low(fa, 0x23)) : "memory");
    CHECK(seen() == 0xaaaa, "entry rebuilt after the fixup");

    /* And a plain C 64-bit store (two movs the compiler chose). */
    *(volatile uint64_t *)e64 = ((uint64_t)fb << 12) | 0x63;
    CHECK(seen() == 0xbbbc, "64-bit C store");

    scratch_restore(0);
    test_success();
}
