/*
 * The DHCP server's decisions (dhcp.h): the configuration file, the lease
 * table, and what RFC 2131 says a server answers to each message.
 *
 * The table is one entry per address we may give: every address of the
 * pool, then every reservation (`host MAC IP`).  An entry remembers the
 * last MAC that held it even once free, so a client that comes back gets
 * its old address if nobody took it meanwhile; addresses never held are
 * given first, then the ones free the longest.  States (each with its
 * expiry, brought up to date lazily whenever the table is looked at):
 *
 *   FREE --DISCOVER--> OFFERED (30 s) --REQUEST--> BOUND (the lease) --+
 *     ^                   |  expiry, another server chosen            |
 *     +-------------------+<---------- RELEASE, expiry ---------------+
 *   DECLINE (the client found the address in use): DECLINED for 10 min
 *
 * Hostile clients.  The daemon drops a message whose chaddr is not the
 * frame's source MAC, and the bridge locks each vif to its own MAC, so a
 * guest can only ever ask for itself: a flood of DISCOVERs with random
 * MACs from a guest is dropped before it gets here.  What still arrives
 * (many real clients, a physical port) cannot exhaust the pool by
 * asking: an offer is tentative, and when no address is free the oldest
 * offer is taken back (`reclaimed`) for the newcomer -- only a REQUEST
 * completing the exchange binds an address, and a bound lease is never
 * taken back before it expires or is released.  A REQUEST for an address
 * that is not this client's to have is NAKed; one following another
 * server's offer (server id not ours) only frees our offer.  RELEASE and
 * DECLINE act only on the address the sending MAC holds.
 *
 * Configuration (one statement a line, `#` comments; every error names
 * its line and nothing of a bad file is used):
 *
 *   interface NAME             the port served (xenbr0)
 *   address IP                 the server's own address there (10.0.3.1)
 *   netmask MASK               (255.255.255.0; contiguous)
 *   range FIRST LAST           the pool (10.0.3.100 10.0.3.199), inside the
 *                              subnet, not the server, the network or the
 *                              broadcast address, at most 256 addresses
 *   router IP|none             offered as the default route (none)
 *   dns IP|none                offered as the name server (none)
 *   lease SECONDS              10 .. 31536000 (3600)
 *   host MAC IP [NAME]         a reservation: that MAC always gets IP (in
 *                              the subnet, outside the pool), nobody else
 */
#include "dhcp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define NS_PER_S 1000000000ull

void dhcp_config_default(struct dhcp_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->ifname, "xenbr0");
    c->server = 0x0a000301u;
    c->netmask = 0xffffff00u;
    c->pool_first = 0x0a000364u;
    c->pool_last = 0x0a0003c7u;
    c->lease_s = 3600;
}

static bool parse_ip(const char *s, uint32_t *ip)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++) {
        unsigned int b = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            b = b * 10 + (unsigned int)(*s++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || b > 255 || (i < 3 && *s++ != '.'))
            return false;
        v = v << 8 | b;
    }
    *ip = v;
    return *s == '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int h = hexval(s[0]), l = h < 0 ? -1 : hexval(s[1]);
        if (h < 0 || l < 0 || (i < 5 && s[2] != ':') || (i == 5 && s[2]))
            return false;
        mac[i] = (uint8_t)(h << 4 | l);
        s += 3;
    }
    return true;
}

#define ERR(fmt, ...) \
    do { snprintf(err, errlen, "line %u: " fmt, line, ##__VA_ARGS__); return -EINVAL; } while (0)
#define ERR_ALL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

static bool in_subnet(const struct dhcp_config *c, uint32_t ip)
{
    uint32_t net = c->server & c->netmask;
    return (ip & c->netmask) == net && ip != net && ip != (net | ~c->netmask);
}

int dhcp_config_parse(const char *text, size_t len, struct dhcp_config *out,
                      char *err, size_t errlen)
{
    struct dhcp_config c;
    unsigned int line = 0;
    size_t pos = 0;
    bool have_range = false;

    dhcp_config_default(&c);
    while (pos < len) {
        char buf[256], *w[5];
        size_t n = 0;
        unsigned int nw = 0;
        line++;
        while (pos < len && text[pos] != '\n') {
            if (n + 1 >= sizeof(buf))
                ERR("longer than %zu characters", sizeof(buf) - 1);
            if (text[pos] == '\0')
                ERR("a NUL byte");
            buf[n++] = text[pos++];
        }
        pos++;
        buf[n] = '\0';
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        for (char *p = buf; *p;) {
            while (*p == ' ' || *p == '\t' || *p == '\r')
                *p++ = '\0';
            if (!*p)
                break;
            if (nw == 5)
                ERR("too many words");
            w[nw++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r')
                p++;
        }
        if (nw == 0)
            continue;
        const char *k = w[0];
        uint32_t ip, ip2;
        if (!strcmp(k, "interface")) {
            if (nw != 2 || strlen(w[1]) >= sizeof(c.ifname))
                ERR("interface NAME (at most %zu characters)", sizeof(c.ifname) - 1);
            strcpy(c.ifname, w[1]);
        } else if (!strcmp(k, "address")) {
            if (nw != 2 || !parse_ip(w[1], &ip) || ip == 0 || ip == 0xffffffffu)
                ERR("address IP (e.g. 10.0.3.1)");
            c.server = ip;
        } else if (!strcmp(k, "netmask")) {
            if (nw != 2 || !parse_ip(w[1], &ip) || (~ip & (~ip + 1)) || ip == 0 ||
                (~ip) < 3)
                ERR("netmask MASK: contiguous, from 128.0.0.0 to 255.255.255.252");
            c.netmask = ip;
        } else if (!strcmp(k, "range")) {
            if (nw != 3 || !parse_ip(w[1], &ip) || !parse_ip(w[2], &ip2))
                ERR("range FIRST LAST (two addresses)");
            if (ip2 < ip)
                ERR("range: %s comes after %s", w[1], w[2]);
            if (ip2 - ip >= DHCP_POOL_MAX)
                ERR("range: %u addresses, at most %u", ip2 - ip + 1, DHCP_POOL_MAX);
            c.pool_first = ip;
            c.pool_last = ip2;
            have_range = true;
        } else if (!strcmp(k, "router") || !strcmp(k, "dns")) {
            if (nw != 2 || (strcmp(w[1], "none") && (!parse_ip(w[1], &ip) || ip == 0)))
                ERR("%s IP|none", k);
            *(k[0] == 'r' ? &c.router : &c.dns) = strcmp(w[1], "none") ? ip : 0;
        } else if (!strcmp(k, "lease")) {
            char *end;
            unsigned long v = strtoul(w[1], &end, 10);
            if (nw != 2 || end == w[1] || *end || w[1][0] == '-' || v < DHCP_LEASE_MIN_S ||
                v > DHCP_LEASE_MAX_S)
                ERR("lease SECONDS (%u to %u)", DHCP_LEASE_MIN_S, DHCP_LEASE_MAX_S);
            c.lease_s = (uint32_t)v;
        } else if (!strcmp(k, "host")) {
            struct dhcp_host h = { 0 };
            if (nw < 3 || nw > 4 || !parse_mac(w[1], h.mac) || !parse_ip(w[2], &h.ip))
                ERR("host MAC IP [NAME]");
            if (h.mac[0] & 1)
                ERR("host %s: a multicast MAC", w[1]);
            if (nw == 4) {
                if (strlen(w[3]) >= sizeof(h.name))
                    ERR("host name longer than %zu characters", sizeof(h.name) - 1);
                strcpy(h.name, w[3]);
            }
            if (c.nhosts == DHCP_HOSTS_MAX)
                ERR("more than %u hosts", DHCP_HOSTS_MAX);
            for (unsigned int i = 0; i < c.nhosts; i++)
                if (!memcmp(c.hosts[i].mac, h.mac, 6) || c.hosts[i].ip == h.ip)
                    ERR("host %s %s: that MAC or address is reserved already", w[1], w[2]);
            c.hosts[c.nhosts++] = h;
        } else {
            ERR("unknown statement '%s' (interface, address, netmask, range, router, dns, "
                "lease, host)", k);
        }
    }
    /* The whole: what each line could not check alone. */
    uint32_t net = c.server & c.netmask;
    if (!in_subnet(&c, c.server))
        ERR_ALL("address: the network's or its broadcast address");
    if (!have_range && (c.pool_first & c.netmask) != net) {
        /* the default pool does not fit a changed address: the top of the subnet */
        uint32_t size = ~c.netmask - 1;
        c.pool_first = net + 1 + size / 2;
        c.pool_last = c.pool_first + (size - size / 2 > DHCP_POOL_MAX ? DHCP_POOL_MAX
                                                                      : size - size / 2) - 1;
    }
    if (!in_subnet(&c, c.pool_first) || !in_subnet(&c, c.pool_last))
        ERR_ALL("range: not inside the subnet of address/netmask");
    if (c.server >= c.pool_first && c.server <= c.pool_last)
        ERR_ALL("range: contains the server's own address");
    for (unsigned int i = 0; i < c.nhosts; i++) {
        if (!in_subnet(&c, c.hosts[i].ip) || c.hosts[i].ip == c.server)
            ERR_ALL("host %u: its address is not a client's address of the subnet", i + 1);
        if (c.hosts[i].ip >= c.pool_first && c.hosts[i].ip <= c.pool_last)
            ERR_ALL("host %u: its address is inside the range", i + 1);
    }
    if (c.router && !in_subnet(&c, c.router))
        ERR_ALL("router: not inside the subnet");
    *out = c;
    return 0;
}

void dhcp_server_init(struct dhcp_server *s, const struct dhcp_config *c)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *c;
    for (uint32_t ip = c->pool_first; ip <= c->pool_last; ip++)
        s->leases[s->nleases++].ip = ip;
    for (unsigned int i = 0; i < c->nhosts; i++) {
        struct dhcp_lease *l = &s->leases[s->nleases++];
        l->ip = c->hosts[i].ip;
        l->reserved = true;
        l->known = true;
        memcpy(l->mac, c->hosts[i].mac, 6);
        strcpy(l->hostname, c->hosts[i].name);
    }
}

static void settle(struct dhcp_server *s, struct dhcp_lease *l, uint64_t now)
{
    if (l->state == LEASE_FREE || now < l->expires_ns)
        return;
    if (l->state == LEASE_BOUND)
        s->st.expired++;
    l->state = LEASE_FREE;
    l->since_ns = l->expires_ns;
}

unsigned int dhcp_expire(struct dhcp_server *s, uint64_t now)
{
    uint64_t before = s->st.expired;

    for (unsigned int i = 0; i < s->nleases; i++)
        settle(s, &s->leases[i], now);
    return (unsigned int)(s->st.expired - before);
}

static struct dhcp_lease *by_mac(struct dhcp_server *s, const uint8_t mac[6])
{
    /* a reservation first, then the address this MAC holds or held last */
    struct dhcp_lease *best = NULL;

    for (unsigned int i = 0; i < s->nleases; i++) {
        struct dhcp_lease *l = &s->leases[i];
        if (!l->known || memcmp(l->mac, mac, 6))
            continue;
        if (l->reserved)
            return l;
        if (l->state == LEASE_OFFERED || l->state == LEASE_BOUND)
            best = l;
        else if (l->state == LEASE_FREE && (!best || (best->state == LEASE_FREE &&
                                                      l->since_ns > best->since_ns)))
            best = l;
    }
    return best;
}

static struct dhcp_lease *by_ip(struct dhcp_server *s, uint32_t ip)
{
    for (unsigned int i = 0; i < s->nleases; i++)
        if (s->leases[i].ip == ip)
            return &s->leases[i];
    return NULL;
}

/* May mac have l?  Its reservation, or a pool address nobody else holds. */
static bool may_have(const struct dhcp_lease *l, const uint8_t mac[6])
{
    bool mine = l->known && !memcmp(l->mac, mac, 6);

    if (l->reserved)
        return mine;
    return mine ? l->state != LEASE_DECLINED : l->state == LEASE_FREE;
}

/* An address for a DISCOVER from mac: see the essay. */
static struct dhcp_lease *choose(struct dhcp_server *s, const struct dhcp_msg *m)
{
    struct dhcp_lease *l = by_mac(s, m->chaddr), *best = NULL;

    if (l && may_have(l, m->chaddr))
        return l;
    if (m->has_requested && (l = by_ip(s, m->requested)) && may_have(l, m->chaddr))
        return l;
    for (unsigned int i = 0; i < s->nleases; i++) {
        l = &s->leases[i];
        if (l->reserved || l->state != LEASE_FREE)
            continue;
        if (!l->known)
            return l;                   /* never held: the first such */
        if (!best || l->since_ns < best->since_ns)
            best = l;
    }
    if (best)
        return best;
    for (unsigned int i = 0; i < s->nleases; i++) {
        l = &s->leases[i];
        if (!l->reserved && l->state == LEASE_OFFERED &&
            (!best || l->since_ns < best->since_ns))
            best = l;
    }
    if (best)
        s->st.reclaimed++;
    return best;
}

static void take(struct dhcp_lease *l, const struct dhcp_msg *m, uint8_t state,
                 uint64_t until, uint64_t now)
{
    if (!l->known || memcmp(l->mac, m->chaddr, 6))
        l->hostname[0] = '\0';
    l->known = true;
    memcpy(l->mac, m->chaddr, 6);
    if (m->hostname[0] && !l->reserved)
        strcpy(l->hostname, m->hostname);
    l->state = state;
    l->expires_ns = until;
    l->since_ns = now;
}

static uint8_t ack(struct dhcp_server *s, struct dhcp_lease *l, const struct dhcp_msg *m,
                   uint64_t now, struct dhcp_reply_params *rp)
{
    take(l, m, LEASE_BOUND, now + s->cfg.lease_s * NS_PER_S, now);
    rp->yiaddr = l->ip;
    rp->lease_s = s->cfg.lease_s;
    s->st.acks++;
    return DHCPACK;
}

static uint8_t nak(struct dhcp_server *s, struct dhcp_reply_params *rp)
{
    rp->yiaddr = 0;
    rp->lease_s = 0;
    s->st.naks++;
    return DHCPNAK;
}

uint8_t dhcp_handle(struct dhcp_server *s, const struct dhcp_msg *m, uint64_t now,
                    struct dhcp_reply_params *rp)
{
    const struct dhcp_config *c = &s->cfg;
    struct dhcp_lease *l;

    memset(rp, 0, sizeof(*rp));
    rp->server = c->server;
    rp->netmask = c->netmask;
    rp->router = c->router;
    rp->dns = c->dns;
    dhcp_expire(s, now);
    s->st.in[m->type]++;
    switch (m->type) {
    case DHCPDISCOVER:
        if (!(l = choose(s, m))) {
            s->st.exhausted++;
            return 0;
        }
        take(l, m, LEASE_OFFERED, now + DHCP_OFFER_HOLD_S * NS_PER_S, now);
        rp->yiaddr = l->ip;
        rp->lease_s = c->lease_s;
        s->st.offers++;
        return DHCPOFFER;
    case DHCPREQUEST: {
        uint32_t want;
        if (m->has_server_id) {         /* SELECTING: after an offer */
            l = by_mac(s, m->chaddr);
            if (m->server_id != c->server) {
                s->st.not_ours++;
                if (l && l->state == LEASE_OFFERED && !l->reserved) {
                    l->state = LEASE_FREE;
                    l->since_ns = now;
                }
                return 0;
            }
            if (!m->has_requested || !l || l->ip != m->requested || !may_have(l, m->chaddr))
                return nak(s, rp);
            return ack(s, l, m, now, rp);
        }
        /* INIT-REBOOT (requested address) or RENEWING/REBINDING (ciaddr) */
        want = m->has_requested ? m->requested : m->ciaddr;
        if (!want || !(l = by_ip(s, want)) || !may_have(l, m->chaddr))
            return nak(s, rp);
        /* a client holding another address of ours gives that one up */
        struct dhcp_lease *old = by_mac(s, m->chaddr);
        if (old && old != l && !old->reserved && old->state != LEASE_FREE) {
            old->state = LEASE_FREE;
            old->since_ns = now;
        }
        return ack(s, l, m, now, rp);
    }
    case DHCPDECLINE:
        l = m->has_requested ? by_ip(s, m->requested) : NULL;
        if (!m->has_server_id || m->server_id != c->server || !l || !l->known ||
            memcmp(l->mac, m->chaddr, 6) || l->state == LEASE_FREE)
            return 0;
        l->state = LEASE_DECLINED;
        l->known = l->reserved;         /* nobody's (a reservation stays its host's) */
        l->expires_ns = now + DHCP_DECLINE_HOLD_S * NS_PER_S;
        l->since_ns = now;
        return 0;
    case DHCPRELEASE:
        l = by_ip(s, m->ciaddr);
        if (l && l->known && !memcmp(l->mac, m->chaddr, 6) && l->state == LEASE_BOUND) {
            l->state = LEASE_FREE;
            l->since_ns = now;
        }
        return 0;
    case DHCPINFORM:
        if (!m->ciaddr)
            return 0;
        s->st.acks++;
        return DHCPACK;                 /* configuration only: no address, no lease */
    default:
        return 0;
    }
}

const struct dhcp_lease *dhcp_lease_of(const struct dhcp_server *s, const uint8_t mac[6],
                                       uint64_t now)
{
    for (unsigned int i = 0; i < s->nleases; i++) {
        const struct dhcp_lease *l = &s->leases[i];
        if (l->known && !memcmp(l->mac, mac, 6) &&
            (l->state == LEASE_OFFERED || l->state == LEASE_BOUND) && now < l->expires_ns)
            return l;
    }
    return NULL;
}
