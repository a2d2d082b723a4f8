/*
 * domu-wait: the initial domain's side of tests whose checks run in
 * unprivileged domains.  It waits until every domain listed in wait=
 * (e.g. wait=1,2) has gone -- shut down and been destroyed, which it
 * learns from VIRQ_DOM_EXC -- within timeout_ms (default 10000), then
 * reports SUCCESS.  The verdicts that matter are the other domains' own
 * "Test result:" lines, which the harness checks (dom-success=).
 */
#include <test.h>
#include <events.h>

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line;
    const char *w = cmdline_value(cl, "wait"), *t = cmdline_value(cl, "timeout_ms");
    uint64_t timeout = (t ? parse_ulong(&t) : 10000) * NS_PER_MS;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    while (w && *w >= '0' && *w <= '9') {
        unsigned long dom = parse_ulong(&w);
        long rc = wait_domain_gone((domid_t)dom, timeout);
        CHECK(rc == 0, "d%lu did not finish: %ld", dom, rc);
        if (rc == 0)
            printf("d%lu has finished\n", dom);
        if (*w == ',')
            w++;
    }
    test_success();
}
