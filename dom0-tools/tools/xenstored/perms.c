/*
 * Permission lists: their string form and the access check.
 *
 * A node's list has at least one entry.  Entry 0 names the owner, who may
 * always read, write and change the permissions, and its letter is the
 * access of every domain the list does not name; entries 1.. grant named
 * domains n(one), r(ead), w(rite) or b(oth).  String form: the letter and
 * the decimal domid, each entry NUL-terminated ("n0\0r5\0").
 *
 * The check (Xen's perm_for_conn): a privileged connection, the owner, or
 * a domain whose SET_TARGET target is the owner gets everything; otherwise
 * the first entry (from 1) naming the domain or its target decides;
 * otherwise entry 0's letter.
 */
#include "xs_core.h"

static const char perm_letters[4] = { 'n', 'r', 'w', 'b' };

int perms_parse(const char *s, uint32_t len, struct xs_perm *out, uint32_t max, uint32_t *n)
{
    uint32_t off = 0, count = 0;

    if (len == 0 || s[len - 1] != '\0')
        return -XEN_EINVAL;
    while (off < len) {
        const char *e = s + off;
        uint32_t l = (uint32_t)strlen(e), p;
        uint16_t id;

        if (l < 2 || count >= max)
            return -XEN_EINVAL;
        for (p = 0; p < 4 && perm_letters[p] != e[0]; p++)
            ;
        if (p == 4 || parse_domid(e + 1, &id))
            return -XEN_EINVAL;
        out[count].id = id;
        out[count].perm = (uint8_t)p;
        out[count].pad = 0;
        count++;
        off += l + 1;
    }
    *n = count;
    return count ? 0 : -XEN_EINVAL;
}

uint32_t perms_format(const struct xs_perm *p, uint32_t n, char *buf, uint32_t size)
{
    uint32_t off = 0;

    for (uint32_t i = 0; i < n; i++) {
        int l = snprintf(buf + off, size - off, "%c%u", perm_letters[p[i].perm & 3],
                         (unsigned int)p[i].id);
        if (l < 0 || (uint32_t)l + 1 > size - off)
            return 0;                       /* does not fit */
        off += (uint32_t)l + 1;             /* keep the NUL */
    }
    return off;
}

unsigned int perm_for(const struct xs_conn *c, const struct xs_perm *p, uint32_t n)
{
    const unsigned int all = XS_PERM_BOTH | XS_PERM_OWNER;

    if (c->priv)
        return all;
    if (p[0].id == c->domid || (c->has_target && p[0].id == c->target))
        return all;
    for (uint32_t i = 1; i < n; i++)
        if (p[i].id == c->domid || (c->has_target && p[i].id == c->target))
            return p[i].perm & XS_PERM_BOTH;
    return p[0].perm & XS_PERM_BOTH;
}
