/*
 * The other messages: transactions, watches, the domain messages of the
 * toolstack, and CONTROL.
 *
 *   TRANSACTION_START  "" -> id      tx_id must be 0 (an open one: EBUSY,
 *                                    else ENOENT); over the quota: ENOSPC
 *   TRANSACTION_END    "T" / "F"     commit / abort; the transaction ends
 *                                    either way; a conflict is EAGAIN
 *   WATCH, UNWATCH     path, token   duplicate: EEXIST; unknown: ENOENT;
 *                                    over the quota: ENOSPC; the new watch
 *                                    fires once at once (after the "OK")
 *   RESET_WATCHES                    drops the caller's watches and
 *                                    transactions
 *   INTRODUCE          domid, mfn, port   (privileged)
 *   RELEASE, RESUME    domid              (privileged)
 *   SET_TARGET         domid, target      (privileged)
 *   GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED  domid (anyone)
 *   CONTROL            command, args      (privileged; "help" lists them:
 *                                         check, quota, print, stats, help)
 */
#include "xs_core.h"

int op_tx_start(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    const struct xs_quota *q = dom_quota(r->s, c->dom);
    char id[12];
    struct xs_txn *t;

    if (r->len && r->payload[r->len - 1] != '\0')
        return -XEN_EINVAL;
    if (r->hdr.tx_id)
        return txn_find(c, r->hdr.tx_id) ? -XEN_EBUSY : -XEN_ENOENT;
    if (conn_limited(c) && q->transactions && c->nr_txns >= q->transactions)
        return -XEN_ENOSPC;
    if (conn_over_memory(c, sizeof(*t)) || !(t = calloc(1, sizeof(*t))))
        return -XEN_ENOMEM;
    /* A fresh id: never 0, never one in use (wraps after 2^32 starts). */
    do {
        t->id = c->next_txid++;
    } while (!t->id || txn_find(c, t->id));
    t->started_ms = xs_now(r->s);
    ov_init(&t->ov, c, NULL, true);
    list_add_tail(&c->txns, &t->link);
    c->nr_txns++;
    dom_charge(c->dom, sizeof(*t));
    snprintf(id, sizeof(id), "%u", (unsigned int)t->id);
    return reply_str(r, id);
}

int op_tx_end(struct xs_req *r)
{
    const char *s[1];
    int rc = req_strings(r, s, 1, false, NULL, NULL);

    if (!r->tx)
        return -XEN_ENOENT;
    if (rc || (strcmp(s[0], "T") && strcmp(s[0], "F")))
        return -XEN_EINVAL;
    if (s[0][0] == 'T')
        rc = txn_is_doomed(r->s, r->tx) ? -XEN_EAGAIN : ov_commit(r->s, &r->tx->ov);
    if (rc == -XEN_EAGAIN && txn_is_doomed(r->s, r->tx))
        r->s->st.conflicts++;
    txn_free(r->c, r->tx);
    r->tx = NULL;
    return rc ? rc : reply_str(r, "OK");
}

/* path\0token\0[reserved\0]: the canonical path in r->path. */
static int watch_args(struct xs_req *r, const char **path, const char **token)
{
    const char *s[2];
    int rc = req_strings(r, s, 2, true, NULL, NULL);

    if (rc || (rc = path_canon(r->c, s[0], r->path, &r->plen, XS_PATH_SPECIAL)))
        return rc;
    *path = s[0];
    *token = s[1];
    return 0;
}

int op_watch(struct xs_req *r)
{
    const char *path, *token;
    bool special, relative;
    int rc = watch_args(r, &path, &token);

    if (rc)
        return rc;
    special = r->path[0] == '@';
    relative = !special && path[0] != '/';
    rc = watch_add(r->c, r->path, r->plen, relative, special, token, (uint32_t)strlen(token));
    if (rc)
        return rc;
    /* "OK" first, then the event every new watch gets at once. */
    conn_queue(r->c, XS_WATCH, r->hdr.req_id, r->hdr.tx_id, "OK", 3, false);
    r->no_reply = true;
    watch_send(r->c, container_of(r->c->watches.prev, struct xs_watch, link), r->path, r->plen);
    return 0;
}

int op_unwatch(struct xs_req *r)
{
    const char *path, *token;
    int rc = watch_args(r, &path, &token);

    if (rc || (rc = watch_del(r->c, r->path, r->plen, token, (uint32_t)strlen(token))))
        return rc;
    return reply_str(r, "OK");
}

int op_reset_watches(struct xs_req *r)
{
    watch_drop_all(r->c);
    conn_drop_txns(r->c);
    return reply_str(r, "OK");
}

/* ---- domains ------------------------------------------------------------ */

static int one_domid(struct xs_req *r, uint16_t *domid)
{
    const char *s[1];
    int rc = req_strings(r, s, 1, false, NULL, NULL);

    return rc ? rc : parse_domid(s[0], domid);
}

int op_introduce(struct xs_req *r)
{
    const char *s[3];
    uint16_t domid;
    uint32_t mfn, port;
    int rc = req_strings(r, s, 3, true, NULL, NULL);

    if (rc || parse_domid(s[0], &domid) || parse_u32(s[1], &mfn) || parse_u32(s[2], &port))
        return -XEN_EINVAL;
    if ((rc = dom_introduce(r->s, domid, mfn, port)))
        return rc;
    return reply_str(r, "OK");
}

int op_release(struct xs_req *r)
{
    uint16_t domid;
    int rc = one_domid(r, &domid);

    if (rc || (rc = dom_release(r->s, domid)))
        return rc;
    return reply_str(r, "OK");
}

int op_get_domain_path(struct xs_req *r)
{
    uint16_t domid;
    char home[32];
    int rc = one_domid(r, &domid);

    if (rc)
        return rc;
    path_home(domid, home, sizeof(home));
    return reply_str(r, home);
}

int op_is_introduced(struct xs_req *r)
{
    uint16_t domid;
    const struct xs_dom *d;
    int rc = one_domid(r, &domid);

    if (rc)
        return rc;
    d = dom_find(r->s, domid);
    return reply_str(r, d && d->introduced ? "T" : "F");
}

int op_resume(struct xs_req *r)
{
    uint16_t domid;
    struct xs_dom *d;
    int rc = one_domid(r, &domid);

    if (rc)
        return rc;
    if (!(d = dom_find(r->s, domid)) || !d->introduced)
        return -XEN_ENOENT;
    d->shutdown_seen = false;           /* the next shutdown fires again */
    return reply_str(r, "OK");
}

int op_set_target(struct xs_req *r)
{
    const char *s[2];
    uint16_t domid, target;
    struct xs_dom *d, *t;
    int rc = req_strings(r, s, 2, false, NULL, NULL);

    if (rc || parse_domid(s[0], &domid) || parse_domid(s[1], &target))
        return -XEN_EINVAL;
    d = dom_find(r->s, domid);
    t = dom_find(r->s, target);
    if (!d || !d->introduced || !d->conn || !t || !t->introduced)
        return -XEN_ENOENT;
    d->conn->target = target;
    d->conn->has_target = true;
    return reply_str(r, "OK");
}

/* ---- CONTROL ---------------------------------------------------------- */

static int control_quota(struct xs_req *r, const char **a, unsigned int n)
{
    struct xs_quota *q = &r->s->cfg.quota;
    char line[64];
    uint32_t v;
    uint16_t domid;

    if (n == 0) {                           /* list the defaults */
        const uint32_t *f = &q->nodes;
        for (unsigned int i = 0; xs_quota_names[i]; i++) {
            snprintf(line, sizeof(line), "%s %u\n", xs_quota_names[i], (unsigned int)f[i]);
            if (reply_bytes(r, line, (uint32_t)strlen(line)))
                return -XEN_E2BIG;
        }
        return reply_bytes(r, "", 1);
    }
    if (n < 2 || n > 3 || parse_u32(a[1], &v))
        return -XEN_EINVAL;
    if (n == 3) {                           /* one domain's own limit */
        struct xs_dom *d;
        if (parse_domid(a[2], &domid) || !(d = dom_get(r->s, domid)))
            return -XEN_EINVAL;
        if (!d->quota) {
            if (!(d->quota = malloc(sizeof(*d->quota))))
                return -XEN_ENOMEM;
            *d->quota = *q;
        }
        q = d->quota;
    }
    return xs_quota_set(q, a[0], v) ? -XEN_EINVAL : reply_str(r, "OK");
}

int op_control(struct xs_req *r)
{
    const char *a[5];
    unsigned int n = 0;
    uint32_t off = 0;

    if (!r->len || r->payload[r->len - 1] != '\0')
        return -XEN_EINVAL;
    while (off < r->len && n < 5) {
        a[n++] = r->payload + off;
        off += (uint32_t)strlen(r->payload + off) + 1;
    }
    if (off < r->len)
        return -XEN_EINVAL;
    if (!strcmp(a[0], "check")) {
        char why[160];
        if (xs_check(r->s, why, sizeof(why))) {
            xs_log(r->s, XS_LOG_ERR, "check failed: %s", why);
            return -XEN_EIO;
        }
        return reply_str(r, "OK");
    }
    if (!strcmp(a[0], "quota"))
        return control_quota(r, a + 1, n - 1);
    if (!strcmp(a[0], "print") && n == 2) {
        xs_log(r->s, XS_LOG_INFO, "%s", a[1]);
        return reply_str(r, "OK");
    }
    if (!strcmp(a[0], "stats") && n == 1) {
        struct xs_stats st;
        char text[400];
        xs_get_stats(r->s, &st);
        snprintf(text, sizeof(text),
                 "nodes %u\nconnections %u\ndomains %u\nwatches %u\ntransactions %u\n"
                 "requests %llu\nerrors %llu\nevents %llu\nevents_dropped %llu\n"
                 "conflicts %llu\ndropped_conns %llu\n",
                 (unsigned int)st.nodes, (unsigned int)st.connections,
                 (unsigned int)st.domains, (unsigned int)st.watches,
                 (unsigned int)st.transactions, (unsigned long long)st.requests,
                 (unsigned long long)st.errors, (unsigned long long)st.events,
                 (unsigned long long)st.events_dropped, (unsigned long long)st.conflicts,
                 (unsigned long long)st.dropped_conns);
        return reply_str(r, text);
    }
    if (!strcmp(a[0], "help") && n == 1)
        return reply_str(r, "check\nquota [name value [domid]]\nprint text\nstats\nhelp\n");
    return -XEN_EINVAL;
}
