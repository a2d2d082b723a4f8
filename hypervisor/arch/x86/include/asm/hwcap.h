/*
 * The host's CPU feature words for the toolstack (sysctl physinfo's
 * hw_cap), in Xen's x86_capability order (arch/x86/cpuid.c).
 */
#ifndef ASM_HWCAP_H
#define ASM_HWCAP_H

#include <mica/types.h>

void arch_hw_cap(uint32_t cap[8]);

#endif
