/*
 * public/nmi.h - nmi_op(cmd, arg) and the NMI reason bits.
 *
 * The control domain's vCPU 0 may register a handler for physical NMIs;
 * the reason is published in shared_info.arch.nmi_reason.  (The newer
 * way to register it is callback_op with CALLBACKTYPE_nmi.)
 */
#ifndef MICA_PUBLIC_NMI_H
#define MICA_PUBLIC_NMI_H

#include "xen.h"

#define XENNMI_register_callback        0   /* struct xennmi_callback */
#define XENNMI_unregister_callback      1   /* arg NULL */

/* shared_info.arch.nmi_reason bits. */
#define _XEN_NMIREASON_io_error         0
#define XEN_NMIREASON_io_error          (1 << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr         1   /* PCI SERR / parity error */
#define XEN_NMIREASON_pci_serr          (1 << _XEN_NMIREASON_pci_serr)
#define _XEN_NMIREASON_parity_error     _XEN_NMIREASON_pci_serr
#define XEN_NMIREASON_parity_error      XEN_NMIREASON_pci_serr
#define _XEN_NMIREASON_unknown          2
#define XEN_NMIREASON_unknown           (1 << _XEN_NMIREASON_unknown)

#ifndef __ASSEMBLY__

/* 8 bytes. */
struct xennmi_callback {
    xen_ulong_t handler_address;
    xen_ulong_t pad;
};
typedef struct xennmi_callback xennmi_callback_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_NMI_H */
