/*
 * The ramfs (ramfs.c): Dom0's files, from the cpio "newc" archive the
 * boot loader passes as Dom0's initrd.  Read-only; file data stays where
 * the archive is (never copied).  Pure C over malloc, tested on the host.
 */
#ifndef DOM0_RAMFS_H
#define DOM0_RAMFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define RAMFS_NAME_MAX  255
#define RAMFS_PATH_MAX  1024

struct rnode {
    char *name;
    uint32_t mode;              /* S_IF* type and permission bits */
    const void *data;           /* file contents, or symlink target */
    size_t size;
    struct rnode *parent;
    struct rnode *children;     /* directories: sorted by name */
    struct rnode *next;
};

#define RAMFS_IFMT   0170000u
#define RAMFS_IFDIR  0040000u
#define RAMFS_IFREG  0100000u
#define RAMFS_IFLNK  0120000u

struct ramfs {
    struct rnode *root;
    unsigned int files, dirs, links, skipped;
    size_t bytes;
};

/*
 * Parse an archive.  Entries are added in order (a later one replaces an
 * earlier one of the same path, as Linux's initramfs does).  A malformed
 * archive stops the parse with -EINVAL and a message naming the byte
 * offset and the problem in err; what was added before stays.  Device
 * nodes, FIFOs and sockets are skipped (counted).
 */
int ramfs_load(struct ramfs *fs, const void *archive, size_t len, char *err, size_t errlen);
/* Find a path (symlinks followed, 8 levels at most): 0 and *out, or
 * -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG. */
int ramfs_lookup(const struct ramfs *fs, const char *path, const struct rnode **out);
static inline bool rnode_is_dir(const struct rnode *n)
{
    return (n->mode & RAMFS_IFMT) == RAMFS_IFDIR;
}
void ramfs_free(struct ramfs *fs);

#endif
