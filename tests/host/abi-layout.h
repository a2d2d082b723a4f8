/*
 * Shared by the ABI layout tests (abi-layout.c: the core ABI;
 * abi-layout-io.c: grants, console, rings, xenstore; abi-layout-ctl.c:
 * domctl and sysctl).  All three are compiled into each of
 * abi-layout-m32 and abi-layout-m64.
 */
#ifndef ABI_LAYOUT_H
#define ABI_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <public/xen.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/physdev.h>
#include <public/nmi.h>
#include <public/elfnote.h>
#include <public/mica.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/io/ring.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>
#include <public/io/xenbus.h>
#include <public/io/protocols.h>
#include <public/io/blkif.h>
#include <public/io/netif.h>

#define SIZE(t, n)      _Static_assert(sizeof(t) == (n), "sizeof(" #t ") != " #n)
#define OFF(t, f, n)    _Static_assert(offsetof(t, f) == (n), "offsetof(" #t ", " #f ") != " #n)
#define EQ(a, b)        _Static_assert((a) == (b), #a " != " #b)
#define MSIZE(t, f, n)  _Static_assert(sizeof(((t *)0)->f) == (n), "sizeof(" #t "." #f ") != " #n)


/* Run-time checks: count failures, print each. */
extern int abi_failures;
#define CHECK(cond) do {                                                    \
    if (!(cond)) {                                                          \
        printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);              \
        abi_failures++;                                                     \
    }                                                                       \
} while (0)

/* The ring macros at run time (abi-layout-io.c). */
void abi_check_rings(void);

/* The 64-bit control handles at run time (abi-layout-ctl.c). */
void abi_check_ctl_handles(void);

#endif
