/*
 * One request: decode, dispatch, reply.
 *
 * The dispatch table is data: each message type names its handler and
 * whether it runs inside the transaction of tx_id (XS_OP_TX) and whether
 * only the privileged domain may send it (XS_OP_PRIV, else EACCES).
 * Types without a handler -- unknown numbers, the reply-only WATCH_EVENT
 * and ERROR, the removed RESTRICT, the optional feature and quota messages
 * -- get ENOSYS, Xen's answer to an unknown type.
 *
 * A handler validates everything first and changes the store only
 * through an overlay it commits last (ops_node.c), so an error reply
 * always means "nothing happened".  It builds its reply payload in
 * s->reply (at most XENSTORE_PAYLOAD_MAX bytes: a reply that would not fit
 * is refused with E2BIG instead).  Watch events the request caused are
 * delivered after its reply is queued.
 */
#include "xs_core.h"

const struct xs_op xs_ops[XS_TYPE_COUNT] = {
    [XS_CONTROL]              = { op_control,        XS_OP_PRIV },
    [XS_DIRECTORY]            = { op_directory,      XS_OP_TX },
    [XS_READ]                 = { op_read,           XS_OP_TX },
    [XS_GET_PERMS]            = { op_get_perms,      XS_OP_TX },
    [XS_WATCH]                = { op_watch,          0 },
    [XS_UNWATCH]              = { op_unwatch,        0 },
    [XS_TRANSACTION_START]    = { op_tx_start,       0 },
    [XS_TRANSACTION_END]      = { op_tx_end,         XS_OP_TX },
    [XS_INTRODUCE]            = { op_introduce,      XS_OP_PRIV },
    [XS_RELEASE]              = { op_release,        XS_OP_PRIV },
    [XS_GET_DOMAIN_PATH]      = { op_get_domain_path, 0 },
    [XS_WRITE]                = { op_write,          XS_OP_TX },
    [XS_MKDIR]                = { op_mkdir,          XS_OP_TX },
    [XS_RM]                   = { op_rm,             XS_OP_TX },
    [XS_SET_PERMS]            = { op_set_perms,      XS_OP_TX },
    [XS_IS_DOMAIN_INTRODUCED] = { op_is_introduced,  0 },
    [XS_RESUME]               = { op_resume,         XS_OP_PRIV },
    [XS_SET_TARGET]           = { op_set_target,     XS_OP_PRIV },
    [XS_RESET_WATCHES]        = { op_reset_watches,  0 },
    [XS_DIRECTORY_PART]       = { op_directory_part, XS_OP_TX },
};

const char *xs_errname(int err)
{
    for (unsigned int i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EINVAL";                        /* Xen's answer for the unlisted */
}

int req_strings(const struct xs_req *r, const char **out, unsigned int want, bool extra,
                const char **rest, uint32_t *rest_len)
{
    uint32_t off = 0;

    for (unsigned int i = 0; i < want; i++) {
        const char *nul = off < r->len ? memchr(r->payload + off, '\0', r->len - off) : NULL;
        if (!nul)
            return -XEN_EINVAL;             /* missing, or not NUL-terminated */
        out[i] = r->payload + off;
        off = (uint32_t)(nul - r->payload) + 1;
    }
    if (rest) {
        *rest = r->payload + off;
        *rest_len = r->len - off;
        return 0;
    }
    if (off == r->len)
        return 0;
    /* Trailing reserved strings ("?" in the protocol) where allowed. */
    if (extra && r->payload[r->len - 1] == '\0')
        return 0;
    return -XEN_EINVAL;
}

int reply_bytes(struct xs_req *r, const void *p, uint32_t len)
{
    if (len > XS_PAYLOAD - r->rlen)
        return -XEN_E2BIG;
    memcpy(r->s->reply + r->rlen, p, len);
    r->rlen += len;
    return 0;
}

int reply_str(struct xs_req *r, const char *str)
{
    return reply_bytes(r, str, (uint32_t)strlen(str) + 1);
}

static bool txn_doomed(struct xs_store *s, struct xs_txn *t)
{
    if (!t->doomed && s->cfg.tx_timeout_ms &&
        xs_now(s) - t->started_ms > s->cfg.tx_timeout_ms)
        t->doomed = true;
    return t->doomed;
}

void xs_handle(struct xs_conn *c)
{
    struct xs_store *s = c->s;
    struct xs_req *r = &s->req;
    const struct xs_op *op;
    int rc;

    memcpy(&r->hdr, c->in, XS_HDR);
    r->s = s;
    r->c = c;
    r->payload = (char *)c->in + XS_HDR;
    r->len = r->hdr.len;
    r->payload[r->len] = '\0';              /* a stop for string scans (spare byte) */
    r->tx = NULL;
    r->rlen = 0;
    r->no_reply = false;
    s->st.requests++;

    op = r->hdr.type < XS_TYPE_COUNT ? &xs_ops[r->hdr.type] : NULL;
    if (!op || !op->fn) {
        rc = -XEN_ENOSYS;
    } else if ((op->flags & XS_OP_PRIV) && !c->priv) {
        rc = -XEN_EACCES;
    } else if ((op->flags & XS_OP_TX) && r->hdr.tx_id) {
        r->tx = txn_find(c, r->hdr.tx_id);
        if (!r->tx)
            rc = -XEN_ENOENT;
        else if (r->hdr.type != XS_TRANSACTION_END && txn_doomed(s, r->tx))
            rc = -XEN_EAGAIN;
        else
            rc = op->fn(r);
    } else {
        rc = op->fn(r);
    }
    if (rc) {
        const char *name = xs_errname(-rc);
        s->st.errors++;
        conn_queue(c, XS_ERROR, r->hdr.req_id, r->hdr.tx_id, name, (uint32_t)strlen(name) + 1,
                   false);
    } else if (!r->no_reply) {
        conn_queue(c, r->hdr.type, r->hdr.req_id, r->hdr.tx_id, s->reply, r->rlen, false);
    }
    xs_flush_events(s);
}

/* ---- transactions ------------------------------------------------------ */

struct xs_txn *txn_find(struct xs_conn *c, uint32_t id)
{
    struct xs_list *pos, *tmp;

    list_for_each_safe(pos, tmp, &c->txns) {
        struct xs_txn *t = container_of(pos, struct xs_txn, link);
        if (t->id == id)
            return t;
    }
    return NULL;
}

void txn_free(struct xs_conn *c, struct xs_txn *t)
{
    ov_discard(c->s, &t->ov);
    list_del(&t->link);
    c->nr_txns--;
    dom_charge(c->dom, -(int64_t)sizeof(*t));
    free(t);
}

void conn_drop_txns(struct xs_conn *c)
{
    while (!list_empty(&c->txns))
        txn_free(c, container_of(c->txns.next, struct xs_txn, link));
}

bool txn_is_doomed(struct xs_store *s, struct xs_txn *t)
{
    return txn_doomed(s, t);
}
