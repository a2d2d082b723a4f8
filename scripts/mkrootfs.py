#!/usr/bin/env python3
"""Make an ext4 root file system image from a cpio archive, without root.

    mkrootfs.py CPIO[.gz] IMAGE MIB [NOTE]

Unpacks the "newc" archive (the Linux guest's initramfs of make linux) into
a scratch directory -- directories, regular files and symbolic links;
device nodes are left out (the kernel's devtmpfs provides /dev) -- writes
NOTE, if given, into /etc/mica-disk, and makes IMAGE, MIB MiB, with
`mke2fs -t ext4 -d` (files owned by root: -E root_owner).  This is the
root file system the Linux guest mounts through blkfront (make
run-linux-disk, test dom0-linux-disk).
"""
import gzip
import os
import shutil
import stat
import subprocess
import sys
import tempfile


def unpack(data, root):
    pos = 0
    while pos + 110 <= len(data):
        h = data[pos:pos + 110]
        if h[:6] not in (b"070701", b"070702"):
            sys.exit("mkrootfs: bad cpio header at %d" % pos)
        f = [int(h[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = f[1], f[6], f[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos:pos + size]
        pos = (pos + size + 3) & ~3
        if name == "TRAILER!!!":
            break
        path = os.path.normpath(os.path.join(root, name.lstrip("/")))
        if not path.startswith(root):
            sys.exit("mkrootfs: %s leaves the tree" % name)
        if stat.S_ISDIR(mode):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, stat.S_IMODE(mode))
        elif stat.S_ISREG(mode):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as out:
                out.write(body)
            os.chmod(path, stat.S_IMODE(mode))
        elif stat.S_ISLNK(mode):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(body.decode(), path)


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    src, image, mib = argv[1], argv[2], int(argv[3])
    with open(src, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    tmp = tempfile.mkdtemp(prefix="mkrootfs-")
    try:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        unpack(data, root)
        for d in ("dev", "proc", "sys", "tmp", "root", "etc"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        if len(argv) == 5:
            with open(os.path.join(root, "etc", "mica-disk"), "w") as f:
                f.write(argv[4] + "\n")
        new = image + ".tmp"
        if os.path.exists(new):
            os.unlink(new)
        env = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "mica-root",
                        "-E", "root_owner=0:0", "-d", root, new, "%dM" % mib],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        os.replace(new, image)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main(sys.argv)
