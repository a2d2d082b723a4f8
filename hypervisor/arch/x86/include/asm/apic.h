/*
 * The local APIC: the hypervisor's own interrupt (its timer), and the EOI
 * of every interrupt.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <mica/types.h>

#define FIRST_IRQ_VECTOR     0x20   /* below: exceptions */
#define TIMER_VECTOR         0xf0   /* local APIC timer */
#define SPURIOUS_VECTOR      0xff   /* APIC spurious interrupts (no EOI) */

/* Find, map and software-enable the local APIC; the timer stays quiet. */
void apic_init(void);
/* Choose the timer mode and arm nothing; after time_init(). */
void apic_timer_init(void);
/* Called by the TSC calibration around its PIT window. */
void apic_calibrate_start(void);
void apic_calibrate_end(uint64_t pit_ticks, uint64_t pit_hz);
/* End of interrupt (not for the spurious vector). */
void apic_eoi(void);
/* This CPU's local APIC id, and the APIC's physical address. */
uint32_t apic_id(void);
paddr_t apic_base_paddr(void);
/* An interrupt with vector >= FIRST_IRQ_VECTOR: true if it was ours. */
bool apic_handle_irq(unsigned int vector);

struct time_scale;
uint64_t stime_to_tsc(int64_t t, const struct time_scale *ns_to_tsc);

#endif
