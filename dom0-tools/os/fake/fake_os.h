/*
 * A fake of the OS interface for host tests of the portable tools
 * (fake_os.c): everything a tool can call, plus the controls a test uses
 * to play the world around it -- a virtual clock, events raised "by a
 * guest", pages a "guest" grants, files, and a terminal that types.
 *
 * Time is virtual: os_loop_run_until() jumps the clock to the next timer
 * when there is nothing else to do, so a test of a 3-second wait takes no
 * time.  A loop that could only wait forever (nothing queued, no timer, no
 * deadline) stops and sets fake_os.deadlocked instead of hanging the test.
 */
#ifndef DOM0_FAKE_OS_H
#define DOM0_FAKE_OS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct fake_os {
    uint64_t now_ns;
    bool deadlocked;
    unsigned int loop_turns;
    /* the terminal */
    char *term_out;                 /* everything os_term_write got */
    size_t term_len;
    bool raw_active;
    bool interrupted;
    /* os_system */
    int shutdown_called;
    /* os_gnt_copy operations asked for */
    uint64_t grant_copies;
};
extern struct fake_os fake_os;

/* Reset everything (files, ports, grants, timers, the clock). */
void fake_os_reset(void);

/* Files: added with their data (copied); directories are implied. */
void fake_file_add(const char *path, const char *data, size_t len);
void fake_file_add_text(const char *path, const char *text);

/* Events.  A port the tool bound to a VIRQ, or to domain dom's port. */
int fake_port_of_virq(unsigned int virq);
int fake_port_of_remote(uint16_t dom, unsigned int remote_port);
/* Make a port pending (the loop runs its handler). */
void fake_raise(int port);
void fake_raise_virq(unsigned int virq);
/* Notifications the tool sent on a port, and whether it is still bound. */
unsigned int fake_notifications(int port);
bool fake_port_bound(int port);
unsigned int fake_ports_bound(void);

/* Grants: a page domain dom grants Dom0 under ref.  The page is the
 * test's; maps return it.  Maps still open: */
void fake_grant(uint16_t dom, uint32_t ref, void *page);
/* Grants not registered with fake_grant are looked up here when set (a
 * simulated hypervisor's grant tables): the page, or NULL (not granted). */
extern void *(*fake_grant_lookup)(uint16_t dom, uint32_t ref, bool writable);
void fake_ungrant_domain(uint16_t dom);
unsigned int fake_maps_open(void);

/* The terminal: type bytes at virtual time `at` (to the raw consumer). */
void fake_type_at(uint64_t at_ns, const char *bytes, size_t n);
void fake_term_clear(void);

/* Run queued work and due events now (without advancing the clock). */
void fake_run_pending(void);

#endif
