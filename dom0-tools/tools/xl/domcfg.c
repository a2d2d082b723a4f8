/*
 * From xl.cfg settings to a checked domain configuration.
 *
 * Every setting is looked at once; each problem is reported with the file
 * and line of the setting that caused it, and all of them are reported
 * (not just the first), so one run of `xl create` shows everything to fix.
 * Any error means no configuration at all: the caller creates nothing.
 * Settings xl knows but Mica cannot honour (HVM, a bootloader, core
 * dumps) are errors, not silently dropped; settings nobody
 * knows are warnings, as in xl.
 *
 * Files named by the configuration (kernel, ramdisk, disk images) must
 * exist in Dom0's files: a missing one is a configuration error with the
 * line that names it, found before anything is created.
 */
#include "domcfg.h"
#include "cfg.h"
#include "os_files.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>

#define MAX_MEMORY_MIB  (1u << 20)
#define MAX_CMDLINE     1023

struct ctx {
    struct cfg *c;
    int errors;
};

static void report(struct ctx *x, bool error, const char *file, unsigned int line,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void report(struct ctx *x, bool error, const char *file, unsigned int line,
                   const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%u: %s: ", file, line, error ? "error" : "warning");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (error)
        x->errors++;
}

#define ERR(e, ...)  report(x, true, (e)->file, (e)->line, __VA_ARGS__)
#define WARN(e, ...) report(x, false, (e)->file, (e)->line, __VA_ARGS__)

const char *action_name(enum xl_action a)
{
    switch (a) {
    case ACTION_DESTROY:        return "destroy";
    case ACTION_RESTART:        return "restart";
    case ACTION_RENAME_RESTART: return "rename-restart";
    case ACTION_PRESERVE:       return "preserve";
    }
    return "?";
}

bool domcfg_valid_name(const char *name, const char **why)
{
    size_t n = strlen(name);
    bool digits = true;

    if (n == 0 || n > XL_NAME_MAX) {
        *why = "must be 1 to 63 characters";
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!isprint((unsigned char)*p) || *p == ' ' || *p == '/' || *p == '\'' || *p == '"') {
            *why = "may not contain blanks, quotes, '/' or control characters";
            return false;
        }
        digits &= isdigit((unsigned char)*p) != 0;
    }
    if (digits) {
        *why = "may not be all digits (it would read as a domain id)";
        return false;
    }
    if (!strcmp(name, "Domain-0")) {
        *why = "is the name of domain 0";
        return false;
    }
    return true;
}

/* A string setting (a bare number is accepted as its text). */
static bool get_string(struct ctx *x, const char *key, char **out, unsigned int *line)
{
    struct cfg_entry *e = cfg_get(x->c, key);

    if (!e)
        return false;
    if (line)
        *line = e->line;
    if (e->value->type == CFG_LIST) {
        ERR(e, "'%s' must be a single value, not a list", key);
        return false;
    }
    free(*out);
    *out = strdup(e->value->text);
    return *out != NULL;
}

static bool get_number(struct ctx *x, const char *key, long long min, long long max,
                       long long *out)
{
    struct cfg_entry *e = cfg_get(x->c, key);
    long long v;

    if (!e)
        return false;
    if (e->value->type == CFG_LIST) {
        ERR(e, "'%s' must be a number, not a list", key);
        return false;
    }
    if (cfg_number(e->value, &v)) {
        ERR(e, "'%s' = \"%s\" is not a valid number", key, e->value->text);
        return false;
    }
    if (v < min || v > max) {
        ERR(e, "'%s' = %lld is out of range (%lld to %lld)", key, v, min, max);
        return false;
    }
    *out = v;
    return true;
}

static void get_action(struct ctx *x, const char *key, enum xl_action *a)
{
    static const struct { const char *name; enum xl_action a; } names[] = {
        { "destroy", ACTION_DESTROY }, { "restart", ACTION_RESTART },
        { "rename-restart", ACTION_RENAME_RESTART }, { "preserve", ACTION_PRESERVE },
    };
    char *v = NULL;
    struct cfg_entry *e;

    if (!get_string(x, key, &v, NULL))
        return;
    e = cfg_get(x->c, key);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(v, names[i].name)) {
            *a = names[i].a;
            free(v);
            return;
        }
    }
    if (!strcmp(v, "coredump-destroy") || !strcmp(v, "coredump-restart") ||
        !strcmp(v, "soft-reset"))
        ERR(e, "%s = \"%s\" is not supported by Mica (destroy, restart, rename-restart, "
            "preserve)", key, v);
    else
        ERR(e, "%s = \"%s\" is not an action (destroy, restart, rename-restart, preserve)",
            key, v);
    free(v);
}

/* A file the configuration names must exist (and not be a directory). */
static void check_file(struct ctx *x, const char *file, unsigned int line, const char *what,
                       const char *path)
{
    struct os_stat st;
    int rc = os_stat(path, &st);

    if (rc)
        report(x, true, file, line, "%s '%s': %s", what, path, strerror(-rc));
    else if (st.is_dir)
        report(x, true, file, line, "%s '%s' is a directory", what, path);
}

static void get_disks(struct ctx *x, struct domain_config *dc)
{
    struct cfg_entry *e = cfg_get(x->c, "disk");
    char err[160];

    if (!e)
        return;
    if (e->value->type != CFG_LIST) {
        ERR(e, "'disk' must be a list: disk = [ '%s' ]", e->value->text);
        return;
    }
    dc->disks = calloc(e->value->n + 1, sizeof(*dc->disks));
    dc->disk_lines = calloc(e->value->n + 1, sizeof(*dc->disk_lines));
    if (!dc->disks || !dc->disk_lines) {
        ERR(e, "out of memory");
        return;
    }
    for (size_t i = 0; i < e->value->n; i++) {
        const struct cfg_value *v = e->value->items[i];
        struct disk_spec d;
        if (v->type == CFG_LIST) {
            report(x, true, e->file, v->line, "disk %zu: a disk is a string, not a list", i);
            continue;
        }
        if (disk_spec_parse(v->text, &d, err, sizeof(err))) {
            report(x, true, e->file, v->line, "disk '%s': %s", v->text, err);
            continue;
        }
        for (size_t j = 0; j < dc->ndisks; j++) {
            if (dc->disks[j].devid == d.devid) {
                report(x, true, e->file, v->line, "disk '%s': vdev %s is used twice", v->text,
                       d.vdev);
                break;
            }
        }
        /* A file of Dom0's must exist; a Dom0 disk (/dev/vdX, a region of
         * one) is checked by the block backend when the domain is made. */
        if (d.target && strncmp(d.target, "/dev/", 5))
            check_file(x, e->file, v->line, "disk image", d.target);
        dc->disk_lines[dc->ndisks] = v->line;
        dc->disks[dc->ndisks++] = d;
    }
}

static void get_vifs(struct ctx *x, struct domain_config *dc)
{
    struct cfg_entry *e = cfg_get(x->c, "vif");
    char err[160];

    if (!e)
        return;
    if (e->value->type != CFG_LIST) {
        ERR(e, "'vif' must be a list: vif = [ '%s' ]", e->value->text);
        return;
    }
    if (!(dc->vifs = calloc(e->value->n + 1, sizeof(*dc->vifs)))) {
        ERR(e, "out of memory");
        return;
    }
    for (size_t i = 0; i < e->value->n; i++) {
        const struct cfg_value *v = e->value->items[i];
        struct vif_spec s;
        if (v->type == CFG_LIST) {
            report(x, true, e->file, v->line, "vif %zu: a vif is a string, not a list", i);
            continue;
        }
        if (vif_spec_parse(v->text, &s, err, sizeof(err))) {
            report(x, true, e->file, v->line, "vif '%s': %s", v->text, err);
            continue;
        }
        for (size_t j = 0; j < dc->nvifs; j++) {
            if (s.mac_given && dc->vifs[j].mac_given && !memcmp(s.mac, dc->vifs[j].mac, 6)) {
                report(x, true, e->file, v->line, "vif '%s': MAC address used twice", v->text);
                break;
            }
        }
        dc->vifs[dc->nvifs++] = s;
    }
}

static void interpret(struct ctx *x, struct domain_config *dc, const char *source)
{
    long long n;
    char *s = NULL, *root = NULL, *extra = NULL, *cmdline = NULL;
    const char *why;
    struct cfg_entry *e;

    dc->source = strdup(source);
    dc->memory_mib = 32;
    dc->vcpus = 1;
    dc->on_poweroff = ACTION_DESTROY;
    dc->on_reboot = ACTION_RESTART;
    dc->on_crash = ACTION_DESTROY;
    dc->on_watchdog = ACTION_DESTROY;

    if (!get_string(x, "name", &dc->name, NULL)) {
        if (!cfg_get(x->c, "name"))
            report(x, true, source, 1, "no 'name': the domain name must be specified");
    } else if (!domcfg_valid_name(dc->name, &why)) {
        e = cfg_get(x->c, "name");
        ERR(e, "name \"%s\" %s", dc->name, why);
    }
    bool memory_set = get_number(x, "memory", 1, MAX_MEMORY_MIB, &n);
    if (memory_set)
        dc->memory_mib = (uint32_t)n;
    dc->maxmem_mib = dc->memory_mib;
    if (get_number(x, "maxmem", 1, MAX_MEMORY_MIB, &n)) {
        e = cfg_get(x->c, "maxmem");
        if (!memory_set)
            dc->memory_mib = dc->maxmem_mib = (uint32_t)n;
        else if ((uint32_t)n < dc->memory_mib)
            ERR(e, "maxmem = %lld is less than memory = %u", n, dc->memory_mib);
        else
            dc->maxmem_mib = (uint32_t)n;
    }
    /* vcpus: how many are online at boot; maxvcpus: how many the domain
     * has (max_vcpus), the rest offline until the guest brings them up.
     * docs/xl.md, "vCPUs", says why the builder can do it. */
    if (get_number(x, "vcpus", 1, XL_MAX_VCPUS, &n))
        dc->vcpus = (unsigned int)n;
    dc->max_vcpus = dc->vcpus;
    if (get_number(x, "maxvcpus", 1, XL_MAX_VCPUS, &n)) {
        e = cfg_get(x->c, "maxvcpus");
        if ((unsigned int)n < dc->vcpus)
            ERR(e, "maxvcpus = %lld is less than vcpus = %u", n, dc->vcpus);
        else
            dc->max_vcpus = (unsigned int)n;
    }
    if (get_string(x, "builder", &s, NULL) && strcmp(s, "linux") && strcmp(s, "generic")) {
        e = cfg_get(x->c, "builder");
        ERR(e, "builder = \"%s\": Mica hosts PV guests only", s);
    }
    if (get_string(x, "type", &s, NULL) && strcmp(s, "pv")) {
        e = cfg_get(x->c, "type");
        ERR(e, "type = \"%s\": Mica hosts PV guests only (type = \"pv\")", s);
    }
    if ((e = cfg_get(x->c, "bootloader")))
        ERR(e, "a bootloader is not supported: name the kernel with kernel = \"...\"");
    free(s);

    if (!get_string(x, "kernel", &dc->kernel, &dc->kernel_line)) {
        if (!cfg_get(x->c, "kernel"))
            report(x, true, source, 1, "no 'kernel': the guest kernel must be specified");
    } else {
        e = cfg_get(x->c, "kernel");
        check_file(x, e->file, e->line, "kernel", dc->kernel);
    }
    if (get_string(x, "ramdisk", &dc->ramdisk, &dc->ramdisk_line)) {
        e = cfg_get(x->c, "ramdisk");
        check_file(x, e->file, e->line, "ramdisk", dc->ramdisk);
    }
    get_string(x, "root", &root, NULL);
    get_string(x, "extra", &extra, NULL);
    if (get_string(x, "cmdline", &cmdline, NULL)) {
        if (root || extra) {
            e = cfg_get(x->c, "cmdline");
            WARN(e, "'cmdline' is given, so 'root' and 'extra' are ignored");
        }
        dc->cmdline = cmdline;
        cmdline = NULL;
    } else if (root) {
        size_t len = strlen(root) + (extra ? strlen(extra) + 1 : 0) + 6;
        if ((dc->cmdline = malloc(len)))
            snprintf(dc->cmdline, len, "root=%s%s%s", root, extra ? " " : "", extra ? extra : "");
    } else {
        dc->cmdline = strdup(extra ? extra : "");
    }
    if (dc->cmdline && strlen(dc->cmdline) > MAX_CMDLINE) {
        e = cfg_get(x->c, "cmdline");
        if (!e)
            e = cfg_get(x->c, "extra");
        if (!e)
            e = cfg_get(x->c, "root");
        ERR(e, "the guest's command line is %zu characters long (at most %d)",
            strlen(dc->cmdline), MAX_CMDLINE);
    }
    free(root);
    free(extra);
    free(cmdline);

    get_action(x, "on_poweroff", &dc->on_poweroff);
    get_action(x, "on_reboot", &dc->on_reboot);
    get_action(x, "on_crash", &dc->on_crash);
    get_action(x, "on_watchdog", &dc->on_watchdog);
    if (get_number(x, "cpu_weight", 1, 65535, &n)) {
        dc->weight = (unsigned int)n;
        dc->weight_set = true;
    }
    if (get_number(x, "cap", 0, 100, &n)) {
        dc->cap = (unsigned int)n;
        dc->cap_set = true;
    }
    get_disks(x, dc);
    get_vifs(x, dc);

    for (e = x->c->head; e; e = e->next)
        if (!e->used)
            WARN(e, "unknown setting '%s' ignored", e->key);
}

/* A command-line override "key=value": a bare word value is taken as a string. */
static int parse_override(struct cfg *c, const char *arg, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    const char *v = eq ? eq + 1 : NULL;
    char *text;
    size_t n = strlen(arg) + 4;
    int rc;

    if (!eq) {
        snprintf(err, errlen, "command line: '%s' is not key=value", arg);
        return -1;
    }
    while (*v == ' ')
        v++;
    if (!(text = malloc(n + strlen(arg))))
        return -1;
    if (*v == '"' || *v == '\'' || *v == '[' || isdigit((unsigned char)*v) ||
        strchr(v, '"') || strchr(v, '\''))
        snprintf(text, n, "%s\n", arg);
    else
        snprintf(text, n + strlen(arg), "%.*s\"%s\"\n", (int)(v - arg), arg, v);
    rc = cfg_parse(c, "command line", text, strlen(text), err, errlen);
    free(text);
    return rc;
}

int domcfg_parse(const char *file, const char *text, size_t len, char *const *overrides,
                 int noverrides, struct domain_config *dc)
{
    struct cfg c = { 0 };
    struct ctx x = { .c = &c };
    char err[256];

    memset(dc, 0, sizeof(*dc));
    /* The grammar stops at its first error: there is no telling what the
     * rest of the file meant. */
    if (cfg_parse(&c, file, text, len, err, sizeof(err))) {
        fprintf(stderr, "%s\n%s: nothing was created\n", err, file);
        cfg_free(&c);
        return -1;
    }
    for (int i = 0; i < noverrides; i++) {
        if (parse_override(&c, overrides[i], err, sizeof(err))) {
            fprintf(stderr, "%s\n%s: nothing was created\n", err, file);
            cfg_free(&c);
            return -1;
        }
    }
    interpret(&x, dc, file);
    cfg_free(&c);
    if (x.errors) {
        fprintf(stderr, "%s: %d error%s: nothing was created\n", file, x.errors,
                x.errors == 1 ? "" : "s");
        domcfg_free(dc);
        return -1;
    }
    return 0;
}

int domcfg_load(const char *path, char *const *overrides, int noverrides,
                struct domain_config *dc)
{
    const void *data;
    size_t len;
    int rc = os_file_load(path, &data, &len);

    memset(dc, 0, sizeof(*dc));
    if (rc) {
        fprintf(stderr, "%s: cannot read the configuration: %s\n", path, strerror(-rc));
        return -1;
    }
    rc = domcfg_parse(path, data, len, overrides, noverrides, dc);
    os_file_unload(data);
    return rc;
}

void domcfg_free(struct domain_config *dc)
{
    free(dc->name);
    free(dc->source);
    free(dc->kernel);
    free(dc->ramdisk);
    free(dc->cmdline);
    for (size_t i = 0; i < dc->ndisks; i++)
        disk_spec_free(&dc->disks[i]);
    free(dc->disks);
    free(dc->disk_lines);
    for (size_t i = 0; i < dc->nvifs; i++)
        vif_spec_free(&dc->vifs[i]);
    free(dc->vifs);
    memset(dc, 0, sizeof(*dc));
}

static char *dup_or_null(const char *s, bool *fail)
{
    char *d;

    if (!s)
        return NULL;
    if (!(d = strdup(s)))
        *fail = true;
    return d;
}

int domcfg_copy(struct domain_config *dst, const struct domain_config *src)
{
    bool fail = false;

    *dst = *src;
    dst->name = dup_or_null(src->name, &fail);
    dst->source = dup_or_null(src->source, &fail);
    dst->kernel = dup_or_null(src->kernel, &fail);
    dst->ramdisk = dup_or_null(src->ramdisk, &fail);
    dst->cmdline = dup_or_null(src->cmdline, &fail);
    dst->disks = NULL;
    dst->disk_lines = NULL;
    dst->vifs = NULL;
    dst->ndisks = dst->nvifs = 0;
    if (src->ndisks) {
        dst->disks = calloc(src->ndisks, sizeof(*dst->disks));
        dst->disk_lines = calloc(src->ndisks, sizeof(*dst->disk_lines));
        fail |= !dst->disks || !dst->disk_lines;
        for (size_t i = 0; !fail && i < src->ndisks; i++) {
            const struct disk_spec *s = &src->disks[i];
            struct disk_spec *d = &dst->disks[i];
            *d = *s;
            d->target = dup_or_null(s->target, &fail);
            d->format = dup_or_null(s->format, &fail);
            d->vdev = dup_or_null(s->vdev, &fail);
            d->backend = dup_or_null(s->backend, &fail);
            d->backendtype = dup_or_null(s->backendtype, &fail);
            d->script = dup_or_null(s->script, &fail);
            dst->disk_lines[i] = src->disk_lines[i];
            dst->ndisks++;
        }
    }
    if (src->nvifs && !fail) {
        fail |= !(dst->vifs = calloc(src->nvifs, sizeof(*dst->vifs)));
        for (size_t i = 0; !fail && i < src->nvifs; i++) {
            const struct vif_spec *s = &src->vifs[i];
            struct vif_spec *v = &dst->vifs[i];
            *v = *s;
            v->bridge = dup_or_null(s->bridge, &fail);
            v->ip = dup_or_null(s->ip, &fail);
            v->script = dup_or_null(s->script, &fail);
            v->model = dup_or_null(s->model, &fail);
            v->vifname = dup_or_null(s->vifname, &fail);
            v->backend = dup_or_null(s->backend, &fail);
            v->rate = dup_or_null(s->rate, &fail);
            v->type = dup_or_null(s->type, &fail);
            dst->nvifs++;
        }
    }
    if (fail) {
        domcfg_free(dst);
        return -ENOMEM;
    }
    return 0;
}
