/*
 * test-xl-limits: what xl and the toolstack must hold to over many
 * domains and bad input, on the simulated hypervisor of xl-world.h:
 * 100 create/destroy cycles give back every page, port and mapping; more
 * domains than memory fail cleanly; the 257th domain is refused before
 * the builder runs; observers (xenstored's hook) hear of every domain born
 * and gone; and 2000 random command lines, with guests dying in between,
 * end with one of xl's exit statuses and leave the toolstack consistent
 * with the machine.
 *
 * Domain life-cycles are test-xl-cmd's; output formats test-xl-report's.
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
