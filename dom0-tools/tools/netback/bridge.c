/*
 * A learning Ethernet bridge, as Linux's bridge does it for a Xen Dom0's
 * xenbr0 (without spanning tree: Dom0's bridges have one physical port
 * at most, so no loop can form through them).
 *
 * For each frame that enters through port P:
 *
 *   1. checks: shorter than an Ethernet header -> dropped (runt); a
 *      multicast or all-zero source address -> dropped (no station has
 *      one); P locked to a MAC and the source is another -> dropped
 *      (spoofed);
 *   2. learn: source -> P, stamped now (a station seen on another port
 *      has moved: the entry follows it);
 *   3. deliver: a multicast/broadcast destination, or a unicast one not
 *      in the table (or aged out), is FLOODED to every port but P; a
 *      known one goes to its port only, or nowhere if that is P itself
 *      (FILTERED: the two stations share P's segment).
 *
 * So a frame reaches a port it was not addressed to only by flooding,
 * which is what a switch does for addresses it has not seen yet; and
 * because vifs are locked to the MAC the toolstack gave their guest, a
 * guest cannot make the bridge learn another guest's address on its own
 * port and steal that guest's unicast traffic.  Bridges share nothing:
 * each has its own table and ports.
 *
 * The address table holds BRIDGE_FDB_SIZE entries in hash chains (a
 * frame costs one lookup of each address, not a scan); when it is full
 * the aged entries are swept, and if none is, the new address is not
 * learned (its frames are flooded, which is slower but correct) rather
 * than evicting a live station.  Ageing is lazy (an expired entry is
 * ignored and reused) plus bridge_age() for the sweep netback runs
 * every few seconds.
 */
#include "bridge.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define MAX_BRIDGES     8
#define FDB_BUCKETS     64
#define NIL             0xffffu

struct bridge_port {
    struct bridge *br;
    char name[BRIDGE_NAME_MAX];
    bool locked;
    uint8_t mac[6];
    bridge_xmit_fn *xmit;
    void *arg;
    struct bridge_port_stats st;
};

struct fdb_entry {
    uint8_t mac[6];
    bool is_static;             /* the bridge's own address: never ages, never moves */
    uint16_t next;              /* chain, or free list */
    struct bridge_port *port;
    uint64_t seen_ns;
};

struct bridge {
    char name[BRIDGE_NAME_MAX];
    struct bridge_port *ports[BRIDGE_MAX_PORTS];
    unsigned int nr_ports;
    uint64_t ageing_ns;
    uint16_t bucket[FDB_BUCKETS];
    uint16_t free;
    struct fdb_entry fdb[BRIDGE_FDB_SIZE];
    struct bridge_stats st;
};

static struct bridge *bridges[MAX_BRIDGES];

static unsigned int hash(const uint8_t mac[6])
{
    uint32_t h = 2166136261u;

    for (int i = 0; i < 6; i++)
        h = (h ^ mac[i]) * 16777619u;
    return (h ^ (h >> 16)) % FDB_BUCKETS;
}

static void fdb_init(struct bridge *b)
{
    for (unsigned int i = 0; i < FDB_BUCKETS; i++)
        b->bucket[i] = NIL;
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        b->fdb[i].next = (uint16_t)(i + 1 < BRIDGE_FDB_SIZE ? i + 1 : NIL);
    b->free = 0;
    b->st.addresses = 0;
}

struct bridge *bridge_get(const char *name, bool create)
{
    unsigned int i;

    if (!name || !*name || strlen(name) >= BRIDGE_NAME_MAX)
        return NULL;
    for (i = 0; i < MAX_BRIDGES && bridges[i]; i++)
        if (!strcmp(bridges[i]->name, name))
            return bridges[i];
    if (!create || i == MAX_BRIDGES || !(bridges[i] = calloc(1, sizeof(struct bridge))))
        return NULL;
    strcpy(bridges[i]->name, name);
    bridges[i]->ageing_ns = BRIDGE_AGEING_NS;
    fdb_init(bridges[i]);
    return bridges[i];
}

struct bridge *bridge_at(unsigned int index)
{
    return index < MAX_BRIDGES ? bridges[index] : NULL;
}

const char *bridge_name(const struct bridge *b) { return b->name; }

void bridge_stats(const struct bridge *b, struct bridge_stats *st) { *st = b->st; }

void bridge_reset_all(void)
{
    for (unsigned int i = 0; i < MAX_BRIDGES && bridges[i]; i++) {
        for (unsigned int p = 0; p < bridges[i]->nr_ports; p++)
            free(bridges[i]->ports[p]);
        free(bridges[i]);
        bridges[i] = NULL;
    }
}

void bridge_set_ageing(struct bridge *b, uint64_t ageing_ns) { b->ageing_ns = ageing_ns; }

/* ---- the address table ---------------------------------------------------- */

static bool live(const struct bridge *b, const struct fdb_entry *e, uint64_t now_ns)
{
    return e->is_static || now_ns - e->seen_ns < b->ageing_ns;
}

static struct fdb_entry *fdb_find(struct bridge *b, const uint8_t mac[6])
{
    for (uint16_t i = b->bucket[hash(mac)]; i != NIL; i = b->fdb[i].next)
        if (!memcmp(b->fdb[i].mac, mac, 6))
            return &b->fdb[i];
    return NULL;
}

/* Unlink every entry for which drop(entry) holds: how many. */
static unsigned int fdb_remove_if(struct bridge *b, bool (*drop)(struct bridge *, struct fdb_entry *,
                                                                  const void *), const void *arg)
{
    unsigned int n = 0;

    for (unsigned int h = 0; h < FDB_BUCKETS; h++) {
        for (uint16_t *pi = &b->bucket[h]; *pi != NIL;) {
            struct fdb_entry *e = &b->fdb[*pi];
            if (drop(b, e, arg)) {
                uint16_t idx = *pi;
                *pi = e->next;
                e->next = b->free;
                b->free = idx;
                e->port = NULL;
                b->st.addresses--;
                n++;
            } else {
                pi = &e->next;
            }
        }
    }
    return n;
}

static bool is_aged(struct bridge *b, struct fdb_entry *e, const void *now)
{
    return !live(b, e, *(const uint64_t *)now);
}

static bool on_port(struct bridge *b, struct fdb_entry *e, const void *port)
{
    (void)b;
    return e->port == port;
}

unsigned int bridge_age(struct bridge *b, uint64_t now_ns)
{
    unsigned int n = fdb_remove_if(b, is_aged, &now_ns);

    b->st.aged += n;
    return n;
}

static struct fdb_entry *fdb_insert(struct bridge *b, const uint8_t mac[6],
                                    struct bridge_port *p, uint64_t now_ns)
{
    uint16_t idx = b->free;
    struct fdb_entry *e = &b->fdb[idx];
    unsigned int h = hash(mac);

    b->free = e->next;
    memcpy(e->mac, mac, 6);
    e->is_static = false;
    e->port = p;
    e->seen_ns = now_ns;
    e->next = b->bucket[h];
    b->bucket[h] = idx;
    b->st.addresses++;
    return e;
}

static void learn(struct bridge *b, const uint8_t mac[6], struct bridge_port *p, uint64_t now_ns)
{
    struct fdb_entry *e = fdb_find(b, mac);

    if (e) {
        if (e->port != p) {
            if (live(b, e, now_ns))
                b->st.moved++;
            e->port = p;
        }
        e->seen_ns = now_ns;
        return;
    }
    if (b->free == NIL && !bridge_age(b, now_ns)) {
        b->st.table_full++;
        return;
    }
    fdb_insert(b, mac, p, now_ns);
    b->st.learned++;
}

int bridge_fdb_add_static(struct bridge *b, const uint8_t mac[6], struct bridge_port *p)
{
    struct fdb_entry *e = fdb_find(b, mac);

    if (!e) {
        if (b->free == NIL)
            return -ENOSPC;
        e = fdb_insert(b, mac, p, 0);
    }
    e->port = p;
    e->is_static = true;
    return 0;
}

struct bridge_port *bridge_lookup(struct bridge *b, const uint8_t mac[6], uint64_t now_ns)
{
    struct fdb_entry *e = fdb_find(b, mac);

    return e && live(b, e, now_ns) ? e->port : NULL;
}

void bridge_fdb_walk(struct bridge *b, uint64_t now_ns, bridge_fdb_fn *fn, void *arg)
{
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++) {
        struct fdb_entry *e = &b->fdb[i];
        if (e->port && live(b, e, now_ns))
            fn(arg, e->mac, e->port, now_ns - e->seen_ns);
    }
}

/* ---- ports ---------------------------------------------------------------- */

struct bridge_port *bridge_port_add(struct bridge *b, const char *name,
                                    const uint8_t *locked_mac,
                                    bridge_xmit_fn *xmit, void *arg)
{
    struct bridge_port *p;

    if (b->nr_ports == BRIDGE_MAX_PORTS || !(p = calloc(1, sizeof(*p))))
        return NULL;
    p->br = b;
    snprintf(p->name, sizeof(p->name), "%s", name);
    if (locked_mac) {
        p->locked = true;
        memcpy(p->mac, locked_mac, 6);
    }
    p->xmit = xmit;
    p->arg = arg;
    b->ports[b->nr_ports++] = p;
    return p;
}

void bridge_port_del(struct bridge_port *p)
{
    struct bridge *b = p->br;
    unsigned int i;

    fdb_remove_if(b, on_port, p);
    for (i = 0; i < b->nr_ports && b->ports[i] != p; i++)
        ;
    if (i < b->nr_ports) {
        memmove(&b->ports[i], &b->ports[i + 1], (b->nr_ports - i - 1) * sizeof(b->ports[0]));
        b->nr_ports--;
    }
    free(p);
}

const char *bridge_port_name(const struct bridge_port *p) { return p->name; }
struct bridge *bridge_port_bridge(const struct bridge_port *p) { return p->br; }
void bridge_port_stats(const struct bridge_port *p, struct bridge_port_stats *st) { *st = p->st; }

struct bridge_port *bridge_port_at(const struct bridge *b, unsigned int index)
{
    return index < b->nr_ports ? b->ports[index] : NULL;
}

/* ---- forwarding ------------------------------------------------------------- */

static void deliver(struct bridge_port *out, const void *frame, size_t len)
{
    if (out->xmit(out->arg, frame, len)) {
        out->st.tx_dropped++;
        return;
    }
    out->st.tx_frames++;
    out->st.tx_bytes += len;
}

void bridge_input(struct bridge_port *in, const void *frame, size_t len, uint64_t now_ns)
{
    static const uint8_t zero[6];
    struct bridge *b = in->br;
    const uint8_t *dst = frame, *src = (const uint8_t *)frame + 6;
    struct bridge_port *out;

    if (len < 14) {
        in->st.runts++;
        return;
    }
    if ((src[0] & 1) || !memcmp(src, zero, 6)) {
        in->st.bad_source++;
        return;
    }
    if (in->locked && memcmp(src, in->mac, 6)) {
        in->st.spoofed++;
        return;
    }
    struct fdb_entry *own = fdb_find(b, src);
    if (own && own->is_static && own->port != in) {
        in->st.spoofed++;                       /* the bridge's own address */
        return;
    }
    in->st.rx_frames++;
    in->st.rx_bytes += len;
    learn(b, src, in, now_ns);

    if (!(dst[0] & 1) && (out = bridge_lookup(b, dst, now_ns))) {
        if (out == in) {
            b->st.filtered++;
            return;
        }
        b->st.forwarded++;
        deliver(out, frame, len);
        return;
    }
    /* Flooding: a port removed by its own xmit would shift the array, so
     * the list is taken first (ports are only removed from the main loop,
     * never from inside a delivery, but this costs nothing). */
    struct bridge_port *targets[BRIDGE_MAX_PORTS];
    unsigned int n = 0;
    for (unsigned int i = 0; i < b->nr_ports; i++)
        if (b->ports[i] != in)
            targets[n++] = b->ports[i];
    b->st.flooded++;
    for (unsigned int i = 0; i < n; i++)
        deliver(targets[i], frame, len);
}
