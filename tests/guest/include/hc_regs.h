/*
 * Register image for raw_hypercall_regs() (runtime/hypercall.S).
 *
 * In:  eax (hypercall number), ebx, ecx, edx, esi, edi (arguments), ebp.
 * Out: every GPR after the int $0x82 (eax = result), esp_before/esp (ESP
 *      just before and just after the int), ds..ss after the call.
 * Plain 32-bit slots so assembly and C share the layout via the offsets
 * below; the static assertions in hypercall.h pin them to the struct.
 */
#ifndef GUEST_HC_REGS_H
#define GUEST_HC_REGS_H

#define HC_EAX        0
#define HC_EBX        4
#define HC_ECX        8
#define HC_EDX        12
#define HC_ESI        16
#define HC_EDI        20
#define HC_EBP        24
#define HC_ESP_BEFORE 28
#define HC_ESP        32
#define HC_DS         36
#define HC_ES         40
#define HC_FS         44
#define HC_GS         48
#define HC_SS         52
#define HC_SIZE       56

#ifndef __ASSEMBLY__
#include <stdint.h>
struct hc_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint32_t esp_before, esp;
    uint32_t ds, es, fs, gs, ss;
};
_Static_assert(__builtin_offsetof(struct hc_regs, ebp) == HC_EBP, "hc_regs");
_Static_assert(__builtin_offsetof(struct hc_regs, esp) == HC_ESP, "hc_regs");
_Static_assert(__builtin_offsetof(struct hc_regs, ss) == HC_SS, "hc_regs");
_Static_assert(sizeof(struct hc_regs) == HC_SIZE, "hc_regs");
#endif

#endif /* GUEST_HC_REGS_H */
