/*
 * public/platform.h - platform_op (7): the hardware domain's management of
 * the machine (time, firmware, CPUs).  Only the envelope is defined here:
 * every command starts with the same 8 bytes and the whole argument is
 * 136 bytes for a 32-bit caller.
 */
#ifndef MICA_PUBLIC_PLATFORM_H
#define MICA_PUBLIC_PLATFORM_H

#include "xen.h"

#define XENPF_INTERFACE_VERSION     0x03000001

#ifndef __ASSEMBLY__

struct xen_platform_op {
    uint32_t cmd;                       /* XENPF_* */
    uint32_t interface_version;         /* XENPF_INTERFACE_VERSION */
    union {
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_PLATFORM_H */
