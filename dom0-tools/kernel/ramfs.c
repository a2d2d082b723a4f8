/*
 * The ramfs: a tree built from a cpio "newc" archive.
 *
 * newc records (all numbers 8 hex digits, big-endian text):
 *
 *   "070701" ino mode uid gid nlink mtime filesize devmajor devminor
 *            rdevmajor rdevminor namesize check      (110 bytes)
 *   name (namesize bytes, NUL included), padded to a multiple of 4
 *   data (filesize bytes), padded to a multiple of 4
 *   ... ending with the name "TRAILER!!!"
 *
 * "070702" (with checksum) is accepted too; the checksum is not checked.
 * The archive is untrusted input like any other: every field must be hex,
 * every length inside the archive, every name NUL-terminated where its
 * size says and free of empty or ".." components; the first violation
 * stops the parse with its offset.  Names are taken relative to the root
 * ("./etc/x", "/etc/x" and "etc/x" are the same file); parent directories
 * that the archive does not list are created.
 */
#include "ramfs.h"
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>

#define HDR_LEN 110

static struct rnode *new_node(const char *name, size_t len, uint32_t mode,
                              struct rnode *parent)
{
    struct rnode *n = calloc(1, sizeof(*n));

    if (!n || !(n->name = strndup(name, len))) {
        free(n);
        return NULL;
    }
    n->mode = mode;
    n->parent = parent;
    return n;
}

static void free_tree(struct rnode *n)
{
    while (n) {
        struct rnode *next = n->next;
        free_tree(n->children);
        free(n->name);
        free(n);
        n = next;
    }
}

void ramfs_free(struct ramfs *fs)
{
    free_tree(fs->root);
    memset(fs, 0, sizeof(*fs));
}

static struct rnode *child(const struct rnode *dir, const char *name, size_t len)
{
    for (struct rnode *c = dir->children; c; c = c->next)
        if (strlen(c->name) == len && !memcmp(c->name, name, len))
            return c;
    return NULL;
}

/* Insert into a directory's sorted list. */
static void link_child(struct rnode *dir, struct rnode *n)
{
    struct rnode **pp = &dir->children;

    while (*pp && strcmp((*pp)->name, n->name) < 0)
        pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
}

static void unlink_child(struct rnode *dir, struct rnode *n)
{
    for (struct rnode **pp = &dir->children; *pp; pp = &(*pp)->next) {
        if (*pp == n) {
            *pp = n->next;
            n->next = NULL;
            return;
        }
    }
}

static bool hex8(const char *p, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return true;
}

/* Add one entry at `path` (no leading '/', components validated). */
static int add_entry(struct ramfs *fs, const char *path, uint32_t mode,
                     const void *data, size_t size, const char **why)
{
    struct rnode *dir = fs->root;
    const char *p = path;

    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        struct rnode *c = child(dir, p, len);

        if (!slash) {
            if (c && rnode_is_dir(c) && (mode & RAMFS_IFMT) == RAMFS_IFDIR) {
                c->mode = mode;             /* a directory listed again */
                return 0;
            }
            if (c) {                        /* a later entry replaces it */
                unlink_child(dir, c);
                c->next = NULL;
                free_tree(c);
            }
            if (!(c = new_node(p, len, mode, dir)))
                return -ENOMEM;
            c->data = data;
            c->size = size;
            link_child(dir, c);
            return 0;
        }
        if (!c) {
            if (!(c = new_node(p, len, RAMFS_IFDIR | 0755, dir)))
                return -ENOMEM;
            link_child(dir, c);
            fs->dirs++;
        } else if (!rnode_is_dir(c)) {
            *why = "a path component is not a directory";
            return -EINVAL;
        }
        dir = c;
        p = slash + 1;
    }
}

/* Strip "./" and "/" prefixes; refuse empty and ".." components. */
static const char *clean_name(const char *name, const char **why)
{
    while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
        name += name[0] == '/' ? 1 : 2;
    if (!strcmp(name, ".") || !name[0])
        return "";
    for (const char *p = name; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 2 && p[0] == '.' && p[1] == '.') ||
            (len == 1 && p[0] == '.')) {
            *why = "empty, '.' or '..' path component";
            return NULL;
        }
        if (len > RAMFS_NAME_MAX) {
            *why = "path component too long";
            return NULL;
        }
        p += len + (slash ? 1 : 0);
        if (slash && !*p) {
            *why = "name ends with '/'";
            return NULL;
        }
    }
    return name;
}

int ramfs_load(struct ramfs *fs, const void *archive, size_t len, char *err, size_t errlen)
{
    const char *a = archive;
    size_t off = 0;
    const char *why = NULL;
    int rc = 0;

    if (!fs->root && !(fs->root = new_node("", 0, RAMFS_IFDIR | 0755, NULL)))
        return -ENOMEM;
    for (;;) {
        uint32_t f[13];
        if (off > len || len - off < HDR_LEN) {
            why = "truncated header (no TRAILER!!! record)";
            break;
        }
        if (memcmp(a + off, "070701", 6) && memcmp(a + off, "070702", 6)) {
            why = "bad magic (not a newc archive)";
            break;
        }
        int i;
        for (i = 0; i < 13 && hex8(a + off + 6 + 8 * i, &f[i]); i++)
            ;
        if (i < 13) {
            why = "non-hex header field";
            break;
        }
        uint32_t mode = f[1], filesize = f[6], namesize = f[11];
        size_t name_off = off + HDR_LEN;
        if (namesize == 0 || namesize > RAMFS_PATH_MAX || namesize > len - name_off) {
            why = "bad name size";
            break;
        }
        const char *name = a + name_off;
        if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1) {
            why = "name not NUL-terminated where its size says";
            break;
        }
        size_t data_off = (name_off + namesize + 3) & ~(size_t)3;
        if (data_off > len || filesize > len - data_off) {
            why = "file data beyond the end of the archive";
            break;
        }
        if (!strcmp(name, "TRAILER!!!"))
            return 0;
        const char *path = clean_name(name, &why);
        if (!path)
            break;
        uint32_t type = mode & RAMFS_IFMT;
        if (*path == '\0') {
            /* "." : the root's own record */
        } else if (type == RAMFS_IFDIR || type == RAMFS_IFREG || type == RAMFS_IFLNK) {
            if (type == RAMFS_IFLNK && (filesize == 0 || filesize > RAMFS_PATH_MAX)) {
                why = "bad symlink target length";
                break;
            }
            rc = add_entry(fs, path, mode, a + data_off, filesize, &why);
            if (rc)
                break;
            if (type == RAMFS_IFREG) {
                fs->files++;
                fs->bytes += filesize;
            } else if (type == RAMFS_IFDIR) {
                fs->dirs++;
            } else {
                fs->links++;
            }
        } else {
            fs->skipped++;
        }
        off = (data_off + filesize + 3) & ~(size_t)3;
    }
    if (rc == -ENOMEM)
        why = "out of memory";
    snprintf(err, errlen, "offset %zu: %s", off, why ? why : "error");
    return rc ? rc : -EINVAL;
}

static int walk(const struct ramfs *fs, const struct rnode *start, const char *path,
                int depth, const struct rnode **out)
{
    const struct rnode *n = (path[0] == '/' || !start) ? fs->root : start;
    const char *p = path;

    if (depth > 8)
        return -ELOOP;
    if (!n)
        return -ENOENT;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len > RAMFS_NAME_MAX)
            return -ENAMETOOLONG;
        if (!rnode_is_dir(n))
            return -ENOTDIR;
        if (len == 1 && p[0] == '.') {
            /* stay */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (n->parent)
                n = n->parent;
        } else {
            const struct rnode *c = child(n, p, len);
            if (!c)
                return -ENOENT;
            if ((c->mode & RAMFS_IFMT) == RAMFS_IFLNK) {
                char target[RAMFS_PATH_MAX + 1];
                memcpy(target, c->data, c->size);
                target[c->size] = '\0';
                int rc = walk(fs, n, target, depth + 1, &c);
                if (rc)
                    return rc;
            }
            n = c;
        }
        p += len;
    }
    *out = n;
    return 0;
}

int ramfs_lookup(const struct ramfs *fs, const char *path, const struct rnode **out)
{
    if (strlen(path) > RAMFS_PATH_MAX)
        return -ENAMETOOLONG;
    return walk(fs, fs->root, path, 0, out);
}
