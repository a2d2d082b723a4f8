/*
 * Exceptions in Dom0: report and stop.
 *
 * Dom0 has no user space and handles no faults on purpose: any exception
 * is a kernel bug.  Without a handler the hypervisor would crash Dom0
 * with its own register dump; with this one Dom0 first says what it was
 * doing, with a backtrace through the frame pointers (the kernel is built
 * with -fno-omit-frame-pointer), so the report names kernel functions by
 * address for `addr2line -e build/dom0/dom0.elf`.  Then it crashes itself,
 * which ends the machine.
 */
#include "kernel.h"
#include "hypercall.h"
#include <public/callback.h>

struct trap_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;   /* pushal */
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

void trap_fatal(struct trap_frame *f) __noreturn;
extern char trap_stub_0[], trap_stub_1[], trap_stub_3[], trap_stub_4[], trap_stub_5[],
    trap_stub_6[], trap_stub_7[], trap_stub_8[], trap_stub_10[], trap_stub_11[],
    trap_stub_12[], trap_stub_13[], trap_stub_14[], trap_stub_16[], trap_stub_17[],
    trap_stub_18[], trap_stub_19[], event_callback[], failsafe_callback[];

static const char *const names[20] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound", "#UD invalid opcode", "#NM no FPU", "#DF double fault", "coprocessor",
    "#TS invalid TSS", "#NP not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment", "#MC machine check",
    "#XM SIMD",
};

void trap_fatal(struct trap_frame *f)
{
    uint32_t *fp = (uint32_t *)f->ebp;

    if (f->vector < 20)
        kprintf("fatal exception %s (error code %#x) at eip %#x\n", names[f->vector],
                f->error, f->eip);
    else
        kprintf("failsafe callback: the hypervisor could not return to eip %#x\n", f->eip);
    if (f->vector == 14)
        kprintf("  cr2 %#x\n", shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0);
    kprintf("  eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x ebp %08x\n",
            f->eax, f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp);
    kprintf("  call trace:");
    for (int i = 0; i < 16 && (uint32_t)fp >= VIRT_BASE &&
                    (uint32_t)fp < (uint32_t)_image_end && !((uint32_t)fp & 3); i++) {
        printf(" %#x", fp[1]);
        fp = (uint32_t *)fp[0];
    }
    printf("\n");
    kernel_shutdown(SHUTDOWN_crash);
}

void traps_init(void)
{
    static const struct { uint8_t v; char *fn; } stubs[] = {
        { 0, trap_stub_0 }, { 1, trap_stub_1 }, { 3, trap_stub_3 }, { 4, trap_stub_4 },
        { 5, trap_stub_5 }, { 6, trap_stub_6 }, { 7, trap_stub_7 }, { 8, trap_stub_8 },
        { 10, trap_stub_10 }, { 11, trap_stub_11 }, { 12, trap_stub_12 },
        { 13, trap_stub_13 }, { 14, trap_stub_14 }, { 16, trap_stub_16 },
        { 17, trap_stub_17 }, { 18, trap_stub_18 }, { 19, trap_stub_19 },
    };
    struct trap_info table[ARRAY_SIZE(stubs) + 1];
    struct callback_register ev = {
        .type = CALLBACKTYPE_event,
        .address = XEN_CALLBACK(FLAT_RING1_CS, event_callback),
    };
    struct callback_register fs = {
        .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events,
        .address = XEN_CALLBACK(FLAT_RING1_CS, failsafe_callback),
    };

    memset(table, 0, sizeof(table));
    for (unsigned int i = 0; i < ARRAY_SIZE(stubs); i++) {
        table[i].vector = stubs[i].v;
        table[i].flags = TI_IF_FLAG | (stubs[i].v == 3 ? 3 : 0);
        table[i].cs = FLAT_RING1_CS;
        table[i].address = (uint32_t)(uintptr_t)stubs[i].fn;
    }
    if (HYPERVISOR_set_trap_table(table) ||
        HYPERVISOR_callback_op(CALLBACKOP_register, &ev) ||
        HYPERVISOR_callback_op(CALLBACKOP_register, &fs))
        kprintf("could not install the trap table and callbacks\n");
}
