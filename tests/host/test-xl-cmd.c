/*
 * test-xl-cmd: xl's commands and the toolstack (dom0-tools/tools/xl) on a
 * simulated hypervisor (fake-hv.c) and the fake OS interface.
 *
 * Each case runs `xl ...` command lines the way the shell does and checks
 * the exit status, the exact output formats where xl defines them (list,
 * vcpu-list, sched-credit, info keys, uptime) and the effect on the
 * simulated machine: create and every way it can fail (leaving nothing
 * behind), destroy, pause/unpause, shutdown/reboot with and without -w,
 * each on_* action when a guest dies (destroy, restart, rename-restart,
 * preserve), the restart-loop guard, console attach with buffered and live
 * output, input and Ctrl-], names and ids, usage errors, unknown commands,
 * and 100 create/destroy cycles that must give back every page, port and
 * mapping.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <public/sched.h>
#include <public/xen.h>
#include "fake-hv.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include "os_time.h"
#include "../../dom0-tools/tools/xl/xl.h"
#include "../../dom0-tools/tools/xl/toolstack.h"
#include "../../dom0-tools/tools/console/consoled.h"
#include "../../dom0-tools/tools/shell/shell.h"

static char out[131072], err[32768];
#define SHELL_REFUSED (-1000)

/* Run one xl command line; stdout and stderr captured. */
static int xl(const char *line)
{
    char store[1024], *argv[SHELL_MAX_ARGS + 1];
    const char *e;
    int argc = shell_split(line, 0, store, sizeof(store), argv, SHELL_MAX_ARGS, &e);
    FILE *so = stdout, *se = stderr;
    int rc;

    memset(out, 0, sizeof(out));
    memset(err, 0, sizeof(err));
    if (argc < 0)
        return SHELL_REFUSED;           /* the shell reports it; xl never runs */
    stdout = fmemopen(out, sizeof(out) - 1, "w");
    stderr = fmemopen(err, sizeof(err) - 1, "w");
    argv[argc] = NULL;
    rc = xl_main(argc, argv);
    fclose(stdout);
    fclose(stderr);
    stdout = so;
    stderr = se;
    return rc;
}

/* Handle what happened since (VIRQ_DOM_EXC, console events), output captured. */
static void settle(void)
{
    FILE *so = stdout;

    memset(out, 0, sizeof(out));
    stdout = fmemopen(out, sizeof(out) - 1, "w");
    fake_run_pending();
    fclose(stdout);
    stdout = so;
}

static void boot(void)
{
    fake_os_reset();
    fake_hv_reset();
    while (ts_first())
        ts_destroy(ts_first()->domid);
    fake_hv_reset();
    fake_file_add_text("/boot/guest.elf", "\177ELF guest");
    fake_file_add_text("/boot/initrd", "initrd");
    fake_file_add_text("/boot/bad.elf", "MZ not an ELF");
    fake_file_add_text("/etc/xl/a.cfg", "name = 'a'\nkernel = '/boot/guest.elf'\nmemory = 16\n");
    fake_file_add_text("/etc/xl/b.cfg", "name = 'b'\nkernel = '/boot/guest.elf'\nmemory = 8\n"
                       "ramdisk = '/boot/initrd'\nextra = 'role=b'\n");
    fake_file_add_text("/etc/xl/crash-preserve.cfg", "name='cp'\nkernel='/boot/guest.elf'\n"
                       "memory=8\non_crash='preserve'\n");
    fake_file_add_text("/etc/xl/crash-restart.cfg", "name='cr'\nkernel='/boot/guest.elf'\n"
                       "memory=8\non_crash='restart'\n");
    fake_file_add_text("/etc/xl/reboot.cfg", "name='rb'\nkernel='/boot/guest.elf'\nmemory=8\n");
    fake_file_add_text("/etc/xl/rename.cfg", "name='rn'\nkernel='/boot/guest.elf'\nmemory=8\n"
                       "on_poweroff='rename-restart'\n");
    fake_file_add_text("/etc/xl/bad.cfg", "name = 'bad'\nkernel = '/boot/guest.elf'\n"
                       "memory = 'lots'\nvcpus = 64\n");
    fake_file_add_text("/etc/xl/notelf.cfg", "name = 'n'\nkernel = '/boot/bad.elf'\n");
    fake_file_add_text("/etc/xl/huge.cfg", "name = 'huge'\nkernel = '/boot/guest.elf'\n"
                       "memory = 4096\n");
    fake_file_add_text("/etc/xl/sched.cfg", "name='s'\nkernel='/boot/guest.elf'\nmemory=8\n"
                       "cpu_weight=512\ncap=25\n");
    CHECK_EQ(ts_init(), 0);
}

static unsigned int live_domains(void)
{
    unsigned int n = 0;

    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        n += fake_hv.dom[i].exists;
    return n;
}

HTEST(create_builds_starts_and_lists)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 0);
    CHECK_STREQ(err, "Parsing config from /etc/xl/a.cfg\n");
    struct fake_dom *d = fake_hv_dom(1);
    CHECK(d && !d->paused);
    CHECK_STREQ(d->name, "a");
    CHECK_EQ(d->pages, 16 * 256 + 16);
    CHECK_EQ(xl("xl create -q /etc/xl/b.cfg -p"), 0);       /* options after the file */
    CHECK_STREQ(err, "");
    CHECK(fake_hv_dom(2)->paused);
    CHECK_STREQ(fake_hv_dom(2)->cmdline, "role=b");
    CHECK_EQ(fake_hv_dom(2)->ramdisk_len, 6);
    CHECK_EQ(xl("xl list"), 0);
    CHECK_STREQ(out,
        "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
        "Domain-0                                     0    32     1     r-----       0.0\n"
        "a                                            1    16     1     -b----       0.0\n"
        "b                                            2     8     1     --p---       0.0\n");
    CHECK_EQ(xl("xl list b"), 0);
    CHECK(strstr(out, "\nb ") && !strstr(out, "\na "));
    CHECK_EQ(xl("xl list 1 Domain-0"), 0);
    CHECK(strstr(out, "\na ") && strstr(out, "Domain-0"));
    CHECK_EQ(xl("xl list nosuch"), 2);
    CHECK_STREQ(err, "nosuch is an invalid domain identifier (rc=-6)\n");
}

HTEST(list_shows_states_reasons_and_cpu_seconds)
{
    boot();
    xl("xl create /etc/xl/crash-preserve.cfg");
    xl("xl create /etc/xl/a.cfg");
    fake_hv_dom(2)->cpu_ns = 12345678901ull;        /* 12.3 s */
    fake_hv_guest_shutdown(1, SHUTDOWN_crash);
    settle();
    CHECK_EQ(xl("xl list"), 0);
    CHECK(strstr(out, "cp                                           1     8     1     ---sc-       0.0\n"));
    CHECK(strstr(out, "a                                            2    16     1     -b----      12.3\n"));
}

HTEST(list_long_prints_the_configurations_as_json)
{
    boot();
    xl("xl create /etc/xl/b.cfg");
    CHECK_EQ(xl("xl list -l"), 0);
    CHECK(strstr(out, "\"domid\": 1,"));
    CHECK(strstr(out, "\"name\": \"b\""));
    CHECK(strstr(out, "\"target_memkb\": 8192"));
    CHECK(strstr(out, "\"kernel\": \"/boot/guest.elf\""));
    CHECK(strstr(out, "\"ramdisk\": \"/boot/initrd\""));
    CHECK(strstr(out, "\"on_reboot\": \"restart\""));
    CHECK(out[0] == '[' && strstr(out, "}\n]\n"));
    CHECK(!strstr(out, "Domain-0"));
    CHECK_EQ(xl("xl list --long"), 0);
    CHECK(strstr(out, "\"domid\": 1,"));
}

HTEST(create_failures_leave_nothing_behind)
{
    boot();
    uint64_t free0 = fake_hv.free_pages;

    CHECK_EQ(xl("xl create /etc/xl/nosuch.cfg"), 1);
    CHECK(strstr(err, "/etc/xl/nosuch.cfg: cannot read the configuration: No such file"));
    CHECK_EQ(xl("xl create /etc/xl/bad.cfg"), 1);
    CHECK(strstr(err, "/etc/xl/bad.cfg:3: error: 'memory' = \"lots\" is not a valid number"));
    CHECK(strstr(err, "/etc/xl/bad.cfg:4: error: 'vcpus' = 64 is out of range (1 to 32)"));
    CHECK(strstr(err, "nothing was created"));
    CHECK_EQ(xl("xl create /etc/xl/notelf.cfg"), 3);
    CHECK(strstr(err, "xl: cannot create 'n': the kernel is not an ELF image"));
    CHECK_EQ(xl("xl create /etc/xl/huge.cfg"), 5);
    CHECK(strstr(err, "xl: cannot create 'huge': it needs 4096 MiB, the hypervisor has 224 MiB free"));
    fake_hv.fail_build = -ENOMEM;
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 5);
    CHECK(strstr(err, "the builder failed"));
    fake_hv.fail_build = -EIO;
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 3);
    CHECK_EQ(xl("xl create /etc/xl/a.cfg memory=64M"), 1);
    CHECK(strstr(err, "command line:1: error: 'memory' = \"64M\" is not a valid number"));
    CHECK_EQ(xl("xl create"), 2);
    CHECK(strstr(err, "no configuration file") && strstr(err, "Usage: xl create"));
    CHECK_EQ(xl("xl create a.cfg b.cfg"), 2);
    CHECK_EQ(xl("xl create -z /etc/xl/a.cfg"), 2);
    CHECK(strstr(err, "invalid option -- 'z'"));
    CHECK_EQ(xl("xl create -f"), 2);
    CHECK(strstr(err, "option requires an argument -- 'f'"));
    CHECK_EQ(xl("xl create -V /etc/xl/a.cfg"), 2);
    CHECK_EQ(live_domains(), 1);
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(fake_maps_open(), 0);
    CHECK_EQ(ts_nr_domains(), 0);
}

HTEST(names_are_unique_and_overrides_apply)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 0);
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 3);
    CHECK(strstr(err, "xl: a domain named 'a' exists already (domain 1)"));
    CHECK_EQ(xl("xl create /etc/xl/a.cfg name=a2 memory=8 'extra=\"x y\"'"), 0);
    CHECK_STREQ(fake_hv_dom(2)->name, "a2");
    CHECK_EQ(fake_hv_dom(2)->pages, 8 * 256 + 16);
    CHECK_STREQ(fake_hv_dom(2)->cmdline, "x y");
    CHECK_EQ(xl("xl create -f /etc/xl/b.cfg name=b2"), 0);
    CHECK_STREQ(fake_hv_dom(3)->name, "b2");
}

HTEST(dry_run_prints_and_creates_nothing)
{
    boot();
    CHECK_EQ(xl("xl create -n /etc/xl/sched.cfg"), 0);
    CHECK(strstr(out, "\"name\": \"s\""));
    CHECK(strstr(out, "\"weight\": 512"));
    CHECK_EQ(live_domains(), 1);
}

HTEST(destroy_by_name_and_id_and_refusals)
{
    boot();
    uint64_t free0 = fake_hv.free_pages;

    xl("xl create /etc/xl/a.cfg");
    xl("xl create /etc/xl/b.cfg");
    CHECK_EQ(xl("xl destroy a"), 0);
    CHECK_STREQ(out, "");
    CHECK(fake_hv_dom(1) == NULL);
    CHECK_EQ(xl("xl destroy 2"), 0);
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(xl("xl destroy 0"), 255);
    CHECK_STREQ(err, "Cannot destroy privileged domain 0.\n\n");
    CHECK_EQ(xl("xl destroy Domain-0"), 255);
    CHECK_EQ(xl("xl destroy a"), 2);
    CHECK_STREQ(err, "a is an invalid domain identifier (rc=-6)\n");
    CHECK_EQ(xl("xl destroy 99999"), 2);
    CHECK_EQ(xl("xl destroy"), 2);
    CHECK(strstr(err, "Usage: xl destroy <Domain>"));
    xl("xl create /etc/xl/a.cfg");
    fake_hv.fail_destroy = -EBUSY;
    CHECK_EQ(xl("xl destroy a"), 255);
    CHECK_STREQ(err, "destroy failed (rc=-16)\n");
    settle();
    CHECK_EQ(xl("xl destroy a"), 0);
}

HTEST(pause_and_unpause)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xl("xl pause a"), 0);
    CHECK(fake_hv_dom(1)->paused);
    xl("xl list a");
    CHECK(strstr(out, "--p---"));
    CHECK_EQ(xl("xl unpause 1"), 0);
    CHECK(!fake_hv_dom(1)->paused);
    CHECK_EQ(xl("xl pause 0"), 255);
    CHECK_EQ(xl("xl pause nobody"), 2);
    CHECK_EQ(xl("xl unpause"), 2);
}

HTEST(shutdown_and_reboot_apply_the_actions)
{
    boot();
    uint64_t free0 = fake_hv.free_pages;

    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xl("xl shutdown a"), 0);
    CHECK_STREQ(out, "Shutting down domain 1\n");
    settle();
    CHECK(strstr(out, "xl: domain 1 (a) has shut down (poweroff): destroying"));
    CHECK(fake_hv_dom(1) == NULL);
    CHECK_EQ(fake_hv.free_pages, free0);

    xl("xl create /etc/xl/reboot.cfg");
    CHECK_EQ(xl("xl reboot rb"), 0);
    CHECK_STREQ(out, "Rebooting domain 1\n");
    settle();
    CHECK(strstr(out, "xl: domain 1 (rb) has shut down (reboot): restarting"));
    CHECK(strstr(out, "xl: domain 'rb' restarted as domain 1"));  /* the id is free again */
    CHECK(fake_hv_dom(1) && !fake_hv_dom(1)->shutdown);
    CHECK_EQ(ts_nr_domains(), 1);
    CHECK_EQ(xl("xl shutdown 0"), 255);
    CHECK_EQ(xl("xl shutdown"), 2);
    CHECK_EQ(xl("xl reboot -x rb"), 2);
}

HTEST(shutdown_wait_returns_when_the_domain_is_down)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xl("xl shutdown -w a"), 0);
    CHECK(strstr(out, "Waiting for domain 1 to shut down\n"));
    CHECK(strstr(out, "Domain 1 has shut down\n"));
    CHECK(!fake_os.deadlocked);
    settle();
    xl("xl create /etc/xl/reboot.cfg");
    fake_os.interrupted = true;             /* ^C typed while it waits */
    CHECK_EQ(xl("xl shutdown -F -w rb"), 1);
    CHECK(strstr(out, "Stopped waiting (^C)"));
}

HTEST(a_crash_under_preserve_stays_until_destroyed)
{
    boot();
    uint64_t free0 = fake_hv.free_pages;

    xl("xl create /etc/xl/crash-preserve.cfg");
    fake_hv_guest_write(1, "last words\n", 11);
    settle();
    fake_hv_guest_shutdown(1, SHUTDOWN_crash);
    settle();
    CHECK(strstr(out, "xl: domain 1 (cp) has shut down (crash): preserved"));
    CHECK(fake_hv_dom(1) && fake_hv_dom(1)->shutdown);
    xl("xl list cp");
    CHECK(strstr(out, "---sc-"));
    fake_raise_virq(VIRQ_DOM_EXC);          /* another event: not handled twice */
    settle();
    CHECK_STREQ(out, "");
    /* Its last output is still readable. */
    fake_type_at(fake_os.now_ns + 1000, "\x1d", 1);
    fake_term_clear();
    CHECK_EQ(xl("xl console cp"), 0);
    CHECK(strstr(fake_os.term_out, "last words\n"));
    CHECK_EQ(xl("xl destroy cp"), 0);
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(fake_maps_open(), 0);
}

HTEST(crash_restart_and_the_restart_loop_guard)
{
    boot();
    xl("xl create /etc/xl/crash-restart.cfg");
    for (int i = 0; i < 5; i++) {
        fake_hv_guest_shutdown(fake_hv.dom[1].domid, SHUTDOWN_crash);
        settle();
        CHECK(strstr(out, "has shut down (crash): restarting"));
        CHECK(strstr(out, "restarted as domain"));
    }
    /* The sixth death within seconds of starting: preserved instead. */
    uint16_t id;
    CHECK_EQ(ts_lookup("cr", &id), 0);
    fake_hv_guest_shutdown(id, SHUTDOWN_crash);
    settle();
    CHECK(strstr(out, "died 6 times within seconds of starting: preserved instead of restarted"));
    CHECK(fake_hv_dom(id)->shutdown);
    /* A death long after starting resets the count. */
    CHECK_EQ(xl("xl destroy cr"), 0);
    xl("xl create /etc/xl/crash-restart.cfg");
    fake_os.now_ns += 10 * 1000000000ull;
    CHECK_EQ(ts_lookup("cr", &id), 0);
    fake_hv_guest_shutdown(id, SHUTDOWN_crash);
    settle();
    CHECK(strstr(out, "restarted as domain"));
}

HTEST(rename_restart_keeps_the_old_one)
{
    boot();
    xl("xl create /etc/xl/rename.cfg");
    fake_hv_guest_shutdown(1, SHUTDOWN_poweroff);
    settle();
    CHECK(strstr(out, "restarted as domain 2"));
    CHECK_EQ(xl("xl list"), 0);
    CHECK(strstr(out, "rn--incarnation-1                            1"));
    CHECK(strstr(out, "\nrn                                           2"));
}

HTEST(watchdog_and_unknown_domains)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    fake_hv_guest_shutdown(1, SHUTDOWN_watchdog);
    settle();
    CHECK(strstr(out, "(watchdog): destroying"));
    /* A domain xl did not create: reported once, left alone. */
    fake_hv.dom[5] = (struct fake_dom){ .exists = true, .domid = 7, .pages = 10,
                                        .shutdown = true, .reason = SHUTDOWN_crash };
    fake_raise_virq(VIRQ_DOM_EXC);
    settle();
    CHECK(strstr(out, "xl: domain 7 (not created by xl) has shut down (crash); 'xl destroy 7'"));
    fake_raise_virq(VIRQ_DOM_EXC);
    settle();
    CHECK_STREQ(out, "");
    CHECK_EQ(xl("xl destroy 7"), 0);
}

HTEST(create_e_leaves_the_dead_alone)
{
    boot();
    xl("xl create -e /etc/xl/a.cfg");
    fake_hv_guest_shutdown(1, SHUTDOWN_poweroff);
    settle();
    CHECK(strstr(out, "not monitored (created with -e)"));
    CHECK(fake_hv_dom(1) != NULL);
}

HTEST(console_replays_the_buffer_forwards_input_and_detaches)
{
    char typed[64];

    boot();
    xl("xl create /etc/xl/a.cfg");
    fake_hv_guest_write(1, "booting...\n", 11);
    settle();
    fake_term_clear();
    fake_type_at(fake_os.now_ns + 1000, "ls\r", 3);
    fake_type_at(fake_os.now_ns + 2000, "x\x1dleft for the shell", 20);
    CHECK_EQ(xl("xl console a"), 0);
    CHECK(strstr(fake_os.term_out, "booting...\n"));
    CHECK(!fake_os.raw_active);
    CHECK_EQ(fake_hv_guest_read(1, typed, sizeof(typed)), 4);
    CHECK_STREQ(typed, "ls\rx");
    /* While detached, output waits in the buffer; create -c attaches at once. */
    fake_hv_guest_write(1, "after\n", 6);
    settle();
    struct consoled_stats st;
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.buffered, 6);
    fake_term_clear();
    fake_type_at(fake_os.now_ns + 1000, "\x1d", 1);
    CHECK_EQ(xl("xl create -c /etc/xl/b.cfg"), 0);
    CHECK_EQ(xl("xl console -t serial a"), 2);
    CHECK_EQ(xl("xl console -n 1 a"), 2);
    CHECK_EQ(xl("xl console"), 2);
    CHECK_EQ(xl("xl console ghost"), 2);
    CHECK_EQ(xl("xl console 0"), 1);
    CHECK(strstr(err, "domain 0 has no console served by Dom0"));
}

static void destroy_later(void *arg)
{
    ts_destroy((uint16_t)(uintptr_t)arg);
}

HTEST(console_session_ends_when_the_domain_is_destroyed)
{
    boot();
    xl("xl create /etc/xl/crash-preserve.cfg");
    fake_hv_guest_shutdown(1, SHUTDOWN_crash);
    settle();
    /* Attached to the preserved domain; it is destroyed meanwhile. */
    struct os_timer *t = os_timer_new(destroy_later, (void *)(uintptr_t)1);
    os_timer_set(t, fake_os.now_ns + 5000);
    fake_term_clear();
    CHECK_EQ(xl("xl console cp"), 0);
    CHECK(strstr(out, "[domain 1 destroyed]"));
    CHECK(!consoled_serves(1));
    CHECK(!fake_os.raw_active);
    CHECK(!fake_os.deadlocked);
    os_timer_free(t);
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

HTEST(a_hundred_create_destroy_cycles_give_everything_back)
{
    boot();
    uint64_t free0 = fake_hv.free_pages;
    unsigned int ports0 = fake_ports_bound();

    for (int i = 0; i < 100; i++) {
        if (!CHECK_EQ(xl("xl create /etc/xl/b.cfg"), 0))
            break;
        fake_hv_guest_write(fake_hv.dom[1].domid, "hi\n", 3);
        settle();
        CHECK_EQ(xl(i % 2 ? "xl destroy b" : "xl shutdown b"), 0);
        settle();
        if (!CHECK(!consoled_serves(1)))
            break;
    }
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(fake_ports_bound(), ports0);
    CHECK_EQ(fake_maps_open(), 0);
    CHECK_EQ(ts_nr_domains(), 0);
    CHECK_EQ(live_domains(), 1);
    CHECK_EQ(fake_hv.builds, 100);
}

HTEST(more_domains_than_memory_fail_cleanly)
{
    boot();
    int made = 0, rc = 0;

    for (int i = 0; i < 50; i++) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "xl create /etc/xl/a.cfg name=d%d", i);
        rc = xl(cmd);
        if (rc)
            break;
        made++;
    }
    CHECK_EQ(rc, 5);
    CHECK(strstr(err, "the hypervisor has") && strstr(err, "MiB free"));
    CHECK_EQ(made, 13);                     /* 224 MiB / (16 MiB + overhead) */
    CHECK_EQ(ts_nr_domains(), 13);
    CHECK_EQ(live_domains(), 14);
}

static unsigned int seen_created, seen_destroyed;
static uint32_t seen_store_port;
static void obs_created(void *arg, uint16_t domid, uint32_t mfn, uint32_t port)
{
    (void)arg; (void)domid; (void)mfn;
    seen_created++;
    seen_store_port = port;
}
static void obs_destroyed(void *arg, uint16_t domid)
{
    (void)arg; (void)domid;
    seen_destroyed++;
}

HTEST(observers_hear_of_every_domain_born_and_gone)
{
    static struct ts_observer o = { .created = obs_created, .destroyed = obs_destroyed };

    boot();
    ts_observe(&o);
    seen_created = seen_destroyed = 0;
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(seen_created, 1);
    CHECK_EQ(seen_store_port, 1);
    xl("xl create /etc/xl/reboot.cfg");
    xl("xl reboot rb");
    settle();                                   /* restart: gone and born again */
    CHECK_EQ(seen_created, 3);
    CHECK_EQ(seen_destroyed, 1);
    xl("xl destroy a");
    CHECK_EQ(seen_destroyed, 2);
    fake_hv.fail_build = -EIO;                  /* a failed create: never told */
    xl("xl create /etc/xl/b.cfg");
    CHECK_EQ(seen_created, 3);
}

/* The toolstack keeps at most 256 domains (MAX_DOMAINS in toolstack.c):
 * the 257th create is refused before the builder runs, and nothing of it
 * is left; ids are never Dom0's or reserved ones. */
HTEST(the_domain_limit_refuses_cleanly)
{
    boot();
    fake_hv.free_pages = 1u << 30;          /* memory is not the limit here */
    fake_file_add_text("/etc/xl/tiny.cfg", "name='t'\nkernel='/boot/guest.elf'\nmemory=1\n");
    uint64_t free0 = fake_hv.free_pages;
    int made = 0, rc = 0;

    for (int i = 0; i < 300 && !rc; i++) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "xl create /etc/xl/tiny.cfg name=t%d", i);
        if (!(rc = xl(cmd)))
            made++;
    }
    if (!CHECK_EQ(made, 256))
        printf("    %s", err);
    CHECK_EQ(rc, 3);
    CHECK(strstr(err, "xl: at most 256 domains"));
    CHECK_EQ(fake_hv.builds, 256);          /* the refused one never reached the builder */
    CHECK_EQ(live_domains(), 257);
    for (struct ts_domain *t = ts_first(); t; t = t->next)
        CHECK(t->domid > 0 && t->domid < DOMID_FIRST_RESERVED);
    CHECK_EQ(xl("xl list"), 0);
    CHECK(strstr(out, "\nt255 "));
    while (ts_first())
        CHECK_EQ(ts_destroy(ts_first()->domid), 0);
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(live_domains(), 1);
    CHECK_EQ(fake_maps_open(), 0);
}

/* ---- fuzzing the command layer ---- */

static uint32_t fuzz_rnd(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/*
 * Random command lines from xl's vocabulary and junk, with guests dying
 * in between: every command must end with one of xl's exit statuses, say
 * something when it fails, and leave the toolstack consistent with the
 * machine (each domain it knows exists; every page accounted for).  At the
 * end every domain is destroyed and everything comes back.
 */
HTEST(fuzzed_command_lines_keep_the_toolstack_consistent)
{
    static const char *const cmds[] = {
        "create", "destroy", "shutdown", "reboot", "pause", "unpause", "list", "console",
        "info", "dmesg", "uptime", "top", "vcpu-list", "sched-credit", "help", "frob", "",
    };
    static const char *const words[] = {
        "-p", "-c", "-q", "-n", "-e", "-d", "-w", "-F", "-l", "-b", "-i", "-t", "-x", "-s",
        "--", "-", "-cq", "-wF", "a", "b", "cp", "cr", "rn", "0", "1", "2", "3", "65535",
        "99999", "-1", "Domain-0", "/etc/xl/a.cfg", "/etc/xl/b.cfg", "/etc/xl/bad.cfg",
        "/etc/xl/huge.cfg", "/etc/xl/crash-restart.cfg", "/etc/xl/rename.cfg",
        "/etc/xl/crash-preserve.cfg", "/etc/xl/nosuch.cfg", "memory=8", "name=z", "vcpus=2",
        "maxvcpus=1", "on_crash=restart", "memory=", "=", "x=\"", "'q r'", "\"\"", "pv",
        "10", "rn--incarnation-1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    static const int statuses[] = { 0, 1, 2, 3, 5, 255 };
    uint32_t x = 1234567;
    unsigned int ran = 0, failed = 0;

    boot();
    uint64_t free0 = fake_hv.free_pages;
    for (int round = 0; round < 2000; round++) {

        char line[512];
        const char *cmd = cmds[fuzz_rnd(&x) % (sizeof(cmds) / sizeof(cmds[0]))];
        /* top without -b runs until a key: give it its batch mode first
         * (the words after may still change -d and -i). */
        size_t len = (size_t)snprintf(line, sizeof(line), "xl %s%s", cmd,
                                      strcmp(cmd, "top") ? "" : " -b -i 2");
        /* Half the lines aim at something that exists: a configuration
         * that builds, or a domain xl knows by name or id. */
        bool aimed = fuzz_rnd(&x) % 2;
        if (aimed) {
            static const char *const good[] = { "a", "b", "crash-restart", "rename",
                                                "crash-preserve", "sched" };
            struct ts_domain *t = ts_first();
            for (unsigned int n = fuzz_rnd(&x) % 8; n && t && t->next; n--)
                t = t->next;
            if (!strcmp(cmd, "create"))
                len += (size_t)snprintf(line + len, sizeof(line) - len,
                                        " /etc/xl/%s.cfg name=z%d",
                                        good[fuzz_rnd(&x) % 6], round);
            else if (t && fuzz_rnd(&x) % 2)
                len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", t->name);
            else if (t)
                len += (size_t)snprintf(line + len, sizeof(line) - len, " %u", t->domid);
        }
        for (unsigned int k = fuzz_rnd(&x) % (aimed ? 3 : 5) / (aimed ? 2 : 1); k; k--)
            len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
                                    words[fuzz_rnd(&x) % (sizeof(words) / sizeof(words[0]))]);
        fake_os.interrupted = fuzz_rnd(&x) % 8 == 0;    /* ^C now and then */
        if (getenv("FUZZ_TRACE"))
            fprintf(stderr, "%d: %s\n", round, line);
        int rc = xl(line);
        fake_os.interrupted = false;
        fake_os.deadlocked = false;
        if (rc == SHELL_REFUSED)
            continue;
        ran++;
        bool known = false;
        for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
            known |= rc == statuses[i];
        if (!CHECK(known) || (rc && !CHECK(err[0] || out[0]))) {
            printf("    '%s' -> %d\n", line, rc);
            break;
        }
        failed += rc != 0;
        /* Now and then a guest dies by itself. */
        if (fuzz_rnd(&x) % 4 == 0 && ts_first()) {
            struct ts_domain *t = ts_first();
            for (unsigned int n = fuzz_rnd(&x) % 4; n && t->next; n--)
                t = t->next;
            fake_hv_guest_shutdown(t->domid, fuzz_rnd(&x) % 4);
        }
        settle();
        /* The toolstack's table matches the machine, and pages add up. */
        uint64_t used = 0;
        for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
            if (fake_hv.dom[i].exists && fake_hv.dom[i].domid)
                used += fake_hv.dom[i].pages;
        if (!CHECK_EQ(fake_hv.free_pages + used, free0))
            break;
        bool consistent = true;
        for (struct ts_domain *t = ts_first(); t; t = t->next)
            consistent &= fake_hv_dom(t->domid) != NULL;
        if (!CHECK(consistent))
            break;
    }
    CHECK(ran > 1800 && failed > 500 && failed < ran);    /* both outcomes reached */
    if (getenv("FUZZ_TRACE"))
        fprintf(stderr, "ran %u, failed %u, builds %u, destroys %u\n", ran, failed,
                fake_hv.builds, fake_hv.destroys);
    CHECK(fake_hv.builds > 50 && fake_hv.destroys > 30);  /* domains came and went */
    while (ts_first())
        CHECK_EQ(ts_destroy(ts_first()->domid), 0);
    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)      /* any it did not create (none) */
        if (fake_hv.dom[i].exists && fake_hv.dom[i].domid)
            CHECK_EQ(xl("xl destroy 1"), 0);
    CHECK_EQ(fake_hv.free_pages, free0);
    CHECK_EQ(live_domains(), 1);
    CHECK_EQ(fake_maps_open(), 0);
}
