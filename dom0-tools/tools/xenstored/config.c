/*
 * Options and quotas: Xen's defaults, and "name=value" words to change
 * them (xenstored's command line, the CONTROL "quota" command).
 *
 * Every quota applies per unprivileged domain; 0 switches one off.  A
 * word that is not "name=number" with a known name is an error that names
 * the word, and nothing is changed by a line that has one.
 */
#include "xs_core.h"

const char *const xs_quota_names[] = {
    "nodes", "watches", "transactions", "outstanding", "value_size", "path_length",
    "memory", "events", NULL
};

/* The quota fields in xs_quota_names' order. */
static uint32_t *quota_field(struct xs_quota *q, unsigned int i)
{
    uint32_t *f[] = { &q->nodes, &q->watches, &q->transactions, &q->outstanding,
                      &q->value_size, &q->path_length, &q->memory, &q->events };
    return f[i];
}

void xs_config_defaults(struct xs_config *cfg)
{
    const struct xs_quota q = XS_QUOTA_DEFAULTS;

    memset(cfg, 0, sizeof(*cfg));
    cfg->quota = q;
    cfg->tx_timeout_ms = 0;
    cfg->hash_seed = 0x9e3779b9u;
    cfg->priv_domid = 0;
}

int xs_quota_set(struct xs_quota *q, const char *name, uint32_t value)
{
    for (unsigned int i = 0; xs_quota_names[i]; i++) {
        if (!strcmp(name, xs_quota_names[i])) {
            *quota_field(q, i) = value;
            return 0;
        }
    }
    return -XEN_EINVAL;
}

/* One "name=value" word into cfg. */
static int config_word(struct xs_config *cfg, const char *w, size_t len)
{
    char name[32], num[16];
    const char *eq = memchr(w, '=', len);
    size_t nl, vl;
    uint32_t v;

    if (!eq)
        return -XEN_EINVAL;
    nl = (size_t)(eq - w);
    vl = len - nl - 1;
    if (!nl || nl >= sizeof(name) || !vl || vl >= sizeof(num))
        return -XEN_EINVAL;
    memcpy(name, w, nl);
    name[nl] = '\0';
    memcpy(num, eq + 1, vl);
    num[vl] = '\0';
    if (parse_u32(num, &v))
        return -XEN_EINVAL;
    if (!strcmp(name, "tx_timeout_ms")) {
        cfg->tx_timeout_ms = v;
        return 0;
    }
    if (!strcmp(name, "hash_seed")) {
        cfg->hash_seed = v;
        return 0;
    }
    if (!strcmp(name, "priv_domid")) {
        if (v >= DOMID_FIRST_RESERVED)
            return -XEN_EINVAL;
        cfg->priv_domid = (uint16_t)v;
        return 0;
    }
    return xs_quota_set(&cfg->quota, name, v);
}

int xs_config_parse(struct xs_config *cfg, const char *words, char *err, size_t err_len)
{
    struct xs_config tmp = *cfg;
    const char *p = words;

    while (*p) {
        const char *w;
        size_t len;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        len = (size_t)(p - w);
        if (config_word(&tmp, w, len)) {
            char shown[65];
            size_t sl = len < sizeof(shown) - 1 ? len : sizeof(shown) - 1;
            memcpy(shown, w, sl);
            shown[sl] = '\0';
            snprintf(err, err_len, "xenstored: bad option '%s' (want name=number; names: "
                     "nodes watches transactions outstanding value_size path_length memory "
                     "events tx_timeout_ms hash_seed priv_domid)", shown);
            return -XEN_EINVAL;
        }
    }
    *cfg = tmp;
    return 0;
}
