#!/usr/bin/env python3
"""Make a raw disk image for Dom0's block tests.

    mkdisk.py IMAGE SECTORS [SEED]

Writes SECTORS sectors of 512 bytes.  With SEED, every sector holds the
test pattern of dom0-tools/tools/blk/blk.c (blk_pattern): bytes 0-7 its
sector number, 8-11 the seed (little-endian), then a xorshift32 stream of
both -- so `blk verify DEV 0 end SEED` in Dom0 checks every sector the
image was made with, and a sector read from the wrong place is told apart.
Without SEED the image is zeros.  The file is replaced atomically.
"""

import os
import struct
import sys

M32 = 0xffffffff


def pattern(sector, seed):
    x = ((sector * 2654435761) & M32) ^ ((sector >> 32) & M32) ^ ((seed * 40503) & M32) ^ 0x6d696361
    words = []
    for _ in range((512 - 12) // 4):
        x ^= (x << 13) & M32
        x ^= x >> 17
        x ^= (x << 5) & M32
        words.append(x)
    return struct.pack("<QI", sector, seed) + struct.pack("<%dI" % len(words), *words)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path, sectors = argv[1], int(argv[2], 0)
    seed = int(argv[3], 0) if len(argv) == 4 else None
    if sectors <= 0 or (seed is not None and not 0 <= seed <= M32):
        print("mkdisk: bad size or seed", file=sys.stderr)
        return 2
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        if seed is None:
            f.truncate(sectors * 512)
        else:
            for s in range(sectors):
                f.write(pattern(s, seed))
    os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
