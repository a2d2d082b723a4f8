/*
 * The OS interface: files (see os_loop.h for the whole).
 *
 * Dom0's files are the ramfs it booted with: guest kernels, ramdisks,
 * disk images and configuration.  Tools read whole files (they are small,
 * or, for kernels, needed whole anyway); on Mica the data is not even
 * copied.  Paths are absolute, or relative to "/".
 */
#ifndef DOM0_OS_FILES_H
#define DOM0_OS_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct os_stat {
    uint64_t size;
    bool is_dir;
    uint32_t mode;          /* permission bits */
};

/* 0, or -ENOENT / -ENOTDIR / -ENAMETOOLONG / -ELOOP. */
int os_stat(const char *path, struct os_stat *st);
/* A regular file's contents, read-only, until os_file_unload: 0 or -errno
 * (-EISDIR for a directory). */
int os_file_load(const char *path, const void **data, size_t *len);
void os_file_unload(const void *data);
/* Call fn for each entry of a directory, in name order; stops when fn
 * returns non-zero and returns that value; 0, or -errno for the path. */
typedef int os_dir_fn(void *arg, const char *name, const struct os_stat *st);
int os_dir_list(const char *path, os_dir_fn *fn, void *arg);

#endif
