/*
 * The kernel's one ramfs, loaded from the boot module (files.c); the OS
 * interface's file calls (os/mica/files.c) read it.
 */
#ifndef DOM0_FILES_H
#define DOM0_FILES_H

#include "ramfs.h"

void files_init(const void *archive, size_t len);
const struct ramfs *files_fs(void);
unsigned int files_count(void);

#endif
