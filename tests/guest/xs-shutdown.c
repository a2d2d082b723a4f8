/*
 * xs-shutdown: the guest side of `xl shutdown` (the control/shutdown
 * protocol Linux and Mini-OS follow).  It watches control/shutdown, says
 * it is ready (data/ready), and when the toolstack writes "poweroff" or
 * "reboot" there it acknowledges by writing "" back and shuts down with
 * that reason (its "Test result:" line first).  With ignore=1 it does not listen, and xs-server must fall
 * back to shutting it down by force.
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

static struct xsc c;
static char buf[64];
static uint32_t len;

void test_main(void)
{
    bool ignore = cmdline_value((const char *)start_info->cmd_line, "ignore") != NULL;
    int rc;

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    if (!ignore)
        CHECK_RC(xsc_watch(&c, "control/shutdown", "sd"), 0, "watch control/shutdown");
    CHECK_RC(xsc_write_str(&c, 0, "data/ready", "1"), 0, "ready");
    if (ignore) {
        printf("xs-shutdown: ignoring control/shutdown\n");
        for (;;)
            sched_block();
    }
    for (;;) {
        if ((rc = xsc_event(&c, true, NULL, 0, NULL, 0)) < 0 && rc != -XEN_ETIME) {
            test_fail("waiting for control/shutdown: %d", rc);
            return;
        }
        if (xsc_read(&c, 0, "control/shutdown", buf, sizeof(buf), &len) || !buf[0])
            continue;
        printf("xs-shutdown: control/shutdown says \"%s\"\n", buf);
        CHECK(!strcmp(buf, "poweroff") || !strcmp(buf, "reboot"), "unexpected request %s",
              buf);
        CHECK_RC(xsc_write_str(&c, 0, "control/shutdown", ""), 0, "acknowledge");
        test_success();
        if (!strcmp(buf, "reboot")) {
            struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };
            printf("Test result: SUCCESS\n");
            HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
        }
        test_exit();                        /* powers off: SHUTDOWN_poweroff */
    }
}
