/*
 * test-xl-cmd: the life of a domain through xl's commands and the
 * toolstack (dom0-tools/tools/xl) on a simulated hypervisor (fake-hv.c)
 * and the fake OS interface (the machine of xl-world.h).
 *
 * Each case runs `xl ...` command lines the way the shell does and checks
 * the exit status, the exact output where xl defines it (list, list -l)
 * and the effect on the simulated machine: create and every way it can
 * fail (leaving nothing behind), names and overrides, dry runs, destroy,
 * pause/unpause, shutdown/reboot with and without -w, each on_* action
 * when a guest dies (destroy, restart, rename-restart, preserve), the
 * restart-loop guard, and console attach with buffered and live output,
 * input and Ctrl-].
 *
 * Its neighbours: test-xl-report (what xl prints about the machine) and
 * test-xl-limits (resources given back, limits, observers, fuzzing).
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
