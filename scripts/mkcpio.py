#!/usr/bin/env python3
"""Write a cpio "newc" archive (Dom0's ramfs) from directories and files.

    mkcpio.py OUT SRC=DEST [SRC=DEST ...]

Each SRC (a directory, copied recursively, or a file) lands at DEST inside
the archive.  The archive is reproducible: entries sorted by path, owner
0:0, mtime 0, inode numbers in order, permissions 0755 for directories and
0644 (0755 if executable) for files.  Parent directories are listed before
their entries.  Written by us from the format (no dependency on cpio(1)).
"""

import os
import sys


def header(ino, mode, nlink, size, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * ((4 - n % 4) % 4)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out, specs = argv[0], argv[1:]
    entries = {}                  # archive path -> (mode, data or None)

    def add_dirs(path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]), (0o040755, None))

    for spec in specs:
        if "=" not in spec:
            sys.stderr.write("mkcpio: '%s' is not SRC=DEST\n" % spec)
            return 2
        src, dest = spec.split("=", 1)
        dest = dest.strip("/")
        if not os.path.exists(src):
            continue                  # an optional tree that does not exist
        if os.path.isfile(src):
            add_dirs(dest)
            with open(src, "rb") as f:
                mode = 0o100755 if os.access(src, os.X_OK) else 0o100644
                entries[dest] = (mode, f.read())
            continue
        if dest:
            add_dirs(dest + "/x")
            entries.setdefault(dest, (0o040755, None))
        for root, dirs, files in os.walk(src):
            dirs.sort()
            rel = os.path.relpath(root, src)
            base = dest if rel == "." else "/".join(p for p in (dest, rel) if p)
            for d in dirs:
                entries.setdefault("/".join(p for p in (base, d) if p), (0o040755, None))
            for fn in sorted(files):
                p = os.path.join(root, fn)
                with open(p, "rb") as f:
                    mode = 0o100755 if os.access(p, os.X_OK) else 0o100644
                    entries["/".join(x for x in (base, fn) if x)] = (mode, f.read())

    blob = bytearray()
    ino = 1
    for path in sorted(entries):
        mode, data = entries[path]
        name = path.encode()
        size = len(data) if data is not None else 0
        nlink = 2 if data is None else 1
        blob += header(ino, mode, nlink, size, name) + name + b"\0"
        blob += pad4(110 + len(name) + 1)
        if data:
            blob += data + pad4(len(data))
        ino += 1
    name = b"TRAILER!!!"
    blob += header(0, 0, 1, 0, name) + name + b"\0" + pad4(110 + len(name) + 1)
    blob += pad4(len(blob))
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
