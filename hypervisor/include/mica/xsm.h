/*
 * The privilege hook (common/xsm.c): the one place that decides whether a
 * domain may do something to the machine or to another domain.
 *
 * Every privileged path asks xsm_check(action, caller, target) before it
 * looks at anything the answer could leak; nothing else in the hypervisor
 * reads a domain's privilege for an access decision.  The policy is data:
 * each action needs one capability (XSM_CAP_*), and a domain holds a set
 * of them.  Today the initial domain holds them all (the classic "dom0 is
 * the control domain") and every other domain none, so an unprivileged
 * domain is refused every domctl, sysctl and foreign operation.  Splitting
 * the control domain (a xenstore domain that may only create event
 * channels and grant entries for the domains it serves, a driver domain
 * that holds only its own devices) is a matter of handing out smaller
 * sets: docs/control-plane.md describes the seam.
 *
 * xsm_check() returns 0 or -EPERM; each interface turns a refusal into
 * its own Xen answer (mmu_update -ESRCH, grant status
 * GNTST_permission_denied, reservation ops "0 extents done").
 */
#ifndef MICA_XSM_H
#define MICA_XSM_H

#include <mica/types.h>

struct domain;

/* Capabilities: what a domain may be allowed. */
#define XSM_CAP_CONTROL   (1u << 0)   /* domctl: build, manage, destroy domains */
#define XSM_CAP_SYSTEM    (1u << 1)   /* sysctl: read the host, the console ring */
#define XSM_CAP_FOREIGN   (1u << 2)   /* map, pin, populate other domains' memory */
#define XSM_CAP_EVTCHN    (1u << 3)   /* event channels on other domains' behalf */
#define XSM_CAP_GRANT     (1u << 4)   /* grant tables of other domains */
#define XSM_CAP_LIFECYCLE (1u << 5)   /* shut other domains down */
#define XSM_CAP_HARDWARE  (1u << 6)   /* platform, machine-check, host details */
#define XSM_CAP_ALL       0x7fu

/* What a caller asks to do (the policy table in xsm.c maps each to a cap). */
enum xsm_action {
    XSM_DOMCTL,             /* any domctl (target: the domain, or NULL) */
    XSM_SYSCTL,             /* any sysctl */
    XSM_MMU_FOREIGN,        /* mmu_update / update_va_mapping_otherdomain FD, PFD */
    XSM_MMUEXT_FOREIGN,     /* mmuext_op with a foreign domain */
    XSM_MEMORY_FOREIGN,     /* memory_op on another domain's reservation or maps */
    XSM_EVTCHN_FOREIGN,     /* alloc_unbound / status on another domain */
    XSM_GNTTAB_FOREIGN,     /* setup_table / query_size / get_version of another */
    XSM_REMOTE_SHUTDOWN,    /* SCHEDOP_remote_shutdown */
    XSM_CONSOLE_READ,       /* CONSOLEIO_read: the hypervisor's console input */
    XSM_PLATFORM,           /* platform_op, mca */
    XSM_HOST_INFO,          /* xen_version details kept from guests (command line) */
    XSM_PHYSDEV,            /* physdev_op: map machine IRQs, PCI and IO-APIC commands */
    XSM_NR_ACTIONS
};

/* 0 if caller may do `a` to target (NULL: no particular domain), else -EPERM. */
int xsm_check(enum xsm_action a, const struct domain *caller, const struct domain *target);

/* The capability set a new domain starts with (privileged: all). */
uint32_t xsm_initial_caps(bool privileged);

#endif
