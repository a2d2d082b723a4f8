/*
 * The machine-to-physical table (arch/x86/m2p.c): one 32-bit PFN per
 * machine frame, written by the hypervisor (and by MMU_MACHPHYS_UPDATE),
 * mapped read-only into every guest through the hypervisor slots of the
 * slot-3 L2 (m2p_fill_guest_l2).  INVALID_M2P_ENTRY marks free frames.
 */
#ifndef ASM_M2P_H
#define ASM_M2P_H
#include <mica/types.h>
#define INVALID_M2P_ENTRY 0xffffffffu
extern uint32_t *m2p;
void m2p_init(void);
void m2p_fill_guest_l2(uint64_t *l2);
void m2p_set(unsigned long mfn, uint32_t pfn);
unsigned long m2p_guest_frames(void);
unsigned long m2p_first_mfn(void);
#endif
