/* The `blk` shell command (blk.c): Dom0's disks through os_blk.h. */
#ifndef DOM0_TOOLS_BLK_H
#define DOM0_TOOLS_BLK_H

#include <stdint.h>

int blk_main(int argc, char **argv);
/* Sector `sector`'s content in the test pattern of `seed` (512 bytes);
 * tests/qemu/mkdisk.py writes the same. */
void blk_pattern(uint64_t sector, uint32_t seed, uint8_t *out);

#endif
