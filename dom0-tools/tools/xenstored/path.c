/*
 * Paths: their syntax, relative paths, and the parent/child relation.
 *
 * Xen's rules (docs/xenstore.md): a path is '/'-separated ASCII
 * alphanumerics plus "-/_@", starts with '/', has no empty component (no
 * "//", no trailing '/' except the root itself) and is at most
 * XENSTORE_ABS_PATH_MAX bytes.  A path without a leading '/' is relative
 * to the caller's home, /local/domain/<domid>.  Names beginning with '@'
 * are special only where a message allows them (watches and the
 * permissions of @introduceDomain/@releaseDomain); elsewhere "@x" is just
 * a relative path, as in Xen.  An unprivileged domain is also held to its
 * path_length quota, measured from its home when the path lies below it.
 *
 * Everything here works on NUL-terminated strings the request parser has
 * already bounded, and writes at most XS_PATH_MAX + 1 bytes.
 */
#include "xs_core.h"

static bool path_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

uint32_t path_home(uint16_t domid, char *out, uint32_t size)
{
    int n = snprintf(out, size, "/local/domain/%u", (unsigned int)domid);
    return n < 0 ? 0 : (uint32_t)n;
}

/* Syntax of an absolute path (or of a special name when `special`). */
static bool path_valid(const char *p, uint32_t len, bool special)
{
    if (len == 0 || len > XS_PATH_MAX)
        return false;
    if (special) {
        if (len < 2 || p[0] != '@')
            return false;
        for (uint32_t i = 1; i < len; i++)
            if (!path_char(p[i]) || p[i] == '/')
                return false;
        return true;
    }
    if (p[0] != '/')
        return false;
    if (len == 1)
        return true;                                /* the root */
    if (p[len - 1] == '/')
        return false;
    for (uint32_t i = 0; i < len; i++) {
        if (!path_char(p[i]) || (p[i] == '/' && p[i + 1] == '/'))
            return false;
    }
    return true;
}

int path_canon(const struct xs_conn *c, const char *in, char *out, uint32_t *olen,
               unsigned int flags)
{
    uint32_t len = (uint32_t)strnlen(in, XS_PATH_MAX + 1), home_len = c->home_len;
    char buf[24];
    const char *home = c->home;

    if (len == 0 || len > XS_PATH_MAX)
        return -XEN_EINVAL;
    if (in[0] == '@' && (flags & XS_PATH_SPECIAL)) {
        if (!path_valid(in, len, true))
            return -XEN_EINVAL;
        memcpy(out, in, len + 1);
        *olen = len;
        return 0;
    }
    if (!home_len) {                        /* a connection made by hand (tests) */
        home_len = path_home(c->domid, buf, sizeof(buf));
        home = buf;
    }
    if (in[0] == '/') {
        memcpy(out, in, len + 1);
    } else {
        if (home_len + 1 + len > XS_PATH_MAX)
            return -XEN_EINVAL;
        memcpy(out, home, home_len);
        out[home_len] = '/';
        memcpy(out + home_len + 1, in, len + 1);
        len += home_len + 1;
    }
    if (!path_valid(out, len, false))
        return -XEN_EINVAL;
    if (conn_limited(c)) {
        const struct xs_quota *q = dom_quota(c->s, c->dom);
        uint32_t rel = len;
        if (len > home_len && !memcmp(out, home, home_len) && out[home_len] == '/')
            rel = len - home_len - 1;
        if (q->path_length && rel > q->path_length)
            return -XEN_EINVAL;
    }
    *olen = len;
    return 0;
}

bool path_is_child(const char *child, uint32_t clen, const char *parent, uint32_t plen)
{
    if (plen == 1 && parent[0] == '/')
        return clen >= 1 && child[0] == '/';
    return clen >= plen && !memcmp(child, parent, plen) && (clen == plen || child[plen] == '/');
}

uint32_t path_parent_len(const char *path, uint32_t len)
{
    uint32_t i = len;

    if (len <= 1)
        return 0;                                   /* the root has none */
    while (i > 0 && path[i - 1] != '/')
        i--;
    return i <= 1 ? 1 : i - 1;
}

int parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return -XEN_EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -XEN_EINVAL;
        v = v * 10 + (uint32_t)(*s - '0');
        if (v > 0xffffffffu)
            return -XEN_EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

int parse_domid(const char *s, uint16_t *out)
{
    uint32_t v;

    if (parse_u32(s, &v) || v > 0xffffu)
        return -XEN_EINVAL;
    *out = (uint16_t)v;
    return 0;
}
