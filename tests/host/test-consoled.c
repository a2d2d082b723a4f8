/*
 * test-consoled: the console backend (dom0-tools/tools/console/consoled.c)
 * on the fake OS interface, with guests played by the test writing into
 * their ring pages.
 *
 * Output is drained into the bounded buffer while nobody is attached (the
 * newest bytes kept, the rest counted and announced to the next session),
 * passed straight through while attached; input goes into the guest's
 * ring until it is full; hostile ring indexes are counted and never read
 * outside the ring; a flooding guest is served in CONSOLED_BUDGET chunks,
 * one per turn, alternating with every other source, so it cannot starve
 * another guest's console; and removing a console closes its port and
 * unmaps its page.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <public/grant_table.h>
#include <public/io/console.h>
#include "../../dom0-tools/os/fake/fake_os.h"
#include "../../dom0-tools/tools/console/consoled.h"
#include "os_loop.h"

#define PORT 5          /* the guests' console port */

static _Alignas(4096) struct xencons_interface rings[3];
static char seen[3][65536];
static size_t nseen[3];

static void setup(void)
{
    fake_os_reset();
    memset(rings, 0, sizeof(rings));
    memset(nseen, 0, sizeof(nseen));
    for (int d = 1; d <= 2; d++) {
        fake_grant((uint16_t)d, GNTTAB_RESERVED_CONSOLE, &rings[d]);
        CHECK_EQ(consoled_add((uint16_t)d, PORT), 0);
    }
}

static void teardown(void)
{
    consoled_remove(1);
    consoled_remove(2);
}

/* The guest writes what fits in its ring; returns how much. */
static size_t guest_write(int d, const char *s, size_t n)
{
    struct xencons_interface *r = &rings[d];
    size_t i;

    for (i = 0; i < n && r->out_prod - r->out_cons < sizeof(r->out); i++) {
        r->out[MASK_XENCONS_IDX(r->out_prod, r->out)] = s[i];
        r->out_prod++;
    }
    fake_raise(fake_port_of_remote((uint16_t)d, PORT));
    return i;
}

static void session(void *arg, const char *buf, size_t n)
{
    int d = (int)(uintptr_t)arg;

    memcpy(seen[d] + nseen[d], buf, n);
    nseen[d] += n;
}

HTEST(output_waits_in_the_buffer_then_goes_to_the_session)
{
    struct consoled_stats st;

    setup();
    guest_write(1, "hello\n", 6);
    fake_run_pending();
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.buffered, 6);
    CHECK_EQ(st.out_bytes, 6);
    CHECK_EQ(rings[1].out_cons, 6);                 /* consumed from the ring */
    CHECK(fake_notifications(fake_port_of_remote(1, PORT)) >= 1);
    CHECK_EQ(consoled_attach(1, session, (void *)1), 0);
    CHECK_EQ(nseen[1], 6);
    CHECK(!memcmp(seen[1], "hello\n", 6));
    guest_write(1, "live", 4);
    fake_run_pending();
    CHECK_EQ(nseen[1], 10);
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.buffered, 0);
    CHECK_EQ(consoled_attach(1, session, (void *)1), -EBUSY);
    consoled_detach(1);
    guest_write(1, "later", 5);
    fake_run_pending();
    CHECK_EQ(nseen[1], 10);
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.buffered, 5);
    teardown();
}

HTEST(output_written_before_the_backend_came_is_kept)
{
    struct consoled_stats st;

    fake_os_reset();
    memset(rings, 0, sizeof(rings));
    memcpy(rings[1].out, "early", 5);
    rings[1].out_prod = 5;
    fake_grant(1, GNTTAB_RESERVED_CONSOLE, &rings[1]);
    CHECK_EQ(consoled_add(1, PORT), 0);
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.buffered, 5);
    CHECK_EQ(consoled_add(1, PORT), -EEXIST);
    CHECK_EQ(consoled_add(9, PORT), -EINVAL);       /* nothing granted */
    consoled_remove(1);
}

HTEST(the_buffer_keeps_the_newest_bytes_and_says_what_was_dropped)
{
    struct consoled_stats st;
    char chunk[1024];
    uint64_t total = 0;

    setup();
    for (int i = 0; i < 40; i++) {                 /* 40 KiB through a 16 KiB buffer */
        memset(chunk, 'a' + i % 26, sizeof(chunk));
        total += guest_write(1, chunk, sizeof(chunk));
        fake_run_pending();
    }
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.out_bytes, total);
    CHECK_EQ(st.buffered, CONSOLED_BUFFER);
    CHECK_EQ(st.dropped, total - CONSOLED_BUFFER);
    CHECK_EQ(consoled_attach(1, session, (void *)1), 0);
    char note[80];
    snprintf(note, sizeof(note), "[... %llu bytes of output dropped ...]",
             (unsigned long long)(total - CONSOLED_BUFFER));
    seen[1][nseen[1]] = '\0';
    CHECK(strstr(seen[1], note) != NULL);
    CHECK_EQ(seen[1][nseen[1] - 1], 'a' + 39 % 26);     /* the newest byte came last */
    teardown();
}

HTEST(input_fills_the_ring_and_no_more)
{
    struct consoled_stats st;
    char many[2000];

    setup();
    CHECK_EQ(consoled_input(1, "abc", 3), 3);
    CHECK_EQ(rings[1].in_prod, 3);
    CHECK(!memcmp(rings[1].in, "abc", 3));
    memset(many, 'x', sizeof(many));
    CHECK_EQ(consoled_input(1, many, sizeof(many)), 1024 - 3);
    CHECK_EQ(consoled_input(1, "y", 1), 0);
    rings[1].in_cons = 1000;                        /* the guest read some */
    CHECK_EQ(consoled_input(1, "z", 1), 1);
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.in_bytes, 1025);
    CHECK_EQ(st.in_dropped, 2000 - 1021 + 1);
    CHECK_EQ(consoled_input(7, "a", 1), -ENOENT);
    teardown();
}

HTEST(hostile_indexes_are_counted_and_never_followed)
{
    struct consoled_stats st;

    setup();
    rings[1].out_cons = 0;
    rings[1].out_prod = 0x80000000u;                /* "two billion bytes waiting" */
    fake_raise(fake_port_of_remote(1, PORT));
    fake_run_pending();
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.bad_indexes, 1);
    CHECK_EQ(st.out_bytes, 0);
    CHECK_EQ(rings[1].out_cons, 0x80000000u);        /* resynchronised */
    guest_write(1, "ok", 2);                         /* and it works again */
    fake_run_pending();
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.out_bytes, 2);
    rings[1].in_prod = 5000;                         /* input indexes broken too */
    CHECK_EQ(consoled_input(1, "q", 1), 0);
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK_EQ(st.bad_indexes, 2);
    /* Indexes wrapping at 2^32 are fine. */
    rings[2].out_cons = rings[2].out_prod = 0xfffffffeu;
    guest_write(2, "wrap", 4);
    fake_run_pending();
    CHECK_EQ(consoled_stats(2, &st), 0);
    CHECK_EQ(st.out_bytes, 4);
    CHECK_EQ(st.bad_indexes, 0);
    teardown();
}

/* Work item that counts turns in which the flooding guest refills its ring. */
static int refills;
static struct os_work *refill_work;
static void refill(void *arg)
{
    char fill[2048];

    (void)arg;
    memset(fill, 'F', sizeof(fill));
    guest_write(1, fill, sizeof(fill));
    refills++;
    if (refills < 200)
        os_work_queue(refill_work);
}

static bool quiet_one_done(void *arg)
{
    (void)arg;
    return nseen[2] >= 3;
}

HTEST(a_flooding_guest_does_not_starve_another_console)
{
    setup();
    CHECK_EQ(consoled_attach(2, session, (void *)2), 0);
    refills = 0;
    refill_work = os_work_new(refill, NULL);
    os_work_queue(refill_work);
    /* The flooder keeps its ring full; the quiet guest says one word. */
    guest_write(2, "hi!", 3);
    uint64_t turns0 = fake_os.loop_turns;
    CHECK(os_loop_run_until(quiet_one_done, NULL, 0));
    CHECK(fake_os.loop_turns - turns0 <= 3);            /* served within a turn or two */
    CHECK(!memcmp(seen[2], "hi!", 3));
    /* Each turn takes at most one budget from the flooder. */
    struct consoled_stats st;
    fake_run_pending();
    CHECK_EQ(consoled_stats(1, &st), 0);
    CHECK(st.out_bytes <= (uint64_t)(refills + 1) * CONSOLED_BUDGET);
    CHECK(st.out_bytes >= (uint64_t)refills * 1024);    /* and it does make progress */
    os_work_free(refill_work);
    teardown();
}

HTEST(removing_closes_the_port_and_unmaps_the_page)
{
    setup();
    int p = fake_port_of_remote(1, PORT);
    CHECK(fake_port_bound(p));
    CHECK_EQ(fake_maps_open(), 2);
    consoled_remove(1);
    CHECK(!fake_port_bound(p));
    CHECK_EQ(fake_maps_open(), 1);
    CHECK(!consoled_serves(1));
    consoled_remove(1);                             /* twice: harmless */
    CHECK_EQ(consoled_attach(1, session, NULL), -ENOENT);
    teardown();
    CHECK_EQ(fake_maps_open(), 0);
    CHECK_EQ(fake_ports_bound(), 0);
}
