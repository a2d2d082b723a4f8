/*
 * test-xl-report: what xl prints about the machine and itself, on the
 * simulated hypervisor of xl-world.h -- the formats people and scripts
 * read, so each is checked to the character where xl (after Xen's xl)
 * defines it: info's keys in Xen's order, dmesg and its clearing, uptime,
 * vcpu-list, sched-credit (and the errors of setting it), top's batch and
 * interactive screens, help, usage errors and unknown commands.
 *
 * Domain life-cycles are test-xl-cmd's; resources and fuzzing are
 * test-xl-limits'.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <public/sched.h>
#include <public/xen.h>
#include "fake-hv.h"
#include "xl-world.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include "os_time.h"
#include "../../dom0-tools/tools/xl/toolstack.h"
#include "../../dom0-tools/tools/console/consoled.h"

static void boot(void)
{
    CHECK_EQ(xl_world_boot(), 0);
}

HTEST(info_prints_xen_keys_in_order)
{
    boot();
    CHECK_EQ(xl("xl info"), 0);
    static const char *const keys[] = { "host", "release", "version", "machine", "nr_cpus",
        "max_cpu_id", "nr_nodes", "cores_per_socket", "threads_per_core", "cpu_mhz",
        "hw_caps", "virt_caps", "total_memory", "free_memory", "total_pages", "free_pages",
        "sharing_freed_memory", "sharing_used_memory", "free_cpus", "xen_major", "xen_minor",
        "xen_extra", "xen_caps", "xen_scheduler", "xen_pagesize", "platform_params",
        "xen_changeset", "xen_commandline", "cc_compiler", "cc_compile_by",
        "cc_compile_domain", "cc_compile_date", "xend_config_format" };
    const char *p = out;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), "%-23s: ", keys[i]);
        const char *at = strstr(p, want);
        if (!CHECK(at != NULL))
            printf("    key %s missing or out of order\n", keys[i]);
        else
            p = at;
    }
    CHECK(strstr(out, "free_memory            : 224\n"));
    CHECK(strstr(out, "free_pages             : 57344\n"));
    CHECK(strstr(out, "hw_caps                : 178bfbff:00000000:"));
    CHECK(strstr(out, "xen_scheduler          : credit\n"));
    CHECK(strstr(out, "platform_params        : virt_start=0xf5800000\n"));
    CHECK_EQ(xl("xl info extra"), 2);
}

HTEST(dmesg_reads_and_clears)
{
    boot();
    CHECK_EQ(xl("xl dmesg"), 0);
    CHECK_STREQ(out, "(mica) Mica hypervisor starting\n(mica) d0 built\n");
    CHECK_EQ(xl("xl dmesg -c"), 0);
    CHECK(strstr(out, "d0 built"));
    CHECK_EQ(xl("xl dmesg"), 0);
    CHECK_STREQ(out, "");
    CHECK_EQ(xl("xl dmesg -x"), 2);
}

HTEST(uptime_formats)
{
    boot();
    fake_os.now_ns = 3725ull * 1000000000ull;          /* 1:02:05 */
    xl("xl create /etc/xl/a.cfg");
    fake_os.now_ns += 65ull * 1000000000ull;
    CHECK_EQ(xl("xl uptime"), 0);
    CHECK_STREQ(out, "Name                                ID Uptime\n"
                     "Domain-0                             0  1:03:10\n"
                     "a                                    1  0:01:05\n");
    fake_os.now_ns += 2 * 86400ull * 1000000000ull;
    CHECK_EQ(xl("xl uptime -s a"), 0);
    CHECK(strstr(out, " up 2 days,  0:01, a (1)\n"));
    CHECK_EQ(xl("xl uptime nobody"), 2);
}

HTEST(vcpu_list_format)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    fake_hv_dom(1)->cpu_ns = 1500000000ull;
    CHECK_EQ(xl("xl vcpu-list"), 0);
    CHECK_STREQ(out,
        "Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n"
        "Domain-0                             0     0     0   r--       0.0  any cpu\n"
        "a                                    1     0     0   -b-       1.5  any cpu\n");
    CHECK_EQ(xl("xl vcpu-list a"), 0);
    CHECK(!strstr(out, "Domain-0"));
}

HTEST(sched_credit_get_set_and_errors)
{
    boot();
    xl("xl create /etc/xl/sched.cfg");
    CHECK_EQ(fake_hv_dom(1)->weight, 512);
    CHECK_EQ(fake_hv_dom(1)->cap, 25);
    CHECK_EQ(xl("xl sched-credit"), 0);
    CHECK_STREQ(out, "Cpupool Pool-0: tslice=10ms ratelimit=1000us\n"
                     "Name                                ID Weight  Cap\n"
                     "Domain-0                             0    256    0\n"
                     "s                                    1    512   25\n");
    CHECK_EQ(xl("xl sched-credit -d s -w 1024"), 0);
    CHECK_EQ(fake_hv_dom(1)->weight, 1024);
    CHECK_EQ(fake_hv_dom(1)->cap, 25);
    CHECK_EQ(xl("xl sched-credit -d s -c 0"), 0);
    CHECK_EQ(fake_hv_dom(1)->cap, 0);
    CHECK_EQ(xl("xl sched-credit -d 1"), 0);
    CHECK_STREQ(out, "Name                                ID Weight  Cap\n"
                     "s                                    1   1024    0\n");
    CHECK_EQ(xl("xl sched-credit -d s -w 0"), 2);
    CHECK(strstr(err, "the weight must be a number from 1 to 65535, not '0'"));
    CHECK_EQ(xl("xl sched-credit -d s -w 70000"), 2);
    CHECK_EQ(xl("xl sched-credit -d s -c 101"), 2);
    CHECK_EQ(xl("xl sched-credit -d s -c -5"), 2);
    CHECK_EQ(xl("xl sched-credit -w 5"), 2);
    CHECK_EQ(xl("xl sched-credit -d ghost"), 2);
    CHECK_EQ(xl("xl sched-credit -s"), 2);
    CHECK_EQ(xl("xl sched-credit -p Pool-1"), 2);
}

HTEST(top_prints_xentop_screens)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    xl("xl create /etc/xl/crash-preserve.cfg");
    fake_hv_guest_shutdown(2, SHUTDOWN_crash);
    settle();
    CHECK_EQ(xl("xl top -b -i 2 -d 1"), 0);
    CHECK(strstr(out, "xentop - "));
    CHECK(strstr(out, "3 domains: 1 running, 1 blocked, 0 paused, 1 crashed, 0 dying, 0 shutdown"));
    CHECK(strstr(out, "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%)"));
    CHECK(strstr(out, "  Domain-0 -----r"));
    CHECK(strstr(out, "        cp -s-c--"));
    const char *second = strstr(strstr(out, "xentop - ") + 1, "xentop - ");
    CHECK(second != NULL);
    CHECK(!fake_os.raw_active);
    /* 'q' ends an interactive top. */
    fake_type_at(fake_os.now_ns + 1000000, "q", 1);
    CHECK_EQ(xl("xl top"), 0);
    CHECK(strstr(out, "\x1b[H\x1b[2J"));
    CHECK_EQ(xl("xl top -d 0"), 2);
    CHECK_EQ(xl("xl top extra"), 2);
}

HTEST(help_usage_and_unknown_commands)
{
    boot();
    CHECK_EQ(xl("xl help"), 0);
    CHECK(strstr(out, " create              Create a domain from a config file\n"));
    CHECK(strstr(out, " sched-credit        "));
    CHECK_EQ(xl("xl help create"), 0);
    CHECK(strstr(out, "Usage: xl create [options] <ConfigFile> [vars]"));
    CHECK(strstr(out, "-c            Connect to the console"));
    CHECK_EQ(xl("xl list -h"), 0);
    CHECK(strstr(out, "Usage: xl list"));
    CHECK_EQ(xl("xl frobnicate"), 1);
    CHECK_STREQ(err, "command not implemented\n");
    CHECK_EQ(xl("xl help frobnicate"), 1);
    CHECK_EQ(xl("xl"), 2);
    CHECK_EQ(xl("xl -q list"), 2);
    CHECK_EQ(xl("xl -v list"), 0);
    CHECK_EQ(xl("xl list -q"), 2);
    CHECK(strstr(err, "xl list: invalid option -- 'q'"));
}
