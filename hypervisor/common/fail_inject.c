/*
 * Allocation-failure injection: the Nth heap allocation from the moment it
 * is armed fails, and then every `every`-th one.
 *
 * Why: every allocation in the hypervisor has a failure path (an -ENOMEM to
 * the guest, a half-built domain taken apart again), and in ordinary runs
 * none of them is ever taken -- the machine has memory to spare.  A failure
 * path that has never run is a guess.  The page allocator asks
 * alloc_fail_now() first (so xzalloc_bytes, domain frames, table bookkeeping
 * all go through it); the host tests' allocator shims do the same, so a
 * host test can walk N = 1, 2, 3... over a whole operation and check after
 * each failure that nothing leaked and every invariant holds.  In a running
 * hypervisor it is armed by the boot option fail_alloc=N[,every] once the
 * boot domains are built (boot itself must not fail); with fail_alloc=ctl
 * the control domain arms it itself (sysctl MICA_SYSCTL_fail_alloc), so a
 * test can sweep N over one operation in a single boot.
 *
 * The memory auditor's own buffers are exempt: it must be able to say
 * whether a failure left the frame table consistent.
 */
#include <mica/fail_inject.h>

static unsigned long fail_nth, fail_every, counted, injected;
static unsigned int exempt;
static bool controllable;

void alloc_fail_allow_control(void) { controllable = true; }
bool alloc_fail_controllable(void) { return controllable; }

void alloc_fail_arm(unsigned long nth, unsigned long every)
{
    fail_nth = nth;
    fail_every = every;
    counted = 0;
    injected = 0;
}

bool alloc_fail_now(void)
{
    if (!fail_nth || exempt)
        return false;
    counted++;
    if (counted == fail_nth ||
        (fail_every && counted > fail_nth && (counted - fail_nth) % fail_every == 0)) {
        injected++;
        return true;
    }
    return false;
}

void alloc_fail_exempt(bool on)
{
    if (on)
        exempt++;
    else if (exempt)
        exempt--;
}

unsigned long alloc_fail_counted(void) { return counted; }
unsigned long alloc_fail_injected(void) { return injected; }
