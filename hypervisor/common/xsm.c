/*
 * The privilege hook: every access decision of a privileged path, in one
 * function, driven by one table.
 *
 * Xen grew its privilege checks as IS_PRIV() tests scattered through the
 * code and later funnelled them through XSM hooks so that a policy module
 * (FLASK) could replace "dom0 may do everything" with finer rules.  Mica
 * starts from the funnel: the paths that act on the machine or on another
 * domain -- domctl, sysctl, foreign mmu_update/mmuext_op/memory_op, event
 * channels and grant tables on another domain's behalf, remote shutdown,
 * console input, platform calls -- call xsm_check() and nothing else.
 *
 * The default policy is the table below: an action needs one capability,
 * a domain holds a set (domain.xsm_caps, fixed at creation by
 * xsm_initial_caps()).  The initial domain holds all of them; every other
 * domain none.  The target argument is there for the disaggregated
 * policies docs/control-plane.md sketches (a xenstore domain allowed
 * XSM_CAP_EVTCHN|XSM_CAP_GRANT only towards the domains it serves, a
 * driver domain allowed the I/O ranges it was given); the default policy
 * does not need it.  The file is pure (no output, no state), so the
 * host tests link it as it is.
 *
 * Trust: the caller and target pointers come from the hypervisor (current,
 * a looked-up domain), never from a guest.
 */
#include <mica/xsm.h>
#include <mica/domain.h>
#include <mica/errno.h>

struct xsm_rule {
    uint32_t cap;
    const char *name;                   /* for people reading the table */
};

static const struct xsm_rule policy[XSM_NR_ACTIONS] = {
    [XSM_DOMCTL]          = { XSM_CAP_CONTROL,   "domctl" },
    [XSM_SYSCTL]          = { XSM_CAP_SYSTEM,    "sysctl" },
    [XSM_MMU_FOREIGN]     = { XSM_CAP_FOREIGN,   "mmu_update on another domain" },
    [XSM_MMUEXT_FOREIGN]  = { XSM_CAP_FOREIGN,   "mmuext_op on another domain" },
    [XSM_MEMORY_FOREIGN]  = { XSM_CAP_FOREIGN,   "memory_op on another domain" },
    [XSM_EVTCHN_FOREIGN]  = { XSM_CAP_EVTCHN,    "event channel of another domain" },
    [XSM_GNTTAB_FOREIGN]  = { XSM_CAP_GRANT,     "grant table of another domain" },
    [XSM_REMOTE_SHUTDOWN] = { XSM_CAP_LIFECYCLE, "remote shutdown" },
    [XSM_CONSOLE_READ]    = { XSM_CAP_HARDWARE,  "console input" },
    [XSM_PLATFORM]        = { XSM_CAP_HARDWARE,  "platform operation" },
    [XSM_HOST_INFO]       = { XSM_CAP_HARDWARE,  "host information" },
    [XSM_PHYSDEV]         = { XSM_CAP_HARDWARE,  "physical IRQs and devices" },
};

uint32_t xsm_initial_caps(bool privileged)
{
    return privileged ? XSM_CAP_ALL : 0;
}

int xsm_check(enum xsm_action a, const struct domain *caller, const struct domain *target)
{
    if ((unsigned int)a >= XSM_NR_ACTIONS || !caller)
        return -EPERM;
    return (caller->xsm_caps & policy[a].cap) == policy[a].cap ? 0 : -EPERM;
}
