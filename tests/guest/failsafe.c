/*
 * failsafe: when the hypervisor cannot enter the guest context it was asked
 * to, the guest kernel's failsafe callback gets the context instead.
 *
 * Each case makes the hypervisor's final IRETQ fault -- a guest can hand it
 * selectors the CPU refuses -- and checks the failsafe frame (fact sheet
 * §7.4): DS, ES, FS, GS, then EIP, CS, EFLAGS of the context that could
 * not be entered, plus ESP and SS when it was a ring-3 one, written on the
 * guest kernel stack; and the live data segments are null on entry.
 *
 *  1. iret hypercall to ring 1 with CS 0xe011 (a data selector);
 *  2. iret hypercall to ring 3 with SS = FLAT_RING1_SS (RPL mismatch);
 *  3. an exception bounced to a handler whose CS, 0x0809, names a GDT
 *     entry the guest never filled: the bounce itself cannot be entered;
 *  4. set_callbacks registered it without event masking; callback_op can
 *     register it with CALLBACKF_mask_events, and then the failsafe
 *     handler runs with events masked (a nested int3 shows saved mask 1).
 */
#include <test.h>
#include <traps.h>
#include <public/callback.h>

#define IRET_SLOT ((uint32_t)hypercall_page + __HYPERVISOR_iret * 32)

static void iret_bad_cs(void)
{
    asm volatile ("pushl $0x202\n\tpushl $0xe011\n\tpushl $0x12345678\n\t"
                  "jmp *%0" :: "r" (IRET_SLOT) : "eax", "memory");
}

static void iret_bad_ss(void)
{
    asm volatile ("pushl %[ss]\n\tpushl $0x87654320\n\tpushl $0x202\n\t"
                  "pushl %[cs]\n\tpushl $0x11223344\n\tjmp *%[slot]"
                  :: [ss] "i" (FLAT_RING1_SS), [cs] "i" (FLAT_RING3_CS),
                     [slot] "r" (IRET_SLOT) : "eax", "memory");
}

static void bounce_bad_cs(void)
{
    asm volatile ("int $0x50" ::: "memory");
}

static uint8_t nested_mask;
static void masked_check(void)
{
    iret_bad_cs();
}

static void check_common(const char *what, uint32_t cs, uint32_t eip, bool user)
{
    CHECK(last_failsafe.cs == cs && last_failsafe.eip == eip,
          "%s: frame cs:eip %04x:%08x, expected %04x:%08x", what, last_failsafe.cs,
          last_failsafe.eip, cs, eip);
    CHECK(last_failsafe.ds == FLAT_RING1_DS && last_failsafe.es == FLAT_RING1_DS,
          "%s: ds/es in the frame %x/%x", what, last_failsafe.ds, last_failsafe.es);
    CHECK(failsafe_live_ds == 0, "%s: DS on entry 0x%x, not null", what, failsafe_live_ds);
    if (user)
        CHECK(last_failsafe.esp == 0x87654320 && last_failsafe.ss == FLAT_RING1_SS,
              "%s: esp/ss in the frame %x/%x", what, last_failsafe.esp, last_failsafe.ss);
}

void test_main(void)
{
    unsigned int before;

    static uint8_t kstack[4096] __attribute__((aligned(16)));

    traps_init();
    CHECK_RC(HYPERVISOR_stack_switch(FLAT_RING1_SS, (uint32_t)kstack + sizeof(kstack)),
             0, "stack_switch");
    iret_event_mask(false);

    before = last_failsafe.count;
    CHECK(failsafe_try(iret_bad_cs), "iret to CS 0xe011: no failsafe callback");
    CHECK(last_failsafe.count == before + 1, "failsafe count");
    check_common("bad CS", 0xe011, 0x12345678, false);
    exc_clear();
    asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
    CHECK(last_exc.saved_mask == 0, "failsafe from set_callbacks masked events");

    CHECK(failsafe_try(iret_bad_ss), "iret to ring 3 with a ring-1 SS: no failsafe");
    check_common("bad SS", FLAT_RING3_CS, 0x11223344, true);

    CHECK_RC(trap_set(0x50, 1, 0x0809, exc_stub(0x50)), 0, "trap_set(0x50, cs 0x0809)");
    CHECK(failsafe_try(bounce_bad_cs), "handler with an empty GDT entry: no failsafe");
    check_common("bad handler CS", 0x0809, exc_stub(0x50), false);

    /* Failsafe with CALLBACKF_mask_events, events enabled before. */
    extern char failsafe_entry[];
    struct callback_register cb = {
        .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events,
        .address = { FLAT_RING1_CS, (uint32_t)failsafe_entry },
    };
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0, "register failsafe");
    iret_event_mask(false);
    CHECK(failsafe_try(masked_check), "masking failsafe not entered");
    exc_clear();
    asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
    nested_mask = last_exc.saved_mask;
    CHECK(nested_mask == 1, "failsafe registered with mask_events left events on");
    test_success();
}
