/*
 * The test-guest exception runtime (runtime/traps.c, runtime/trap_entry.S):
 * a virtual IDT with a recording handler for every vector, exception-table
 * recovery, event and failsafe callbacks, and a way into ring 3 and back.
 *
 *   traps_init()      registers handlers for vectors 0-31 (DPL 0, except
 *                     #BP/#OF with DPL 3) and EXC_RET2KERN (DPL 3), a
 *                     kernel stack for ring 3, and the event and failsafe
 *                     callbacks.  Entries use trap-gate semantics (events
 *                     are not masked on entry).
 *   trap_set(v, flags, cs, addr)   one entry of the virtual IDT, raw.
 *   exc_stub(v)       the runtime's entry stub for vector v (any 0-255).
 *
 * Every exception lands in the runtime, which records it in `last_exc`
 * and then
 *   - calls a hook the test set for that vector (exc_hook[]), which may
 *     handle it (return true, after changing the frame as it likes);
 *   - or resumes at the fixup of an exception-table entry (EXTABLE below)
 *     whose fault or fixup address equals the faulting EIP -- so both
 *     faults (EIP at the instruction) and traps (EIP after it) recover;
 *   - or reports FAILURE ("unexpected exception") and ends the test.
 * Handlers return with the iret hypercall, restoring the event mask from
 * the frame's EFLAGS.IF.  A #DB clears EFLAGS.TF in the frame (single
 * steps are one-shot).
 *
 * exec_user(fn) runs fn in ring 3 (FLAT_RING3_CS/DS, a user stack) and
 * returns its result; it comes back with `int $EXC_RET2KERN`.  The pages
 * it touches must be user-accessible: user_map_image() sets the USER bit
 * on every page of the image (needs update_va_mapping).
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>
#include <stdbool.h>
#include <public/xen.h>

#define EXC_RET2KERN  0x21              /* user -> kernel return vector */

/* What the entry stubs leave on the kernel stack (lowest address first). */
struct exc_frame {
    uint32_t es, ds;
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    uint32_t vector, error;             /* error: 0 if the CPU gave none */
    uint32_t eip, cs, eflags;           /* cs: bits 23:16 = saved event mask */
    uint32_t esp, ss;                   /* only from ring 2/3 */
};

struct exc_info {
    unsigned int count;                 /* exceptions taken so far */
    uint32_t vector, error, eip, cs, eflags, esp, ss;
    uint8_t saved_mask;                 /* CS word bits 23:16 */
    bool has_error, from_user;
    uint32_t frame;                     /* address of the frame's lowest word */
    uint32_t cr2;                       /* for #PF: MOV from %cr2 (emulated) */
};
extern volatile struct exc_info last_exc;

typedef bool (*exc_hook_t)(struct exc_frame *f);
extern exc_hook_t exc_hook[256];

void traps_init(void);
long trap_set(uint8_t vector, uint8_t flags, uint16_t cs, uint32_t address);
uint32_t exc_stub(unsigned int vector);
void exc_clear(void);
/* "#GP(0x1234) at 0x..." for messages */
const char *exc_str(void);

/* Exception table: an entry makes a fault at `fault` resume at `fixup`. */
#define EXTABLE(fault, fixup) \
    ".pushsection .extable, \"a\"\n.long " #fault ", " #fixup "\n.popsection\n"

/*
 * Probing one instruction: asm(PROBE_PRE "insn" PROBE_POST : ...) records
 * ESP just before it and the addresses of the instruction and of the next
 * one (probe_sp, probe_fault, probe_next); an exception it raises resumes
 * after it.
 */
extern volatile uint32_t probe_sp, probe_fault, probe_next;
#define PROBE_PRE  "mov %%esp, probe_sp\n\tmovl $1f, probe_fault\n\tmovl $2f, probe_next\n1: "
#define PROBE_POST "\n2:\n" EXTABLE(1b, 2b)

/*
 * Execute one instruction (asm text, may use operands %0.. of the caller's
 * asm) and evaluate to the vector it raised, or -1 if none.  Example:
 *   int v = EXC_TRY("int3");
 */
#define EXC_TRY(insn, ...) ({                                           \
        unsigned int before_ = last_exc.count;                          \
        asm volatile ("1: " insn "\n2:\n" EXTABLE(1b, 2b) : __VA_ARGS__); \
        last_exc.count != before_ ? (int)last_exc.vector : -1; })

/*
 * Events: the callback counts upcalls, records the frame and, if the test
 * set event_vcpu_info (its mapping of shared_info's vcpu_info[0]; see
 * map_shared_info() in events.h), clears evtchn_upcall_pending; it returns
 * with the events re-enabled.
 */
extern volatile struct vcpu_info *event_vcpu_info;
extern volatile uint8_t event_mask_inside;      /* the mask the callback saw */
extern volatile unsigned int event_count;
extern volatile struct exc_info last_event;     /* frame of the last upcall */

/* Failsafe callback: the last frame and the segment words it carried. */
struct failsafe_info {
    unsigned int count;
    uint32_t ds, es, fs, gs, eip, cs, eflags, esp, ss;
};
extern volatile struct failsafe_info last_failsafe;
extern volatile uint32_t failsafe_live_ds;      /* DS on entry to the callback */
/*
 * Run fn; if the failsafe callback is entered meanwhile, stop fn there and
 * return true (segment registers reloaded with the flat ring-1 ones).
 */
bool failsafe_try(void (*fn)(void));

/* Set the event mask the ABI way: an iret hypercall with EFLAGS.IF = !masked. */
void iret_event_mask(bool masked);

/* Ring 3. */
void user_map_image(void);
uint32_t exec_user(uint32_t (*fn)(void));
extern uint32_t exec_user_ksp;          /* kernel ESP registered for it */
/*
 * exec_user through a multicall: list[0] must be an __HYPERVISOR_iret entry
 * (the frame is pushed for it; its EAX slot is 0x5a5a5a5a) followed by
 * nr - 1 others.  user_mc_eax is the EAX user space started with.
 */
uint32_t exec_user_multicall(uint32_t (*fn)(void), multicall_entry_t *list, uint32_t nr);
extern volatile uint32_t user_mc_eax;
extern uint32_t exec_user_eflags;       /* EFLAGS it enters ring 3 with (0x202) */
extern uint32_t exec_user_kernel_sp;    /* if set: the kernel ESP to register */

/* Call-gate targets (runtime/trap_entry.S): EAX = their CS; ECX = the
 * gate's first parameter (gate_target_1, which also pops it); the jmp
 * target continues at the address in ECX. */
extern char gate_target[], gate_target_1[], gate_target_jmp[];

/* Non-local jumps inside the kernel (runtime/trap_entry.S). */
struct kjmp { uint32_t ebx, esi, edi, ebp, esp, eip; };
int ksetjmp(struct kjmp *j) __attribute__((returns_twice));
void klongjmp(struct kjmp *j, int val) __attribute__((noreturn));

#endif /* GUEST_TRAPS_H */
