/*
 * Softirq bits (see mica/softirq.h): raised by interrupt handlers and by
 * code that wants work done "before the next guest instruction", consumed
 * on the exit path and in the idle loop.  One CPU, interrupts off while
 * this runs, so plain reads and writes suffice; a per-CPU word with atomic
 * bit operations is what SMP will need.
 */
#include <mica/softirq.h>
#include <mica/timer.h>

static unsigned long pending;

void raise_softirq(unsigned int nr)
{
    pending |= 1UL << nr;
}

bool softirq_pending(unsigned int nr)
{
    return pending & (1UL << nr);
}

bool test_and_clear_softirq(unsigned int nr)
{
    bool was = pending & (1UL << nr);
    pending &= ~(1UL << nr);
    return was;
}

void do_softirq(void)
{
    while (test_and_clear_softirq(TIMER_SOFTIRQ))
        timer_softirq_action();
}
