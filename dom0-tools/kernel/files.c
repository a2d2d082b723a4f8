/*
 * Dom0's files: the ramfs parsed from the module that followed Dom0's
 * kernel (its initrd, start_info.mod_start/mod_len).  The module's frames
 * stay reserved for good (mm.c), because file data is used in place.
 * Without a module, or with a broken one, Dom0 still boots, with an empty
 * (or partial) tree and a message saying why.
 */
#include "kernel.h"
#include "files.h"

static struct ramfs fs;

void files_init(const void *archive, size_t len)
{
    char err[128];
    int rc;

    if (!len) {
        kprintf("no ramfs module: no files\n");
        ramfs_load(&fs, "", 0, err, sizeof(err));   /* just the root */
        return;
    }
    rc = ramfs_load(&fs, archive, len, err, sizeof(err));
    if (rc)
        kprintf("ramfs: bad archive (%s); %u files kept\n", err, fs.files);
}

const struct ramfs *files_fs(void)
{
    return &fs;
}

unsigned int files_count(void)
{
    return fs.files;
}
