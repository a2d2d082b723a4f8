/*
 * public/io/console.h - the PV console ring page.
 *
 * A guest's first console is one page (start_info.console.domU.mfn) with
 * port start_info.console.domU.evtchn; the backend is the console daemon
 * (or the hypervisor).  Two byte rings with free-running 32-bit indexes:
 * `out` carries guest output, `in` keyboard input.  slot = index &
 * (sizeof(ring) - 1).
 *
 * Guest output: copy bytes to out[out_prod...], write barrier, advance
 * out_prod, send on the console port.  Input: read in[in_cons..in_prod),
 * then barrier, advance in_cons, send.  Each index is written by one side
 * only: in_cons and out_prod by the guest, in_prod and out_cons by the
 * backend.
 */
#ifndef MICA_PUBLIC_IO_CONSOLE_H
#define MICA_PUBLIC_IO_CONSOLE_H

/* xencons_interface.connection (newer backends; 0 on older ones). */
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

#ifndef __ASSEMBLY__

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/* 3092 bytes (3089 used). */
struct xencons_interface {
    char in[1024];                      /* backend -> guest */
    char out[2048];                     /* guest -> backend */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
    uint8_t connection;                 /* XENCONSOLE_* */
};

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_CONSOLE_H */
