/*
 * The fake OS interface (see fake_os.h): the main loop, time, events,
 * grants, files and the terminal of os/os_*.h, in memory, for host tests.
 *
 * It follows the real interface's rules where a tool could notice: work
 * queued while the loop runs waits for the next turn; a handler runs with
 * its port's pending flag already cleared; a closed port's handler never
 * runs again; an unmapped grant cannot be unmapped twice.
 */
#include "fake_os.h"
#include "os_loop.h"
#include "os_time.h"
#include "os_events.h"
#include "os_grant.h"
#include "os_files.h"
#include "os_term.h"
#include "os_system.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define NPORTS  1024
#define NFILES  256
#define NMAPS   1024

struct fake_os fake_os;

struct os_work {
    os_work_fn *fn;
    void *arg;
    bool queued;
    struct os_work *next;
};

struct os_timer {
    os_work_fn *fn;
    void *arg;
    uint64_t deadline;
    bool armed;
};

static struct os_work *work_head;
static struct os_timer *timers[256];
static unsigned int ntimers;

static struct {
    bool bound, pending;
    os_event_fn *fn;
    void *arg;
    int virq;                   /* -1 if none */
    uint16_t dom;
    unsigned int remote;
    unsigned int notified;
} ports[NPORTS];

static struct { uint16_t dom; uint32_t ref; void *page; } grants[1024];   /* 2 per domain */
static unsigned int ngrants;
static struct { void *page; bool open; } maps[NMAPS];

static struct { char *path; char *data; size_t len; } files[NFILES];
static unsigned int nfiles;

static struct typing {
    uint64_t at;
    char *bytes;
    size_t n;
    bool done;
} typing[64];
static unsigned int ntyping;
static os_term_raw_fn *raw_fn;
static void *raw_arg;

void fake_os_reset(void)
{
    for (unsigned int i = 0; i < nfiles; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    for (unsigned int i = 0; i < ntyping; i++)
        free(typing[i].bytes);
    free(fake_os.term_out);
    memset(&fake_os, 0, sizeof(fake_os));
    memset(ports, 0, sizeof(ports));
    memset(grants, 0, sizeof(grants));
    memset(maps, 0, sizeof(maps));
    memset(typing, 0, sizeof(typing));
    work_head = NULL;
    ntimers = ngrants = nfiles = ntyping = 0;
    raw_fn = NULL;
    fake_os.now_ns = 1000000000ull;
}

/* ---- loop, work, timers ---- */

struct os_work *os_work_new(os_work_fn *fn, void *arg)
{
    struct os_work *w = calloc(1, sizeof(*w));

    if (w) {
        w->fn = fn;
        w->arg = arg;
    }
    return w;
}

void os_work_queue(struct os_work *w)
{
    struct os_work **pp = &work_head;

    if (w->queued)
        return;
    while (*pp)
        pp = &(*pp)->next;
    w->queued = true;
    w->next = NULL;
    *pp = w;
}

void os_work_free(struct os_work *w)
{
    if (!w)
        return;
    for (struct os_work **pp = &work_head; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    free(w);
}

uint64_t os_now_ns(void)
{
    return fake_os.now_ns;
}

uint64_t os_cycles(void)
{
    return fake_os.now_ns;
}

uint64_t os_idle_cycles(void)
{
    return 0;
}

uint64_t os_wallclock_s(void)
{
    return 1700000000ull + fake_os.now_ns / OS_NS_PER_S;
}

struct os_timer *os_timer_new(os_work_fn *fn, void *arg)
{
    struct os_timer *t = calloc(1, sizeof(*t));

    if (t && ntimers < sizeof(timers) / sizeof(timers[0])) {
        t->fn = fn;
        t->arg = arg;
        timers[ntimers++] = t;
        return t;
    }
    free(t);
    return NULL;
}

void os_timer_set(struct os_timer *t, uint64_t deadline_ns)
{
    t->deadline = deadline_ns;
    t->armed = true;
}

void os_timer_cancel(struct os_timer *t)
{
    t->armed = false;
}

void os_timer_free(struct os_timer *t)
{
    for (unsigned int i = 0; i < ntimers; i++) {
        if (timers[i] == t) {
            timers[i] = timers[--ntimers];
            break;
        }
    }
    free(t);
}

/* One turn: events, due timers and typing, the work queued before it. */
static bool turn(void)
{
    bool busy = false;
    unsigned int n = 0;

    fake_os.loop_turns++;
    for (int p = 1; p < NPORTS; p++) {
        if (ports[p].bound && ports[p].pending) {
            ports[p].pending = false;
            ports[p].fn(ports[p].arg, (unsigned int)p);
            busy = true;
        }
    }
    for (unsigned int i = 0; i < ntimers; i++) {
        struct os_timer *t = timers[i];
        if (t->armed && t->deadline <= fake_os.now_ns) {
            t->armed = false;
            t->fn(t->arg);
            busy = true;
            i = (unsigned int)-1;       /* the list may have changed */
        }
    }
    for (unsigned int i = 0; i < ntyping; i++) {
        if (!typing[i].done && typing[i].at <= fake_os.now_ns && raw_fn) {
            typing[i].done = true;
            raw_fn(raw_arg, typing[i].bytes, typing[i].n);
            busy = true;
        }
    }
    for (struct os_work *w = work_head; w; w = w->next)
        n++;
    for (unsigned int i = 0; i < n && work_head; i++) {
        struct os_work *w = work_head;
        work_head = w->next;
        w->queued = false;
        w->next = NULL;
        w->fn(w->arg);
        busy = true;
    }
    return busy;
}

void fake_run_pending(void)
{
    for (int i = 0; i < 10000 && turn(); i++)
        ;
}

/* The next moment something is due (a timer or typing), or 0. */
static uint64_t next_due(void)
{
    uint64_t next = 0;

    for (unsigned int i = 0; i < ntimers; i++)
        if (timers[i]->armed && (!next || timers[i]->deadline < next))
            next = timers[i]->deadline;
    for (unsigned int i = 0; i < ntyping; i++)
        if (!typing[i].done && raw_fn && (!next || typing[i].at < next))
            next = typing[i].at;
    return next;
}

bool os_loop_run_until(bool (*done)(void *), void *arg, uint64_t deadline_ns)
{
    for (unsigned int spins = 0; spins < 1000000; spins++) {
        if (done && done(arg))
            return true;
        if (deadline_ns && fake_os.now_ns >= deadline_ns)
            return false;
        if (turn())
            continue;
        uint64_t next = next_due();
        if (deadline_ns && (!next || next > deadline_ns))
            next = deadline_ns;
        if (!next) {
            fake_os.deadlocked = true;
            return false;
        }
        if (next > fake_os.now_ns)
            fake_os.now_ns = next;
    }
    fake_os.deadlocked = true;
    return false;
}

/* ---- events ---- */

static int new_port(os_event_fn *fn, void *arg)
{
    for (int p = 1; p < NPORTS; p++) {
        if (!ports[p].bound) {
            memset(&ports[p], 0, sizeof(ports[p]));
            ports[p].bound = true;
            ports[p].fn = fn;
            ports[p].arg = arg;
            ports[p].virq = -1;
            return p;
        }
    }
    return -ENOSPC;
}

int os_evtchn_bind_virq(unsigned int virq, os_event_fn *fn, void *arg)
{
    int p = new_port(fn, arg);

    if (p > 0)
        ports[p].virq = (int)virq;
    return p;
}

int os_evtchn_bind_interdomain(uint16_t dom, unsigned int remote_port, os_event_fn *fn,
                               void *arg)
{
    int p = new_port(fn, arg);

    if (p > 0) {
        ports[p].dom = dom;
        ports[p].remote = remote_port;
    }
    return p;
}

int os_evtchn_alloc_unbound(uint16_t remote, os_event_fn *fn, void *arg)
{
    int p = new_port(fn, arg);

    if (p > 0)
        ports[p].dom = remote;
    return p;
}

int os_evtchn_notify(unsigned int port)
{
    if (port == 0 || port >= NPORTS || !ports[port].bound)
        return -EINVAL;
    ports[port].notified++;
    return 0;
}

void os_evtchn_close(unsigned int port)
{
    if (port && port < NPORTS)
        ports[port].bound = false;
}

int fake_port_of_virq(unsigned int virq)
{
    for (int p = 1; p < NPORTS; p++)
        if (ports[p].bound && ports[p].virq == (int)virq)
            return p;
    return -1;
}

int fake_port_of_remote(uint16_t dom, unsigned int remote_port)
{
    for (int p = 1; p < NPORTS; p++)
        if (ports[p].bound && ports[p].virq < 0 && ports[p].dom == dom &&
            ports[p].remote == remote_port)
            return p;
    return -1;
}

void fake_raise(int port)
{
    if (port > 0 && port < NPORTS && ports[port].bound)
        ports[port].pending = true;
}

void fake_raise_virq(unsigned int virq)
{
    fake_raise(fake_port_of_virq(virq));
}

unsigned int fake_notifications(int port)
{
    return port > 0 && port < NPORTS ? ports[port].notified : 0;
}

bool fake_port_bound(int port)
{
    return port > 0 && port < NPORTS && ports[port].bound;
}

unsigned int fake_ports_bound(void)
{
    unsigned int n = 0;

    for (int p = 1; p < NPORTS; p++)
        n += ports[p].bound;
    return n;
}

/* ---- grants ---- */

void fake_grant(uint16_t dom, uint32_t ref, void *page)
{
    if (ngrants < sizeof(grants) / sizeof(grants[0]))
        grants[ngrants++] = (typeof(grants[0])){ dom, ref, page };
}

void fake_ungrant_domain(uint16_t dom)
{
    for (unsigned int i = 0; i < ngrants; i++)
        if (grants[i].dom == dom)
            grants[i--] = grants[--ngrants];
}

void *(*fake_grant_lookup)(uint16_t dom, uint32_t ref, bool writable);

static void *grant_page(uint16_t dom, uint32_t ref, bool writable)
{
    void *page = NULL;

    for (unsigned int i = 0; i < ngrants && !page; i++)
        if (grants[i].dom == dom && grants[i].ref == ref)
            page = grants[i].page;
    if (!page && fake_grant_lookup)
        page = fake_grant_lookup(dom, ref, writable);
    return page;
}

int os_gnt_copy(struct os_gnt_copy *ops, unsigned int n)
{
    int failed = 0;

    fake_os.grant_copies += n;
    for (unsigned int i = 0; i < n; i++) {
        struct os_gnt_copy *o = &ops[i];
        char *page;

        o->status = 0;
        if (!o->len)
            continue;
        if ((uint32_t)o->offset + o->len > 4096)
            o->status = -EINVAL;
        else if (!o->buf)
            o->status = -EFAULT;
        else if (!(page = grant_page(o->dom, o->ref, o->to_grant)))
            o->status = -EINVAL;
        else if (o->to_grant)
            memcpy(page + o->offset, o->buf, o->len);
        else
            memcpy(o->buf, page + o->offset, o->len);
        failed += o->status != 0;
    }
    return failed;
}

int os_gnt_map(uint16_t dom, uint32_t ref, bool writable, void **addr)
{
    void *page = grant_page(dom, ref, writable);

    if (!page)
        return -EINVAL;
    for (int m = 0; m < NMAPS; m++) {
        if (!maps[m].open) {
            maps[m].open = true;
            maps[m].page = page;
            *addr = page;
            return 0;
        }
    }
    return -ENOSPC;
}

int os_gnt_unmap(void *addr)
{
    for (int m = 0; m < NMAPS; m++) {
        if (maps[m].open && maps[m].page == addr) {
            maps[m].open = false;
            return 0;
        }
    }
    return -EINVAL;
}

unsigned int fake_maps_open(void)
{
    unsigned int n = 0;

    for (int m = 0; m < NMAPS; m++)
        n += maps[m].open;
    return n;
}

int os_gnt_grant(uint16_t to, void *page, bool readonly)
{
    (void)to;
    (void)page;
    (void)readonly;
    return -ENOSYS;
}

int os_gnt_revoke(uint32_t ref)
{
    (void)ref;
    return -EINVAL;
}

void *os_page_alloc(void)
{
    return aligned_alloc(4096, 4096);
}

void os_page_free(void *page)
{
    free(page);
}

/* ---- files ---- */

void fake_file_add(const char *path, const char *data, size_t len)
{
    if (nfiles == NFILES)
        return;
    files[nfiles].path = strdup(path);
    files[nfiles].data = malloc(len ? len : 1);
    memcpy(files[nfiles].data, data, len);
    files[nfiles].len = len;
    nfiles++;
}

void fake_file_add_text(const char *path, const char *text)
{
    fake_file_add(path, text, strlen(text));
}

/* "/a/b" is a directory if some file's path starts with "/a/b/". */
static bool is_dir(const char *path)
{
    size_t n = strlen(path);

    if (!strcmp(path, "/"))
        return true;
    for (unsigned int i = 0; i < nfiles; i++)
        if (!strncmp(files[i].path, path, n) && files[i].path[n] == '/')
            return true;
    return false;
}

int os_stat(const char *path, struct os_stat *st)
{
    for (unsigned int i = 0; i < nfiles; i++) {
        if (!strcmp(files[i].path, path)) {
            st->size = files[i].len;
            st->is_dir = false;
            st->mode = 0644;
            return 0;
        }
    }
    if (is_dir(path)) {
        st->size = 0;
        st->is_dir = true;
        st->mode = 0755;
        return 0;
    }
    return -ENOENT;
}

int os_file_load(const char *path, const void **data, size_t *len)
{
    for (unsigned int i = 0; i < nfiles; i++) {
        if (!strcmp(files[i].path, path)) {
            /* A copy of exactly len bytes: ASan sees a tool reading past it. */
            char *copy = malloc(files[i].len ? files[i].len : 1);
            memcpy(copy, files[i].data, files[i].len);
            *data = copy;
            *len = files[i].len;
            return 0;
        }
    }
    return is_dir(path) ? -EISDIR : -ENOENT;
}

void os_file_unload(const void *data)
{
    free((void *)data);
}

int os_dir_list(const char *path, os_dir_fn *fn, void *arg)
{
    (void)path;
    (void)fn;
    (void)arg;
    return -ENOSYS;             /* no tool under test lists directories */
}

/* ---- terminal, system ---- */

void os_term_write(const char *buf, size_t n)
{
    char *p = realloc(fake_os.term_out, fake_os.term_len + n + 1);

    if (!p)
        return;
    memcpy(p + fake_os.term_len, buf, n);
    fake_os.term_len += n;
    p[fake_os.term_len] = '\0';
    fake_os.term_out = p;
}

void fake_term_clear(void)
{
    fake_os.term_len = 0;
    if (fake_os.term_out)
        fake_os.term_out[0] = '\0';
}

void os_term_set_raw(os_term_raw_fn *fn, void *arg)
{
    raw_fn = fn;
    raw_arg = arg;
    fake_os.raw_active = fn != NULL;
}

void fake_type_at(uint64_t at_ns, const char *bytes, size_t n)
{
    if (ntyping == sizeof(typing) / sizeof(typing[0]))
        return;
    typing[ntyping].at = at_ns;
    typing[ntyping].bytes = malloc(n);
    memcpy(typing[ntyping].bytes, bytes, n);
    typing[ntyping].n = n;
    ntyping++;
}

int os_term_inject(const char *buf, size_t n, uint64_t delay_ns)
{
    fake_type_at(fake_os.now_ns + delay_ns, buf, n);
    return 0;
}

size_t os_term_read_line(const char *prompt, char *buf, size_t size)
{
    (void)prompt;
    if (size)
        buf[0] = '\0';
    return 0;
}

void os_term_history_add(const char *line)
{
    (void)line;
}

bool os_term_interrupted(void)
{
    bool was = fake_os.interrupted;

    fake_os.interrupted = false;
    return was;
}

void os_shutdown(int reboot)
{
    fake_os.shutdown_called = reboot ? 2 : 1;
    abort();
}

void os_meminfo(struct os_meminfo *mi)
{
    memset(mi, 0, sizeof(*mi));
}
