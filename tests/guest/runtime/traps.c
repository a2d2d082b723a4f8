/*
 * The test-guest exception runtime (see include/traps.h for the API).
 *
 * One recording handler serves every vector: exc_dispatch() notes what
 * arrived (vector, error code, the bounce frame and where it was written,
 * CR2 for a page fault) in last_exc, then recovers through the exception
 * table, a per-vector hook, or -- for anything the test did not ask for --
 * reports the exception as a failure and ends the test.  The event and
 * failsafe callbacks record their frames the same way.  exec_user() enters
 * ring 3 with the iret hypercall and comes back through the EXC_RET2KERN
 * software interrupt, whose hook longjmps to the caller.
 */
#include <test.h>
#include <traps.h>
#include <smp.h>
#include <events.h>

extern const uint32_t __start_extable[], __stop_extable[];
extern char exc_stubs[], event_entry[], failsafe_entry[];
void enter_user(uint32_t (*fn)(void), uint32_t user_esp) __attribute__((noreturn));
void enter_user_multicall(multicall_entry_t *list, uint32_t user_esp, uint32_t nr)
    __attribute__((noreturn));
uint32_t (*user_mc_fn)(void);
volatile uint32_t user_mc_eax;
void exc_dispatch(struct exc_frame *f);
void event_dispatch(struct exc_frame *f);
void failsafe_dispatch(const uint32_t *frame) __attribute__((noreturn));

volatile struct exc_info last_exc;
volatile uint32_t probe_sp, probe_fault, probe_next;
volatile unsigned int event_count;
volatile struct vcpu_info *event_vcpu_info;
volatile uint8_t event_mask_inside;
volatile struct exc_info last_event;
volatile struct failsafe_info last_failsafe;
volatile uint32_t failsafe_live_ds;
exc_hook_t exc_hook[256];

static uint8_t user_stack[8192] __attribute__((aligned(4096)));
static struct kjmp user_jmp, failsafe_jmp;
static bool failsafe_armed;
static uint32_t user_result;
uint32_t exec_user_ksp;
uint32_t exec_user_eflags = 0x202;
uint32_t exec_user_kernel_sp;

static bool has_error_code(unsigned int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

uint32_t exc_stub(unsigned int vector)
{
    return (uint32_t)exc_stubs + 16 * (vector & 0xff);
}

long trap_set(uint8_t vector, uint8_t flags, uint16_t cs, uint32_t address)
{
    struct trap_info t[2] = {
        { .vector = vector, .flags = flags, .cs = cs, .address = address },
        { 0, 0, 0, 0 },
    };
    return hypercall1(__HYPERVISOR_set_trap_table, (long)t);
}

void exc_clear(void)
{
    memset((void *)&last_exc, 0, sizeof(last_exc));
}

const char *exc_str(void)
{
    static char buf[64];
    snprintf(buf, sizeof(buf), "vector %u error 0x%x at 0x%x", last_exc.vector,
             last_exc.error, last_exc.eip);
    return buf;
}

static void record(volatile struct exc_info *x, const struct exc_frame *f)
{
    x->vector = f->vector;
    x->has_error = has_error_code(f->vector);
    x->error = f->error;
    x->eip = f->eip;
    x->cs = f->cs & 0xffff;
    x->saved_mask = (f->cs >> 16) & 0xff;
    x->eflags = f->eflags;
    x->from_user = (f->cs & 3) != 1;
    x->esp = x->from_user ? f->esp : 0;
    x->ss = x->from_user ? f->ss & 0xffff : 0;
    x->frame = (uint32_t)&f->eip - (x->has_error ? 4 : 0);
    x->count++;
}

static void __attribute__((noreturn)) ret2kern(struct exc_frame *f)
{
    user_result = f->eax;
    klongjmp(&user_jmp, 1);
}

void exc_dispatch(struct exc_frame *f)
{
    const uint32_t *e;

    if (f->vector == EXC_RET2KERN)
        ret2kern(f);                    /* not an exception: not recorded */
    record(&last_exc, f);
    if (f->vector == 1)
        f->eflags &= ~0x100u;           /* single-stepping is one-shot */
    if (f->vector == 14) {
        uint32_t cr2;
        asm volatile ("mov %%cr2, %0" : "=r" (cr2));
        last_exc.cr2 = cr2;
    }
    if (exc_hook[f->vector & 0xff] && exc_hook[f->vector & 0xff](f))
        return;
    for (e = __start_extable; e < __stop_extable; e += 2)
        if (f->eip == e[0] || f->eip == e[1]) {
            f->eip = e[1];
            return;
        }
    test_fail("unexpected exception: vector %u error 0x%x at %04x:%08x "
              "eflags 0x%x%s", f->vector, f->error, f->cs & 0xffff, f->eip,
              f->eflags, (f->cs & 3) != 1 ? " (user)" : "");
    test_exit();
}

void event_dispatch(struct exc_frame *f)
{
    unsigned int cpu = smp_processor_id();

    if (cpu != 0) {                         /* a secondary vCPU (smp.h) */
        volatile struct vcpu_info *vi = smp_vcpu_info[cpu] ? smp_vcpu_info[cpu] :
                                        shared_info ? &shared_info->vcpu_info[cpu] : NULL;
        if (smp_event_hook) {
            smp_event_hook(cpu, f);
        } else if (vi) {                    /* acknowledge, as an upcall handler does */
            vi->evtchn_upcall_pending = 0;
            __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        }
        smp_events[cpu]++;
        return;
    }
    record(&last_event, f);
    event_count++;
    if (event_vcpu_info) {                  /* consume the upcall */
        event_mask_inside = event_vcpu_info->evtchn_upcall_mask;
        event_vcpu_info->evtchn_upcall_pending = 0;
    }
}

void failsafe_dispatch(const uint32_t *w)
{
    bool user = (w[5] & 3) != 1;

    last_failsafe.ds = w[0] & 0xffff;
    last_failsafe.es = w[1] & 0xffff;
    last_failsafe.fs = w[2] & 0xffff;
    last_failsafe.gs = w[3] & 0xffff;
    last_failsafe.eip = w[4];
    last_failsafe.cs = w[5] & 0xffff;
    last_failsafe.eflags = w[6];
    last_failsafe.esp = user ? w[7] : 0;
    last_failsafe.ss = user ? w[8] & 0xffff : 0;
    last_failsafe.count++;
    if (!failsafe_armed) {
        test_fail("unexpected failsafe callback: cs:eip %04x:%08x", w[5] & 0xffff, w[4]);
        test_exit();
    }
    failsafe_armed = false;
    klongjmp(&failsafe_jmp, 1);
}

bool failsafe_try(void (*fn)(void))
{
    if (ksetjmp(&failsafe_jmp)) {
        asm volatile ("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs"
                      :: "r" (FLAT_RING1_DS));
        return true;
    }
    failsafe_armed = true;
    fn();
    failsafe_armed = false;
    return false;
}

void traps_init(void)
{
    static struct trap_info table[34];
    unsigned int n = 0;

    for (unsigned int v = 0; v < 32; v++)
        table[n++] = (struct trap_info){
            .vector = v, .flags = (v == 3 || v == 4) ? 3 : 0,
            .cs = FLAT_RING1_CS, .address = exc_stub(v) };
    table[n++] = (struct trap_info){ .vector = EXC_RET2KERN, .flags = 3,
                                     .cs = FLAT_RING1_CS, .address = exc_stub(EXC_RET2KERN) };
    table[n] = (struct trap_info){ 0, 0, 0, 0 };

    if (hypercall1(__HYPERVISOR_set_trap_table, (long)table) ||
        hypercall4(__HYPERVISOR_set_callbacks, FLAT_RING1_CS, (long)event_entry,
                   FLAT_RING1_CS, (long)failsafe_entry))
        test_error("cannot register the trap table and callbacks");
}

void iret_event_mask(bool masked)
{
    asm volatile ("pushf\n\torl $0x200, (%%esp)\n\tpopl %%eax\n\t"
                  "test %[m], %[m]\n\tjz 1f\n\tand $~0x200, %%eax\n"
                  "1:\tpushl %%eax\n\tpushl %[cs]\n\tpushl $2f\n\t"
                  "jmp hypercall_page + %c[slot]\n2:"
                  :: [m] "r" ((uint32_t)masked), [cs] "i" (FLAT_RING1_CS),
                     [slot] "i" (__HYPERVISOR_iret * 32)
                  : "eax", "cc", "memory");
}

void user_map_image(void)
{
    for (uint32_t va = (uint32_t)_image_start; va < (uint32_t)_image_end; va += PAGE_SIZE) {
        uint64_t e[3];
        if (pt_walk(va, e) != 0) {
            test_error("image page 0x%x is not mapped", va);
            return;
        }
        if (hypercall4(__HYPERVISOR_update_va_mapping, (long)va,
                       (long)(uint32_t)(e[2] | _PAGE_USER), (long)(e[2] >> 32),
                       UVMF_INVLPG)) {
            test_error("update_va_mapping(0x%x, USER) failed", va);
            return;
        }
    }
}

uint32_t exec_user(uint32_t (*fn)(void))
{
    uint32_t sp;

    if (ksetjmp(&user_jmp))
        return user_result;
    asm volatile ("mov %%esp, %0" : "=r" (sp));
    exec_user_ksp = exec_user_kernel_sp ? exec_user_kernel_sp : sp - 256;
    if (hypercall2(__HYPERVISOR_stack_switch, FLAT_RING1_SS, (long)exec_user_ksp))
        test_error("stack_switch failed");
    enter_user(fn, (uint32_t)(user_stack + sizeof(user_stack)));
}

uint32_t exec_user_multicall(uint32_t (*fn)(void), multicall_entry_t *list, uint32_t nr)
{
    uint32_t sp;

    if (ksetjmp(&user_jmp))
        return user_result;
    asm volatile ("mov %%esp, %0" : "=r" (sp));
    exec_user_ksp = exec_user_kernel_sp ? exec_user_kernel_sp : sp - 256;
    if (hypercall2(__HYPERVISOR_stack_switch, FLAT_RING1_SS, (long)exec_user_ksp))
        test_error("stack_switch failed");
    user_mc_fn = fn;
    user_mc_eax = 0xffffffff;
    enter_user_multicall(list, (uint32_t)(user_stack + sizeof(user_stack)), nr);
}
