/*
 * The OS interface on Mica's Dom0 kernel: files (os_files.h) over the
 * kernel's ramfs.  Loading a file hands out a pointer into the boot
 * module itself: nothing is copied and nothing needs freeing.
 */
#include <errno.h>
#include <stdio.h>
#include "os_files.h"
#include "../../kernel/files.h"

static void fill_stat(const struct rnode *n, struct os_stat *st)
{
    st->size = rnode_is_dir(n) ? 0 : n->size;
    st->is_dir = rnode_is_dir(n);
    st->mode = n->mode & 07777;
}

int os_stat(const char *path, struct os_stat *st)
{
    const struct rnode *n;
    int rc = ramfs_lookup(files_fs(), path, &n);

    if (!rc)
        fill_stat(n, st);
    return rc;
}

int os_file_load(const char *path, const void **data, size_t *len)
{
    const struct rnode *n;
    int rc = ramfs_lookup(files_fs(), path, &n);

    if (rc)
        return rc;
    if (rnode_is_dir(n))
        return -EISDIR;
    *data = n->data;
    *len = n->size;
    return 0;
}

void os_file_unload(const void *data)
{
    (void)data;
}

int os_dir_list(const char *path, os_dir_fn *fn, void *arg)
{
    const struct rnode *n;
    struct os_stat st;
    int rc = ramfs_lookup(files_fs(), path, &n);

    if (rc)
        return rc;
    if (!rnode_is_dir(n))
        return -ENOTDIR;
    for (const struct rnode *c = n->children; c; c = c->next) {
        const struct rnode *t = c;
        if ((c->mode & RAMFS_IFMT) == RAMFS_IFLNK) {
            char full[RAMFS_PATH_MAX + RAMFS_NAME_MAX + 2];
            snprintf(full, sizeof(full), "%s/%s", path, c->name);
            if (ramfs_lookup(files_fs(), full, &t))
                t = c;          /* dangling: list the link itself */
        }
        fill_stat(t, &st);
        if ((rc = fn(arg, c->name, &st)))
            return rc;
    }
    return 0;
}
