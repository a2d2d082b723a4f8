/*
 * The console backend: Dom0's side of every guest's PV console ring.
 *
 * Per domain: the ring page (include/public/io/console.h), mapped through
 * grant ref GNTTAB_RESERVED_CONSOLE; an event channel bound to the port
 * the guest offered Dom0; a buffer of CONSOLED_BUFFER bytes; at most one
 * attached session (xl console).
 *
 *   guest --out ring--> drain() --> session attached?  out(bytes)
 *                                                 no:  buffer (newest kept)
 *   session --consoled_input()--> in ring --> guest
 *
 * Rules that keep a guest from hurting anyone else:
 *
 *   - never trust the ring: the guest writes out_prod and in_cons, and a
 *     producer index more than a ring ahead of the consumer is nonsense
 *     (counted as bad_indexes; the ring is resynchronised, nothing is
 *     copied from outside it);
 *   - bounded work: drain() takes at most CONSOLED_BUDGET bytes per turn
 *     and re-queues itself for the rest, so a flooding guest gets one
 *     share of Dom0's loop like every other source, and ^] on an attached
 *     terminal is always seen between two chunks;
 *   - bounded memory: the buffer keeps the newest CONSOLED_BUFFER bytes
 *     and counts the rest as dropped; a session sees "[... N bytes of
 *     output dropped ...]" where the gap is.
 *
 * After the guest dies its page stays mapped until the toolstack destroys
 * the domain, so the last output can still be drained and read (xl
 * console on a preserved domain).  A portable tool: OS interface only.
 */
#include "consoled.h"
#include "os_events.h"
#include "os_grant.h"
#include "os_loop.h"
#include <public/grant_table.h>
#include <public/io/console.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

struct cons {
    uint16_t domid;
    unsigned int port;
    volatile struct xencons_interface *ring;
    struct os_work *work;
    char *buf;                  /* CONSOLED_BUFFER bytes, a byte ring */
    uint32_t head, len;         /* oldest byte at buf[head] */
    uint64_t gap;               /* dropped since the session last saw output */
    struct consoled_stats st;
    consoled_out_fn *out;
    void *out_arg;
    struct cons *next;
};

static struct cons *conses;

static struct cons *find(uint16_t domid)
{
    for (struct cons *c = conses; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

bool consoled_serves(uint16_t domid)
{
    return find(domid) != NULL;
}

static void buffer_put(struct cons *c, const char *p, size_t n)
{
    if (n >= CONSOLED_BUFFER) {                 /* only the tail survives */
        c->st.dropped += n - CONSOLED_BUFFER + c->len;
        c->gap += n - CONSOLED_BUFFER + c->len;
        p += n - CONSOLED_BUFFER;
        n = CONSOLED_BUFFER;
        c->head = c->len = 0;
    }
    if (c->len + n > CONSOLED_BUFFER) {         /* make room: drop the oldest */
        uint32_t drop = (uint32_t)(c->len + n - CONSOLED_BUFFER);
        c->head = (c->head + drop) % CONSOLED_BUFFER;
        c->len -= drop;
        c->st.dropped += drop;
        c->gap += drop;
    }
    for (size_t i = 0; i < n; i++)
        c->buf[(c->head + c->len + i) % CONSOLED_BUFFER] = p[i];
    c->len += (uint32_t)n;
}

static void emit_gap(struct cons *c)
{
    char note[80];

    if (!c->gap)
        return;
    int n = snprintf(note, sizeof(note), "\r\n[... %llu bytes of output dropped ...]\r\n",
                     (unsigned long long)c->gap);
    c->gap = 0;
    c->out(c->out_arg, note, (size_t)n);
}

/* Give the buffer to the attached session. */
static void flush_buffer(struct cons *c)
{
    emit_gap(c);
    while (c->len && c->out) {
        uint32_t n = c->len;
        if (c->head + n > CONSOLED_BUFFER)
            n = CONSOLED_BUFFER - c->head;
        c->out(c->out_arg, c->buf + c->head, n);
        c->head = (c->head + n) % CONSOLED_BUFFER;
        c->len -= n;
    }
    c->head = 0;
}

/* Take up to CONSOLED_BUDGET bytes from the guest's out ring. */
static void drain(void *arg)
{
    struct cons *c = arg;
    volatile struct xencons_interface *r = c->ring;
    char chunk[CONSOLED_BUDGET];
    uint32_t cons, prod, n;

    if (!r)
        return;
    cons = r->out_cons;
    prod = r->out_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);    /* indexes before data */
    if (prod - cons > sizeof(r->out)) {
        c->st.bad_indexes++;
        r->out_cons = prod;                     /* resynchronise, copy nothing */
        os_evtchn_notify(c->port);
        return;
    }
    n = prod - cons;
    if (n > sizeof(chunk))
        n = sizeof(chunk);
    for (uint32_t i = 0; i < n; i++)
        chunk[i] = r->out[MASK_XENCONS_IDX(cons + i, r->out)];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* data read before the index moves */
    r->out_cons = cons + n;
    if (n) {
        os_evtchn_notify(c->port);              /* room again for the guest */
        c->st.out_bytes += n;
        if (c->out) {
            emit_gap(c);
            c->out(c->out_arg, chunk, n);
        } else {
            buffer_put(c, chunk, n);
        }
    }
    if (prod - (cons + n))                      /* more: next turn, after the others */
        os_work_queue(c->work);
}

static void on_event(void *arg, unsigned int port)
{
    (void)port;
    drain(arg);
}

static void free_cons(struct cons *c)
{
    if (c->port)
        os_evtchn_close(c->port);
    if (c->ring)
        os_gnt_unmap((void *)c->ring);
    os_work_free(c->work);
    free(c->buf);
    free(c);
}

int consoled_add(uint16_t domid, uint32_t port)
{
    struct cons *c;
    void *ring;
    int rc;

    if (find(domid))
        return -EEXIST;
    if (!(c = calloc(1, sizeof(*c))) || !(c->buf = malloc(CONSOLED_BUFFER)) ||
        !(c->work = os_work_new(drain, c))) {
        if (c)
            free_cons(c);
        return -ENOMEM;
    }
    c->domid = domid;
    rc = os_gnt_map(domid, GNTTAB_RESERVED_CONSOLE, true, &ring);
    if (rc) {
        free_cons(c);
        return rc;
    }
    c->ring = ring;
    rc = os_evtchn_bind_interdomain(domid, port, on_event, c);
    if (rc < 0) {
        free_cons(c);
        return rc;
    }
    c->port = (unsigned int)rc;
    c->next = conses;
    conses = c;
    drain(c);                                   /* output written before we came */
    return 0;
}

void consoled_remove(uint16_t domid)
{
    for (struct cons **pp = &conses; *pp; pp = &(*pp)->next) {
        struct cons *c = *pp;
        if (c->domid == domid) {
            *pp = c->next;
            free_cons(c);
            return;
        }
    }
}

int consoled_attach(uint16_t domid, consoled_out_fn *out, void *arg)
{
    struct cons *c = find(domid);

    if (!c)
        return -ENOENT;
    if (c->out)
        return -EBUSY;
    c->out = out;
    c->out_arg = arg;
    flush_buffer(c);
    os_work_queue(c->work);                     /* and whatever is in the ring */
    return 0;
}

void consoled_detach(uint16_t domid)
{
    struct cons *c = find(domid);

    if (c) {
        c->out = NULL;
        c->out_arg = NULL;
    }
}

int consoled_input(uint16_t domid, const char *buf, size_t n)
{
    struct cons *c = find(domid);
    volatile struct xencons_interface *r;
    uint32_t prod, cons, space, i;

    if (!c)
        return -ENOENT;
    r = c->ring;
    prod = r->in_prod;
    cons = r->in_cons;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (prod - cons > sizeof(r->in)) {
        c->st.bad_indexes++;
        c->st.in_dropped += n;
        return 0;
    }
    space = (uint32_t)sizeof(r->in) - (prod - cons);
    for (i = 0; i < n && i < space; i++)
        r->in[MASK_XENCONS_IDX(prod + i, r->in)] = buf[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);    /* data before the index */
    r->in_prod = prod + i;
    c->st.in_bytes += i;
    c->st.in_dropped += n - i;
    if (i)
        os_evtchn_notify(c->port);
    return (int)i;
}

int consoled_stats(uint16_t domid, struct consoled_stats *st)
{
    struct cons *c = find(domid);

    if (!c)
        return -ENOENT;
    *st = c->st;
    st->buffered = c->len;
    return 0;
}
