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
