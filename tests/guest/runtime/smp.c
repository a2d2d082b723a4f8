/*
 * Secondary vCPUs for test guests (see include/smp.h).
 *
 * A PV kernel starts a secondary CPU by handing the hypervisor a whole
 * register context.  Ours is the smallest one that works: ring-1 flat
 * selectors, EIP at smp_trampoline with EAX = the function and EBX = the
 * vCPU id, ESP at the top of the vCPU's own stack, the runtime's trap
 * table copied into trap_ctxt (indexed by vector, as Xen stores it), the
 * runtime's event and failsafe callbacks, and CR3 = the L3 vCPU 0 runs on
 * (already validated: it is in use).  The trampoline calls fn(id) and
 * takes the vCPU down when it returns.
 */
#include <test.h>
#include <events.h>
#include <traps.h>
#include <smp.h>

uint8_t smp_stacks[SMP_MAX_VCPUS][SMP_STACK_SIZE] __attribute__((aligned(SMP_STACK_SIZE)));
volatile unsigned int smp_events[SMP_MAX_VCPUS];
void (*volatile smp_event_hook)(unsigned int cpu, struct exc_frame *f);
volatile struct vcpu_info *volatile smp_vcpu_info[SMP_MAX_VCPUS];

extern char event_entry[], failsafe_entry[];
void smp_trampoline(void);
void smp_main(void (*fn)(unsigned int), unsigned int id);

asm (".text\n"
     ".globl smp_trampoline\n"
     "smp_trampoline:\n\t"
     "pushl %ebx\n\t"
     "pushl %eax\n\t"
     "call smp_main\n"
     "1:\tud2\n\t"
     "jmp 1b\n");

static void (*volatile smp_next[SMP_MAX_VCPUS])(unsigned int);

void smp_main(void (*fn)(unsigned int), unsigned int id)
{
    for (;;) {
        fn(id);
        smp_next[id] = NULL;
        HYPERVISOR_vcpu_op(VCPUOP_down, id, NULL);
        /* Up again: smp_rerun() left the next function (or a bare
         * VCPUOP_up from a test: nothing to do but go down again). */
        fn = smp_next[id];
        if (!fn)
            fn = smp_idle;
    }
}

void smp_idle(unsigned int id)
{
}

long smp_rerun(unsigned int id, void (*fn)(unsigned int))
{
    if (id == 0 || id >= SMP_MAX_VCPUS)
        return -XEN_EINVAL;
    smp_next[id] = fn;
    return HYPERVISOR_vcpu_op(VCPUOP_up, id, NULL);
}

uint32_t smp_l3_mfn(void)
{
    return p2m()[(start_info->pt_base - VIRT_BASE) >> 12];
}

void smp_build_context(vcpu_guest_context_t *c, unsigned int id, void (*fn)(unsigned int))
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.cs = FLAT_RING1_CS;
    c->user_regs.ds = c->user_regs.es = c->user_regs.ss = FLAT_RING1_DS;
    c->user_regs.fs = c->user_regs.gs = FLAT_RING1_DS;
    c->user_regs.eip = (uint32_t)smp_trampoline;
    c->user_regs.esp = id < SMP_MAX_VCPUS ? (uint32_t)smp_stacks[id] + SMP_STACK_SIZE : 0;
    c->user_regs.eflags = 0x202;
    c->user_regs.eax = (uint32_t)fn;
    c->user_regs.ebx = id;
    for (unsigned int v = 0; v < 32; v++)
        c->trap_ctxt[v] = (struct trap_info){
            .vector = v, .flags = (v == 3 || v == 4) ? 3 : 0,
            .cs = FLAT_RING1_CS, .address = exc_stub(v) };
    c->trap_ctxt[EXC_RET2KERN] = (struct trap_info){
        .vector = EXC_RET2KERN, .flags = 3, .cs = FLAT_RING1_CS,
        .address = exc_stub(EXC_RET2KERN) };
    c->kernel_ss = FLAT_RING1_SS;
    c->kernel_sp = c->user_regs.esp;
    c->ctrlreg[0] = 0x8;            /* CR0.TS: the FPU is loaded lazily */
    c->ctrlreg[3] = xen_pfn_to_cr3(smp_l3_mfn());
    c->event_callback_cs = FLAT_RING1_CS;
    c->event_callback_eip = (uint32_t)event_entry;
    c->failsafe_callback_cs = FLAT_RING1_CS;
    c->failsafe_callback_eip = (uint32_t)failsafe_entry;
}

long smp_start(unsigned int id, void (*fn)(unsigned int))
{
    static vcpu_guest_context_t ctxt;
    long rc;

    if (id == 0 || id >= SMP_MAX_VCPUS)
        return -XEN_EINVAL;
    smp_build_context(&ctxt, id, fn);
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, id, &ctxt);
    if (rc)
        return rc;
    return HYPERVISOR_vcpu_op(VCPUOP_up, id, NULL);
}
