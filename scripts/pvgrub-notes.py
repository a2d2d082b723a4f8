#!/usr/bin/env python3
"""Make GRUB's i386-xen image acceptable to Mica's ELF loader.

    pvgrub-notes.py IMAGE

grub-mkimage 2.06 (Debian's grub-xen-bin) writes the last note of its
i386-xen image, XEN_ELFNOTE_PAE_MODE, with a 12-byte descriptor size of
which only the first 4 bytes exist: "yes" and its NUL end the note segment,
and the file, 8 bytes early.  Xen's libelf reads a string note up to its NUL
and never looks further, so Xen boots it; Mica's loader refuses a note that
runs past its segment (a truncated note is how a hostile kernel would make
it read what follows).  This script sets that note's descriptor size to the
string it holds ("yes" + NUL = 4 bytes) when -- and only when -- the
overrunning note is the last one and its string ends inside the segment;
nothing else of the image changes.  It prints what it did, or that nothing
was needed.
"""
import struct
import sys


def main(path):
    with open(path, "rb") as f:
        d = bytearray(f.read())
    if d[:4] != b"\x7fELF" or d[4] != 1:
        sys.exit("pvgrub-notes: %s is not a 32-bit ELF file" % path)
    phoff, = struct.unpack_from("<I", d, 28)
    phentsize, phnum = struct.unpack_from("<HH", d, 42)
    for i in range(phnum):
        ph = phoff + i * phentsize
        ptype, off, _, _, filesz, memsz = struct.unpack_from("<IIIIII", d, ph)
        if ptype != 4:                          # PT_NOTE
            continue
        pos = 0
        while pos + 12 <= filesz:
            namesz, descsz, _ = struct.unpack_from("<III", d, off + pos)
            size = 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
            if pos + size > filesz:
                dstart = off + pos + 12 + (namesz + 3) // 4 * 4
                inside = d[dstart:off + filesz]
                if dstart > off + filesz or b"\0" not in inside:
                    sys.exit("pvgrub-notes: note %u at %#x runs past its segment" % (i, pos))
                new = inside.index(b"\0") + 1
                if 12 + (namesz + 3) // 4 * 4 + (new + 3) // 4 * 4 + pos > filesz:
                    sys.exit("pvgrub-notes: note at %#x cannot be shortened" % pos)
                struct.pack_into("<I", d, off + pos + 4, new)
                with open(path, "wb") as f:
                    f.write(d)
                print("pvgrub-notes: %s: the note at %#x of segment %u: descriptor size "
                      "%u -> %u (%r)" % (path, pos, i, descsz, new, bytes(inside[:new])))
                return
            pos += size
    print("pvgrub-notes: %s: nothing to do" % path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    main(sys.argv[1])
