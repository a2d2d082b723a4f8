/*
 * mm-multicall-stop: a call that stops the domain ends the batch.
 *
 * The first entry shuts the domain down (poweroff); the second would print
 * a line on the console.  Once the domain no longer runs, the multicall
 * must not execute anything more on its behalf: the line must never
 * appear (the harness checks with nolog=), and the domain powers off.
 */
#include <test.h>

static const char line[] = "MULTICALL-RAN-PAST-SHUTDOWN\n";

void test_main(void)
{
    static struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
    static multicall_entry_t mc[2];

    mc[0] = (multicall_entry_t){ .op = __HYPERVISOR_sched_op,
                                 .args = { SCHEDOP_shutdown, (uint32_t)&sd } };
    mc[1] = (multicall_entry_t){ .op = __HYPERVISOR_console_io,
                                 .args = { CONSOLEIO_write, sizeof(line) - 1, (uint32_t)line } };
    printf("Test result: SUCCESS\n");   /* nothing may run after the shutdown */
    HYPERVISOR_multicall(mc, 2);
    test_fail("survived a shutdown inside a multicall");
}
