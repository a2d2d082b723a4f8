/*
 * Softirq bits (see mica/softirq.h): raised by interrupt handlers and by
 * code that wants work done "before the next guest instruction", consumed
 * on the exit path and in the idle loop.  One CPU, interrupts off while
 * this runs, so plain reads and writes suffice; a per-CPU word with atomic
 * bit operations is what SMP will need.
 */
#include <mica/softirq.h>
#include <mica/timer.h>

unsigned long softirq_bits;

void do_softirq(void)
{
    while (test_and_clear_softirq(TIMER_SOFTIRQ))
        timer_softirq_action();
}
