/*
 * The xenstore-* shell commands of the privileged domain, over the client
 * library (xs_client.h).  Dom0's shell calls xenstore_cmd() with the
 * command's words; output goes line by line to the caller's `out`.
 *
 *   xenstore-read [-p] PATH...      values, one per line (-p: "PATH: value")
 *   xenstore-write PATH VALUE...    pairs
 *   xenstore-rm [-t] PATH...        -t: also remove parents left empty
 *   xenstore-ls [-p] [PATH]         the tree below PATH (default /):
 *                                   `name = "value"`, one space of indent
 *                                   per level; -p adds the permissions
 *   xenstore-list PATH              child names, one per line
 *   xenstore-exists PATH            exit status only
 *   xenstore-chmod [-r] PATH PERM...  PERM = n|r|w|b + domid; -r: subtree
 *   xenstore-watch [-n N] PATH...   print each event's path; -n: stop after
 *                                   N events (the first firing counts)
 *   xenstore-control CMD [ARG...]   a CONTROL request (check, quota, print,
 *                                   stats, help); its reply as text
 *
 * Exit status: 0 success, 1 an operation failed (named on one line with
 * its error), 2 usage.  Values print with non-printable bytes, '\' and
 * '"' escaped (\xNN, \\, \"), as Xen's xenstore-ls does, so a hostile
 * guest's value cannot drive the console.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "xs_client.h"
#include "xenstore_cmds.h"

#define LS_MAX_DEPTH 64

struct cmd {
    struct xsc *c;
    xs_out_fn out;
    void *octx;
    const char *name;
};

static void say(struct cmd *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct cmd *k, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    k->out(k->octx, line);
}

static const char *errname(int rc)
{
    for (unsigned int i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == -rc)
            return xsd_errors[i].errstring;
    return "EIO";
}

static int fail(struct cmd *k, const char *what, const char *path, int rc)
{
    say(k, "%s: %s %s: %s\n", k->name, what, path, errname(rc));
    return 1;
}

static int usage(struct cmd *k, const char *args)
{
    say(k, "usage: %s %s\n", k->name, args);
    return 2;
}

/* Escape v[0..len) into out (at most size bytes with the NUL). */
static void sanitise(const char *v, uint32_t len, char *out, size_t size)
{
    size_t o = 0;

    for (uint32_t i = 0; i < len && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch == '\\' || ch == '"') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (ch < 0x20 || ch > 0x7e) {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o] = '\0';
}

/* "n0\0r5\0" -> "n0,r5" */
static void perms_line(const char *p, uint32_t len, char *out, size_t size)
{
    size_t o = 0;

    for (uint32_t i = 0; i < len && o + 1 < size; i++)
        out[o++] = p[i] ? p[i] : (i + 1 < len ? ',' : '\0');
    out[o < size ? o : size - 1] = '\0';
}

static int cmd_read(struct cmd *k, int argc, char **argv)
{
    static char v[XENSTORE_PAYLOAD_MAX + 1], s[4 * XENSTORE_PAYLOAD_MAX + 1];
    bool prefix = argc > 1 && !strcmp(argv[1], "-p");
    int first = 1 + prefix, status = 0;
    uint32_t len;

    if (argc <= first)
        return usage(k, "[-p] PATH...");
    for (int i = first; i < argc; i++) {
        int rc = xsc_read(k->c, 0, argv[i], v, sizeof(v), &len);
        if (rc) {
            status = fail(k, "couldn't read", argv[i], rc);
            continue;
        }
        sanitise(v, len, s, sizeof(s));
        if (prefix)
            say(k, "%s: %s\n", argv[i], s);
        else
            say(k, "%s\n", s);
    }
    return status;
}

static int cmd_write(struct cmd *k, int argc, char **argv)
{
    int status = 0;

    if (argc < 3 || (argc - 1) % 2)
        return usage(k, "PATH VALUE [PATH VALUE]...");
    for (int i = 1; i + 1 < argc; i += 2) {
        int rc = xsc_write_str(k->c, 0, argv[i], argv[i + 1]);
        if (rc)
            status = fail(k, "couldn't write", argv[i], rc);
    }
    return status;
}

/* Remove path's parents while they are empty (no value, no children). */
static void rm_empty_parents(struct cmd *k, const char *path)
{
    static char p[XENSTORE_ABS_PATH_MAX + 1], v[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t len;
    char *slash;

    snprintf(p, sizeof(p), "%s", path);
    while ((slash = strrchr(p, '/')) && slash != p) {
        *slash = '\0';
        if (xsc_read(k->c, 0, p, v, sizeof(v), &len) || len ||
            xsc_directory(k->c, 0, p, v, sizeof(v), &len) || len || xsc_rm(k->c, 0, p))
            return;
    }
}

static int cmd_rm(struct cmd *k, int argc, char **argv)
{
    bool parents = argc > 1 && !strcmp(argv[1], "-t");
    int first = 1 + parents, status = 0;

    if (argc <= first)
        return usage(k, "[-t] PATH...");
    for (int i = first; i < argc; i++) {
        int rc = xsc_rm(k->c, 0, argv[i]);
        if (rc)
            status = fail(k, "couldn't remove", argv[i], rc);
        else if (parents)
            rm_empty_parents(k, argv[i]);
    }
    return status;
}

static int cmd_list(struct cmd *k, int argc, char **argv)
{
    static char names[65536];
    uint32_t len;
    int rc;

    if (argc != 2)
        return usage(k, "PATH");
    if ((rc = xsc_directory(k->c, 0, argv[1], names, sizeof(names), &len)))
        return fail(k, "couldn't list", argv[1], rc);
    for (uint32_t off = 0; off < len; off += (uint32_t)strlen(names + off) + 1)
        say(k, "%s\n", names + off);
    return 0;
}

static int cmd_exists(struct cmd *k, int argc, char **argv)
{
    static char v[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t len;

    if (argc != 2)
        return usage(k, "PATH");
    return xsc_read(k->c, 0, argv[1], v, sizeof(v), &len) ? 1 : 0;
}

/* One level of xenstore-ls (and of chmod -r): path's children. */
static int ls_level(struct cmd *k, char *path, size_t plen, int depth, bool perms,
                    const char *chmod, uint32_t chmod_len)
{
    uint32_t len, vlen;
    char *names;
    int rc, status = 0;

    if (depth >= LS_MAX_DEPTH)
        return 0;
    if (!(names = malloc(65536)))
        return fail(k, "out of memory at", path, -XEN_ENOMEM);
    if ((rc = xsc_directory(k->c, 0, path, names, 65536, &len))) {
        free(names);
        return fail(k, "couldn't list", path, rc);
    }
    for (uint32_t off = 0; off < len; off += (uint32_t)strlen(names + off) + 1) {
        const char *name = names + off;
        size_t nl = strlen(name);
        if (plen + 1 + nl > XENSTORE_ABS_PATH_MAX)
            continue;
        path[plen] = '/';
        memcpy(path + (plen == 1 ? 1 : plen + 1), name, nl + 1);
        size_t cl = (plen == 1 ? 1 : plen + 1) + nl;
        if (chmod) {
            if ((rc = xsc_set_perms(k->c, 0, path, chmod, chmod_len)))
                status = fail(k, "couldn't set permissions of", path, rc);
        } else {
            static char v[XENSTORE_PAYLOAD_MAX + 1], s[4 * XENSTORE_PAYLOAD_MAX + 1];
            char p[256] = "", pl[300] = "";
            uint32_t permlen;
            if (xsc_read(k->c, 0, path, v, sizeof(v), &vlen))
                vlen = 0;
            sanitise(v, vlen, s, sizeof(s));
            if (perms && !xsc_get_perms(k->c, 0, path, p, sizeof(p) - 1, &permlen)) {
                char tmp[256];
                perms_line(p, permlen, tmp, sizeof(tmp));
                snprintf(pl, sizeof(pl), "  (%s)", tmp);
            }
            say(k, "%*s%s = \"%s\"%s\n", depth, "", name, s, pl);
        }
        status |= ls_level(k, path, cl, depth + 1, perms, chmod, chmod_len);
        path[plen == 1 ? 1 : plen] = '\0';
    }
    free(names);
    return status;
}

static int cmd_ls(struct cmd *k, int argc, char **argv)
{
    static char path[XENSTORE_ABS_PATH_MAX + 2];
    bool perms = argc > 1 && !strcmp(argv[1], "-p");
    int first = 1 + perms;

    if (argc > first + 1)
        return usage(k, "[-p] [PATH]");
    snprintf(path, sizeof(path), "%s", argc > first ? argv[first] : "/");
    return ls_level(k, path, strlen(path), 0, perms, NULL, 0);
}

static int cmd_chmod(struct cmd *k, int argc, char **argv)
{
    static char path[XENSTORE_ABS_PATH_MAX + 2], perms[XENSTORE_PAYLOAD_MAX];
    bool rec = argc > 1 && !strcmp(argv[1], "-r");
    int first = 1 + rec, rc;
    uint32_t len = 0;

    if (argc < first + 2)
        return usage(k, "[-r] PATH PERM...");
    for (int i = first + 1; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (len + l > sizeof(perms))
            return usage(k, "[-r] PATH PERM...");
        memcpy(perms + len, argv[i], l);
        len += (uint32_t)l;
    }
    if ((rc = xsc_set_perms(k->c, 0, argv[first], perms, len)))
        return fail(k, "couldn't set permissions of", argv[first], rc);
    if (!rec)
        return 0;
    snprintf(path, sizeof(path), "%s", argv[first]);
    return ls_level(k, path, strlen(path), 0, false, perms, len);
}

static int cmd_watch(struct cmd *k, int argc, char **argv)
{
    static char path[XENSTORE_ABS_PATH_MAX + 1];
    long count = -1;
    int first = 1, rc;

    if (argc > 2 && !strcmp(argv[1], "-n")) {
        char *end;
        count = strtol(argv[2], &end, 10);
        if (*end || count <= 0)
            return usage(k, "[-n COUNT] PATH...");
        first = 3;
    }
    if (argc <= first)
        return usage(k, "[-n COUNT] PATH...");
    for (int i = first; i < argc; i++)
        if ((rc = xsc_watch(k->c, argv[i], argv[i])))
            return fail(k, "couldn't watch", argv[i], rc);
    while (count) {
        rc = xsc_event(k->c, true, path, sizeof(path), NULL, 0);
        if (rc < 0)
            break;                          /* interrupted or broken */
        say(k, "%s\n", path);
        if (count > 0)
            count--;
    }
    for (int i = first; i < argc; i++)
        xsc_unwatch(k->c, argv[i], argv[i]);
    return 0;
}

static int cmd_control(struct cmd *k, int argc, char **argv)
{
    static char payload[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;
    int rc;

    if (argc < 2)
        return usage(k, "COMMAND [ARG...]");
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (len + l > sizeof(payload))
            return usage(k, "COMMAND [ARG...]");
        memcpy(payload + len, argv[i], l);
        len += (uint32_t)l;
    }
    if ((rc = xsc_request(k->c, XS_CONTROL, 0, payload, len)))
        return fail(k, "couldn't run", argv[1], rc);
    for (char *line = k->c->reply, *nl; *line; line = nl + 1) {
        if (!(nl = strchr(line, '\n'))) {
            say(k, "%s\n", line);
            break;
        }
        *nl = '\0';
        say(k, "%s\n", line);
    }
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(struct cmd *k, int argc, char **argv);
} cmds[] = {
    { "xenstore-read", cmd_read },     { "xenstore-write", cmd_write },
    { "xenstore-rm", cmd_rm },         { "xenstore-ls", cmd_ls },
    { "xenstore-list", cmd_list },     { "xenstore-exists", cmd_exists },
    { "xenstore-chmod", cmd_chmod },   { "xenstore-watch", cmd_watch },
    { "xenstore-control", cmd_control },
};

bool xenstore_cmd_known(const char *name)
{
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(name, cmds[i].name))
            return true;
    return false;
}

int xenstore_cmd(struct xsc *c, int argc, char **argv, xs_out_fn out, void *octx)
{
    struct cmd k = { .c = c, .out = out, .octx = octx, .name = argc ? argv[0] : "" };

    for (unsigned int i = 0; argc && i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(argv[0], cmds[i].name))
            return cmds[i].fn(&k, argc, argv);
    say(&k, "%s: not a xenstore command\n", k.name);
    return 2;
}
