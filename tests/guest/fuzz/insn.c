/*
 * Privileged instructions and segment loads for the fuzzer: one random
 * instruction with random operands per step, executed in ring 1 under an
 * exception-table entry, so whatever the hypervisor does (emulate it, or
 * reflect #GP/#UD/#NP/#SS/#TS/#PF/#BP/#OF to our handlers) the step
 * resumes after it.  The hypervisor must never crash us for these: every
 * one is something a hostile kernel may do.  Port I/O is tried only when
 * we are unprivileged (a privileged domain may really own the ports);
 * `int $0x82` (a hypercall with random registers) and our ring-3 return
 * vector are left out, HLT comes with a timer 1 ms ahead (it blocks until
 * an event), and DS/ES/SS loads are followed by restoring the
 * flat selectors inside the same asm statement.
 */
#include "fuzz.h"
#include <events.h>

static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) dtr = { 7, 0x1000 };

unsigned int fuzz_insn(void)
{
    unsigned int before = last_exc.count;
    uint32_t v = rnd(2) ? rnd32() : r_interesting(), w = rnd32();
    uint16_t sel = rnd(2) ? rnd32() : (rnd(64) << 3) | rnd(8);

    uint32_t which = rnd(30);

    if (F.trace)
        printf("fuzz: instruction %u (%x %x %x)\n", which, v, w, sel);
    switch (which) {
    case 0: asm volatile (PROBE_PRE "mov %0, %%fs" PROBE_POST :: "r" ((uint32_t)sel) : "memory"); break;
    case 1: asm volatile (PROBE_PRE "mov %0, %%gs" PROBE_POST :: "r" ((uint32_t)sel) : "memory"); break;
    case 2: asm volatile (PROBE_PRE "mov %0, %%ds" PROBE_POST
                          "mov %1, %%ds" :: "r" ((uint32_t)sel), "r" ((uint32_t)FLAT_RING1_DS) : "memory"); break;
    case 3: asm volatile (PROBE_PRE "mov %0, %%es" PROBE_POST
                          "mov %1, %%es" :: "r" ((uint32_t)sel), "r" ((uint32_t)FLAT_RING1_DS) : "memory"); break;
    case 4: asm volatile (PROBE_PRE "mov %0, %%ss; mov %1, %%ss" PROBE_POST "mov %1, %%ss"
                          :: "r" ((uint32_t)sel), "r" ((uint32_t)FLAT_RING1_DS) : "memory"); break;
    case 5: asm volatile (PROBE_PRE "lgdt %0" PROBE_POST :: "m" (dtr) : "memory"); break;
    case 6: asm volatile (PROBE_PRE "lidt %0" PROBE_POST :: "m" (dtr) : "memory"); break;
    case 7: asm volatile (PROBE_PRE "lldt %w0" PROBE_POST :: "r" (sel) : "memory"); break;
    case 8: asm volatile (PROBE_PRE "ltr %w0" PROBE_POST :: "r" (sel) : "memory"); break;
    case 9: { uint32_t x; asm volatile (PROBE_PRE "mov %%cr0, %0" PROBE_POST : "=r" (x) :: "memory"); break; }
    case 10: asm volatile (PROBE_PRE "mov %0, %%cr3" PROBE_POST :: "r" (v) : "memory"); break;
    case 11: asm volatile (PROBE_PRE "mov %0, %%cr4" PROBE_POST :: "r" (v) : "memory"); break;
    case 12: asm volatile (PROBE_PRE "mov %0, %%cr2" PROBE_POST :: "r" (v) : "memory"); break;
    case 13: { uint32_t lo = 0, hi = 0;
        uint32_t msr = rnd(2) ? rnd(0x1000) : rnd(2) ? 0xc0000000 + rnd(0x200) : rnd32();
        asm volatile (PROBE_PRE "rdmsr" PROBE_POST : "+a" (lo), "+d" (hi) : "c" (msr) : "memory");
        break; }
    case 14: { uint32_t msr = rnd(2) ? rnd(0x1000) : 0xc0000000 + rnd(0x200);
        asm volatile (PROBE_PRE "wrmsr" PROBE_POST :: "c" (msr), "a" (v), "d" (w) : "memory");
        break; }
    case 15: asm volatile (PROBE_PRE "invlpg (%0)" PROBE_POST :: "r" (v) : "memory"); break;
    case 16: asm volatile (PROBE_PRE "wbinvd" PROBE_POST ::: "memory"); break;
    case 17: asm volatile (PROBE_PRE "invd" PROBE_POST ::: "memory"); break;
    case 18:
        /* HLT blocks until an event: our timer's, 1 ms from now.  Events
         * are masked meanwhile so the timer cannot be consumed by an upcall
         * before the HLT (a lost wakeup); the mask does not stop it from
         * marking the upcall pending, which is what ends the block.
         * The upcall is acknowledged first, then the port cleared (Linux's
         * order): the other way round, a VIRQ_TIMER between the two (the
         * periodic tick, an earlier fuzzed one-shot) left the port pending
         * with the upcall and selector cleared, so our timer found its port
         * already pending, raised no upcall, and the HLT waited for good.
         * Found by `make fuzz` (runs blocked, QEMU idle: unprivileged seeds
         * 31, 41, privileged 41, 42, 61): the debug keys showed d1 blocked
         * at the HLT, and VIRQ_DEBUG (key 'd') woke it.  Now either order
         * of events leaves the upcall pending or the port clear. */
        vcpu0_info()->evtchn_upcall_mask = 1;
        evtchn_ack_upcall();
        evtchn_clear_pending(F.timer_port);
        HYPERVISOR_set_timer_op(now_ns() + 1000000);
        asm volatile (PROBE_PRE "hlt" PROBE_POST ::: "memory");
        vcpu0_info()->evtchn_upcall_mask = 0;
        break;
    case 19: asm volatile (PROBE_PRE "cli" PROBE_POST ::: "memory"); break;
    case 20: asm volatile (PROBE_PRE "clts" PROBE_POST ::: "memory"); break;
    case 21: { uint32_t lo, hi; asm volatile (PROBE_PRE "rdpmc" PROBE_POST : "=a" (lo), "=d" (hi) : "c" (v) : "memory"); break; }
    case 22: asm volatile (PROBE_PRE "mov %0, %%dr7" PROBE_POST :: "r" (v & ~0xffu) : "memory"); break;
    case 23: { uint32_t x = v; asm volatile (PROBE_PRE "mov %0, %%dr0" PROBE_POST :: "r" (x) : "memory"); break; }
    case 24: { uint32_t r[4];
        asm volatile (PROBE_PRE "ud2; .ascii \"xen\"; cpuid" PROBE_POST
                      : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3]) : "0" (v), "2" (w) : "memory");
        break; }
    case 25: asm volatile (PROBE_PRE "ud2" PROBE_POST ::: "memory"); break;
    case 26: asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory"); break;
    case 27: {
        /* int $n through a small table of stubs: n from a fixed set */
        switch (rnd(6)) {
        case 0: asm volatile (PROBE_PRE "int $0x80" PROBE_POST ::: "memory"); break;
        case 1: asm volatile (PROBE_PRE "int $0x0d" PROBE_POST ::: "memory"); break;
        case 2: asm volatile (PROBE_PRE "int $0x02" PROBE_POST ::: "memory"); break;
        case 3: asm volatile (PROBE_PRE "int $0xff" PROBE_POST ::: "memory"); break;
        case 4: asm volatile (PROBE_PRE "int $0x0e" PROBE_POST ::: "memory"); break;
        default: asm volatile (PROBE_PRE "into" PROBE_POST ::: "memory"); break;
        }
        break;
    }
    case 28:
        if (!F.priv) {
            uint16_t port = rnd(2) ? rnd(0x400) : rnd32();
            if (rnd(2))
                asm volatile (PROBE_PRE "outb %%al, %%dx" PROBE_POST :: "a" (v), "d" (port) : "memory");
            else
                asm volatile (PROBE_PRE "inb %%dx, %%al" PROBE_POST : "+a" (v) : "d" (port) : "memory");
        }
        break;
    default: {
        /* IOPL bits through popf: must be ignored for a ring-1 kernel */
        uint32_t fl = (v & 0x3000) | 0x202;
        asm volatile (PROBE_PRE "pushl %0; popfl" PROBE_POST :: "r" (fl) : "memory", "cc");
        break;
    }
    }
    asm volatile ("mov %0, %%fs; mov %0, %%gs" :: "r" (0) : "memory");
    return last_exc.count - before;
}
