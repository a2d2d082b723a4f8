/*
 * Disk and vif specification strings (see devspec.h).
 *
 * Disks (xl-disk-configuration(5)): comma-separated items; an item
 * without '=' fills the next free positional parameter, in the order
 * target, format, vdev, access; `key=value` names one; each at most once;
 * an empty value means the default; `target=` must be last and takes the
 * rest of the string, commas included.  Flags: `cdrom` (= devtype=cdrom).
 *
 * The deprecated form `[<prefix>:]<target>,<vdev>[:cdrom],<access>` is
 * recognised when the target carries one of Xen's prefixes (raw: qcow:
 * qcow2: vhd: set the format; iscsi: nbd: enbd: drbd: the script; tap:
 * tap2: tapdisk: aio: ioemu: file: phy: are dropped), or when exactly
 * three positional items are given and the second is a vdev rather than a
 * format ("/dev/sda1,xvda,w").
 *
 * vifs (xl-network-configuration(5)): comma-separated key=value items,
 * all optional; the MAC is six two-digit hex groups; an unknown key is an
 * error here (4.2 ignored it silently, which hid typos).
 */
#include "devspec.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#define DEVID_XVD_MAJOR 202
#define DEVID_EXT       (1u << 28)

static long xvd_number(unsigned long disk, unsigned long part)
{
    if (disk < 16 && part < 16)
        return (long)((DEVID_XVD_MAJOR << 8) | (disk << 4) | part);
    if (disk < (1ul << 20) && part < 256)
        return (long)(DEVID_EXT | (disk << 8) | part);
    return -1;
}

/* Optional partition digits at p: 0 if none; -1 if malformed. */
static long part_number(const char *p)
{
    long v = 0;

    if (!*p)
        return 0;
    if (strlen(p) > 3)
        return -1;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

long vdev_to_devid(const char *v)
{
    long part;

    if (!v || !*v)
        return -1;
    if (!strncmp(v, "xvd", 3)) {
        const char *p = v + 3;
        unsigned long disk = 0;
        int n = 0;
        while (*p >= 'a' && *p <= 'z' && n < 4) {
            disk = disk * 26 + (unsigned long)(*p++ - 'a' + 1);
            n++;
        }
        if (n == 0 || (part = part_number(p)) < 0)
            return -1;
        return xvd_number(disk - 1, (unsigned long)part);
    }
    if (!strncmp(v, "hd", 2) && v[2] >= 'a' && v[2] <= 'd') {
        unsigned long disk = (unsigned long)(v[2] - 'a');
        if ((part = part_number(v + 3)) < 0 || part >= 64)
            return -1;
        return disk < 2 ? (long)((3ul << 8) | (disk << 6) | (unsigned long)part)
                        : (long)((22ul << 8) | ((disk - 2) << 6) | (unsigned long)part);
    }
    if (!strncmp(v, "sd", 2) && v[2] >= 'a' && v[2] <= 'p') {
        if ((part = part_number(v + 3)) < 0 || part >= 16)
            return -1;
        return (long)((8ul << 8) | ((unsigned long)(v[2] - 'a') << 4) | (unsigned long)part);
    }
    if (v[0] == 'd' && isdigit((unsigned char)v[1])) {
        char *end;
        unsigned long disk = strtoul(v + 1, &end, 10), p;
        if (*end != 'p' || !isdigit((unsigned char)end[1]))
            return -1;
        p = strtoul(end + 1, &end, 10);
        if (*end || disk > 9999)
            return -1;
        return xvd_number(disk, p);
    }
    if (isdigit((unsigned char)v[0])) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (*end || n == 0 || n > 0x7fffffff)
            return -1;
        return (long)n;
    }
    return -1;
}

void disk_spec_free(struct disk_spec *d)
{
    free(d->target);
    free(d->format);
    free(d->vdev);
    free(d->backend);
    free(d->backendtype);
    free(d->script);
    memset(d, 0, sizeof(*d));
}

static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd", "qed", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

/* Set a parameter once: false (and the message) if it was set already. */
static bool set_once(char **slot, const char *name, const char *val, size_t len,
                     char *err, size_t errlen)
{
    if (*slot) {
        snprintf(err, errlen, "'%s' given twice", name);
        return false;
    }
    if (!(*slot = strndup(val, len))) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

/* Strip deprecated target prefixes: 1 if there was one, 0 if not, -1 on error. */
static int strip_prefix(struct disk_spec *d, char **target, char *err, size_t errlen)
{
    static const char *const fmt_pfx[] = { "raw", "qcow", "qcow2", "vhd", NULL };
    static const char *const script_pfx[] = { "iscsi", "nbd", "enbd", "drbd", NULL };
    static const char *const drop_pfx[] = { "tap", "tap2", "tapdisk", "aio", "ioemu",
                                            "file", "phy", NULL };
    char *t = *target, *colon = t ? strchr(t, ':') : NULL;
    bool any = false;

    while (colon) {
        *colon = '\0';
        if (in_list(t, fmt_pfx)) {
            if (!set_once(&d->format, "format", t, strlen(t), err, errlen))
                return -1;
        } else if (in_list(t, script_pfx)) {
            if (!set_once(&d->script, "script", t, strlen(t), err, errlen))
                return -1;
        } else if (!in_list(t, drop_pfx)) {
            *colon = ':';
            break;
        }
        any = true;
        t = colon + 1;
        colon = strchr(t, ':');
    }
    if (any) {
        char *n = strdup(t);
        if (!n) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(*target);
        *target = n;
    }
    return any;
}

int disk_spec_parse(const char *spec, struct disk_spec *d, char *err, size_t errlen)
{
    char *pos[4] = { NULL, NULL, NULL, NULL };     /* target format vdev access */
    char *access = NULL, *devtype = NULL;
    int npos = 0, rc = -1;
    const char *p = spec;

    memset(d, 0, sizeof(*d));
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "target=", 7)) {
            if (!set_once(&pos[0], "target", p + 7, strlen(p + 7), err, errlen))
                goto out;
            break;
        }
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq) {
            size_t kl = (size_t)(eq - p);
            const char *val = eq + 1;
            size_t vl = len - kl - 1;
            char **slot = kl == 6 && !strncmp(p, "format", 6) ? &pos[1] :
                          kl == 4 && !strncmp(p, "vdev", 4) ? &pos[2] :
                          kl == 6 && !strncmp(p, "access", 6) ? &access :
                          kl == 7 && !strncmp(p, "devtype", 7) ? &devtype :
                          kl == 7 && !strncmp(p, "backend", 7) ? &d->backend :
                          kl == 11 && !strncmp(p, "backendtype", 11) ? &d->backendtype :
                          kl == 6 && !strncmp(p, "script", 6) ? &d->script : NULL;
            if (!slot) {
                snprintf(err, errlen, "unknown disk parameter '%.*s'", (int)kl, p);
                goto out;
            }
            if (!set_once(slot, "parameter", val, vl, err, errlen)) {
                snprintf(err, errlen, "'%.*s' given twice", (int)kl, p);
                goto out;
            }
        } else if (len == 5 && !strncmp(p, "cdrom", 5)) {
            if (!set_once(&devtype, "devtype", "cdrom", 5, err, errlen))
                goto out;
        } else {
            if (npos == 4) {
                snprintf(err, errlen, "too many positional parameters "
                         "(target, format, vdev, access)");
                goto out;
            }
            /* access may already be named; positional slots skip named ones */
            while (npos < 4 && ((npos == 3 && access) || (npos < 3 && pos[npos])))
                npos++;
            if (npos == 4) {
                snprintf(err, errlen, "too many positional parameters");
                goto out;
            }
            if (!set_once(npos == 3 ? &access : &pos[npos], "parameter", p, len, err, errlen))
                goto out;
            npos++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }

    /* The deprecated form: target,vdev[:cdrom],access. */
    int had_prefix = pos[0] && strchr(pos[0], ':') ? strip_prefix(d, &pos[0], err, errlen) : 0;
    if (had_prefix < 0)
        goto out;
    bool depr = had_prefix ||
                (npos == 3 && pos[1] && !in_list(pos[1], formats) &&
                 (vdev_to_devid(pos[1]) >= 0 || strstr(pos[1], ":cdrom")));
    if (depr && pos[1] && !access) {
        /* shift: the format slot held the vdev, the vdev slot the access */
        access = pos[2];
        pos[2] = pos[1];
        pos[1] = NULL;
    }
    if (pos[2]) {
        char *c = strstr(pos[2], ":cdrom");
        if (c && !c[6]) {
            *c = '\0';
            if (!devtype && !(devtype = strdup("cdrom")))
                goto out;
        }
    }

    if (pos[1] && pos[1][0]) {
        if (d->format) {
            snprintf(err, errlen, "format given twice");
            goto out;
        }
        d->format = pos[1];
        pos[1] = NULL;
    }
    if (!d->format && !(d->format = strdup("raw")))
        goto out;
    if (!in_list(d->format, formats)) {
        snprintf(err, errlen, "unknown disk format '%s' (raw, qcow, qcow2, vhd, qed)", d->format);
        goto out;
    }
    if (devtype && strcmp(devtype, "cdrom") && strcmp(devtype, "disk")) {
        snprintf(err, errlen, "unknown devtype '%s' (disk or cdrom)", devtype);
        goto out;
    }
    d->cdrom = devtype && !strcmp(devtype, "cdrom");
    if (!pos[2] || !pos[2][0]) {
        snprintf(err, errlen, "no vdev (the guest's device name, such as xvda)");
        goto out;
    }
    long id = vdev_to_devid(pos[2]);
    if (id < 0) {
        snprintf(err, errlen, "'%s' is not a virtual device name (xvda, hda..hdd, sda..sdp, "
                 "d0p1 or a number)", pos[2]);
        goto out;
    }
    d->devid = (uint32_t)id;
    d->vdev = pos[2];
    pos[2] = NULL;
    if (!access || !access[0] ) {
        d->readonly = d->cdrom;
    } else if (!strcmp(access, "rw") || !strcmp(access, "w")) {
        if (d->cdrom) {
            snprintf(err, errlen, "a cdrom cannot be writable");
            goto out;
        }
        d->readonly = false;
    } else if (!strcmp(access, "ro") || !strcmp(access, "r")) {
        d->readonly = true;
    } else {
        snprintf(err, errlen, "unknown access '%s' (rw, w, ro or r)", access);
        goto out;
    }
    if (pos[0] && pos[0][0]) {
        d->target = pos[0];
        pos[0] = NULL;
    } else if (!d->cdrom) {
        snprintf(err, errlen, "no target (only a cdrom drive may be empty)");
        goto out;
    }
    if (d->backendtype && strcmp(d->backendtype, "phy") && strcmp(d->backendtype, "qdisk") &&
        strcmp(d->backendtype, "tap")) {
        snprintf(err, errlen, "unknown backendtype '%s' (phy, qdisk or tap)", d->backendtype);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 4; i++)
        free(pos[i]);
    free(access);
    free(devtype);
    if (rc)
        disk_spec_free(d);
    return rc;
}

void vif_spec_free(struct vif_spec *v)
{
    free(v->bridge);
    free(v->ip);
    free(v->script);
    free(v->model);
    free(v->vifname);
    free(v->backend);
    free(v->rate);
    free(v->type);
    memset(v, 0, sizeof(*v));
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return false;
        char hex[3] = { s[0], s[1], '\0' };
        mac[i] = (uint8_t)strtoul(hex, NULL, 16);
        s += 2;
        if (i < 5 && *s++ != ':')
            return false;
    }
    return *s == '\0';
}

/* rate=<N><unit>/s[@<N><us|ms|s>], units B KB MB GB b Kb Mb Gb. */
static bool valid_rate(const char *r)
{
    static const char *const units[] = { "B", "KB", "MB", "GB", "b", "Kb", "Mb", "Gb", NULL };
    char unit[3];
    const char *p = r;
    size_t ul = 0;

    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    while (isalpha((unsigned char)*p) && ul < 2)
        unit[ul++] = *p++;
    unit[ul] = '\0';
    if (!in_list(unit, units) || strncmp(p, "/s", 2))
        return false;
    p += 2;
    if (!*p)
        return true;
    if (*p++ != '@' || !isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    return !strcmp(p, "us") || !strcmp(p, "ms") || !strcmp(p, "s");
}

int vif_spec_parse(const char *spec, struct vif_spec *v, char *err, size_t errlen)
{
    const char *p = spec;

    memset(v, 0, sizeof(*v));
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (len == 0) {
            if (!comma)
                break;
            p = comma + 1;
            continue;
        }
        if (!eq) {
            snprintf(err, errlen, "'%.*s' is not key=value", (int)len, p);
            goto fail;
        }
        size_t kl = (size_t)(eq - p), vl = len - kl - 1;
        char val[256];
        if (vl >= sizeof(val)) {
            snprintf(err, errlen, "value of '%.*s' too long", (int)kl, p);
            goto fail;
        }
        memcpy(val, eq + 1, vl);
        val[vl] = '\0';
#define KEY(k) (kl == strlen(k) && !strncmp(p, k, kl))
        char **slot = KEY("bridge") ? &v->bridge : KEY("ip") ? &v->ip :
                      KEY("script") ? &v->script : KEY("model") ? &v->model :
                      KEY("vifname") ? &v->vifname : KEY("backend") ? &v->backend :
                      KEY("rate") ? &v->rate : KEY("type") ? &v->type : NULL;
        if (KEY("mac")) {
            if (v->mac_given) {
                snprintf(err, errlen, "'mac' given twice");
                goto fail;
            }
            if (!parse_mac(val, v->mac)) {
                snprintf(err, errlen, "bad MAC address '%s' (six hex pairs: 00:16:3e:01:02:03)", val);
                goto fail;
            }
            if (v->mac[0] & 1) {
                snprintf(err, errlen, "MAC address '%s' is a multicast address", val);
                goto fail;
            }
            v->mac_given = true;
        } else if (!slot) {
            snprintf(err, errlen, "unknown vif parameter '%.*s'", (int)kl, p);
            goto fail;
        } else if (!set_once(slot, "parameter", val, vl, err, errlen)) {
            snprintf(err, errlen, "'%.*s' given twice", (int)kl, p);
            goto fail;
        }
#undef KEY
        if (!comma)
            break;
        p = comma + 1;
    }
    if (v->type && strcmp(v->type, "vif") && strcmp(v->type, "ioemu")) {
        snprintf(err, errlen, "unknown vif type '%s' (vif)", v->type);
        goto fail;
    }
    if (v->type && !strcmp(v->type, "ioemu")) {
        snprintf(err, errlen, "type=ioemu is for HVM guests; a PV guest's vif is type=vif");
        goto fail;
    }
    if (v->rate && !valid_rate(v->rate)) {
        snprintf(err, errlen, "bad rate '%s' (e.g. 10Mb/s or 1MB/s@20ms)", v->rate);
        goto fail;
    }
    return 0;
fail:
    vif_spec_free(v);
    return -1;
}
