#!/bin/bash
# Build the Linux PV guest (or its native twin for benchmarks) from Debian's
# linux-source-6.1 and this directory's patch series; see README.md here.
#
#   guest-linux-patches/build.sh [pv|native] OUTDIR
#
# pv      vmlinux (ELF32 with the Xen notes) for a Mica domain, and
#         initramfs.cpio.gz (busybox-static:i386 and our /init)
# native  bzImage of the same source without paravirtualization, with the
#         same initramfs, for "make bench" (booted natively in QEMU)
#
# Why a cache: a kernel build takes minutes on CI's two cores, and most
# "make test" runs change nothing in its inputs.  The result is stored
# under ${MICA_CACHE:-${XDG_CACHE_HOME:-~/.cache}/mica}/linux/<key>, where
# the key hashes every input: the pinned package versions, the series and
# its patches, the config fragment, the initramfs files, this script and
# the compiler's version.  A hit copies the files to OUTDIR and builds
# nothing; a miss builds in $BUILD/linux/<flavour> and fills the cache.
#
# Inputs that come from outside are Debian packages only (installed or
# downloaded with apt); nothing else is fetched.
set -euo pipefail

LINUX_PKG=linux-source-6.1
LINUX_VERSION=6.1.176-1          # the version the series applies to
BUSYBOX_PKG=busybox-static:i386

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
flavour=${1:-pv}
out=${2:-$top/build/linux}
case $flavour in
pv|native) ;;
*) echo "usage: $0 [pv|native] OUTDIR" >&2; exit 2 ;;
esac
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$top/$BUILD
JOBS=${JOBS:-$(nproc)}
cache_root=${MICA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mica}/linux

say() { echo "linux: $*"; }
die() { echo "linux: error: $*" >&2; exit 1; }

SUDO=
[[ $(id -u) -eq 0 ]] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# --- build tools (Debian packages) -------------------------------------------
need=()
for t in flex:flex bison:bison bc:bc gcc:gcc make:make patch:patch xz:xz-utils \
	 gzip:gzip cpio:cpio perl:perl; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
[[ -f /usr/include/libelf.h ]] || need+=(libelf-dev)
if ((${#need[@]})); then
	say "installing build tools: ${need[*]}"
	$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
		{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
		die "cannot install ${need[*]}"
fi

# --- the source package, pinned ------------------------------------------
installed=$(dpkg-query -W -f='${Status} ${Version}' "$LINUX_PKG" 2>/dev/null || true)
if [[ $installed != "install ok installed $LINUX_VERSION" ]]; then
	if [[ $installed == "install ok installed "* ]]; then
		say "$LINUX_PKG ${installed##* } is installed; the series is for $LINUX_VERSION: installing that"
	else
		say "installing $LINUX_PKG=$LINUX_VERSION"
	fi
	$SUDO apt-get install -y -qq --no-install-recommends --allow-downgrades \
		"$LINUX_PKG=$LINUX_VERSION" >/dev/null 2>&1 ||
		{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
			--allow-downgrades "$LINUX_PKG=$LINUX_VERSION" >/dev/null; } ||
		die "cannot install $LINUX_PKG=$LINUX_VERSION, the version this patch series applies to.
  apt offers: $(apt-cache madison "$LINUX_PKG" 2>/dev/null | awk '{print $3}' | tr '\n' ' ')
  Porting the series to another version means refreshing every patch and LINUX_VERSION in $0."
fi
tarball=/usr/src/$LINUX_PKG.tar.xz
[[ -f $tarball ]] || die "$tarball is missing although $LINUX_PKG is installed"

# --- busybox-static for i386 (multiarch), downloaded, not installed --------
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	say "enabling the i386 architecture for apt (busybox-static:i386)"
	$SUDO dpkg --add-architecture i386
	$SUDO apt-get update -qq
fi
bb_version=$(apt-cache policy "$BUSYBOX_PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
if [[ -z $bb_version || $bb_version == "(none)" ]]; then
	$SUDO apt-get update -qq
	bb_version=$(apt-cache policy "$BUSYBOX_PKG" | awk '/Candidate:/ {print $2}')
fi
[[ -n $bb_version && $bb_version != "(none)" ]] || die "apt knows no $BUSYBOX_PKG"

# --- the cache key -----------------------------------------------------------
mapfile -t patches < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/series")
fragment=$here/config-$flavour.fragment
key=$( {
	echo "flavour $flavour"
	echo "linux $LINUX_VERSION busybox $bb_version"
	gcc --version | head -1
	ld --version | head -1
	cat "$0" "$fragment" "$here/series"
	for p in "${patches[@]}"; do cat "$here/patches/$p"; done
	find "$here/initramfs" "$here/user" -type f | sort | xargs cat
	cat "$top/include/public/io/xs_wire.h" "$top/include/public/errno.h"	# user/xs.c
} | sha256sum | cut -c1-16)
# The unpacked, patched tree depends only on the source and the series: as
# long as they are unchanged it is kept and rebuilt incrementally (a change
# to the configuration, the initramfs or this script rebuilds what changed,
# not the whole kernel).
srckey=$( {
	echo "linux $LINUX_VERSION"
	cat "$here/series"
	for p in "${patches[@]}"; do cat "$here/patches/$p"; done
} | sha256sum | cut -c1-16)
cached=$cache_root/$flavour-$key
case $flavour in
pv) products=(vmlinux initramfs.cpio.gz config) ;;
native) products=(bzImage vmlinux initramfs.cpio.gz config) ;;
esac

deliver() {
	mkdir -p "$out"
	for f in "${products[@]}"; do cp -f "$cached/$f" "$out/$f.tmp" && mv -f "$out/$f.tmp" "$out/$f"; done
	echo "$key" > "$out/KEY"
}
if [[ -f $cached/DONE ]]; then
	say "$flavour kernel $key from the cache ($cached)"
	deliver
	exit 0
fi
say "$flavour kernel $key not cached: building (several minutes)"

# --- unpack and patch ------------------------------------------------------
# A changed series is applied to a fresh copy of the source; if a tree
# built with an earlier series exists, only the files either series touches
# are replaced, and only where their contents differ, so that make rebuilds
# what the change affects and not the whole kernel (the other files keep
# their timestamps).  PATCHED lists the files the tree's series touched.
work=$BUILD/linux-work/$flavour
src=$work/$LINUX_PKG
patched_files() { sed -n 's@^\(---\|+++\) [ab]/\([^[:space:]]*\).*@\2@p' "$@" | sort -u; }
if [[ ! -f $work/SRCKEY || $(cat "$work/SRCKEY") != "$srckey" ]]; then
	fresh=$work/fresh
	rm -rf "$fresh"
	mkdir -p "$fresh"
	say "unpacking $tarball"
	tar -C "$fresh" -xf "$tarball"
	for p in "${patches[@]}"; do
		patch -d "$fresh/$LINUX_PKG" -p1 -s --forward --no-backup-if-mismatch < "$here/patches/$p" ||
			die "patch $p does not apply to $LINUX_PKG $LINUX_VERSION"
	done
	now=$(patched_files "${patches[@]/#/$here/patches/}")
	if [[ -f $work/PATCHED && -d $src ]]; then
		say "updating the files the old and new series touch in $src"
		while IFS= read -r f; do
			[[ -n $f ]] || continue
			if [[ -e $fresh/$LINUX_PKG/$f ]]; then
				cmp -s "$fresh/$LINUX_PKG/$f" "$src/$f" || {
					mkdir -p "$(dirname "$src/$f")"
					cp "$fresh/$LINUX_PKG/$f" "$src/$f"
					say "  changed: $f"
				}
			else
				rm -f "$src/$f"
			fi
		done < <({ cat "$work/PATCHED"; echo "$now"; } | sort -u)
	else
		rm -rf "$src"
		mv "$fresh/$LINUX_PKG" "$src"
	fi
	rm -rf "$fresh"
	echo "$now" > "$work/PATCHED"
	echo "$srckey" > "$work/SRCKEY"
fi

# --- configure and build -----------------------------------------------------
kmake() { make -C "$src" ARCH=i386 -s "$@"; }
kmake allnoconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$fragment" >/dev/null
kmake olddefconfig >/dev/null
# Every line of the fragment must have survived: a dependency that is not
# met silently drops an option, which would build the wrong kernel.
missing=0
while IFS= read -r line; do
	[[ $line == CONFIG_* ]] || continue
	grep -qx -- "$line" "$src/.config" || { echo "linux: config: $line did not stick" >&2; missing=1; }
done < "$fragment"
((missing == 0)) || die "the configuration lacks options of $fragment"

log=$work/build.log
start=$SECONDS
case $flavour in
pv) targets=(vmlinux) ;;
native) targets=(vmlinux bzImage) ;;
esac
if ! nice make -C "$src" ARCH=i386 -j"$JOBS" "${targets[@]}" > "$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "kernel build failed (log: $log)"
fi
say "kernel built in $((SECONDS - start)) s"

# --- the initramfs -------------------------------------------------------------
root=$work/initramfs
rm -rf "$root" "$work/busybox"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root} "$work/busybox"
(cd "$work/busybox" && apt-get download -q "$BUSYBOX_PKG=$bb_version" >/dev/null) ||
	die "cannot download $BUSYBOX_PKG=$bb_version"
dpkg-deb -x "$work"/busybox/busybox-static_*_i386.deb "$work/busybox/x"
cp "$work/busybox/x/bin/busybox" "$root/bin/busybox"
file_type=$(od -An -tx1 -j4 -N2 "$root/bin/busybox" | tr -d ' ')
[[ $file_type == 0101 ]] || die "busybox from $BUSYBOX_PKG is not a 32-bit little-endian ELF"
cp -a "$here/initramfs/." "$root/"
chmod 755 "$root/init"
# Our static test programs (user/): no C library, i386, built with the
# host's gcc -m32 (gcc-multilib).
ucc() { gcc -m32 -march=i686 -O2 -Wall -Wextra -Werror -ffreestanding -fno-pie \
	-fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables -I"$top/include" "$@"; }
uobj=$work/user
rm -rf "$uobj"
mkdir -p "$uobj"
for f in start.S user.c forkexec.c lxbench.c xs.c sysflags.c sigdfl.c; do
	ucc -c "$here/user/$f" -o "$uobj/${f%.*}.o" || die "cannot compile user/$f"
done
for prog in forkexec lxbench xs sysflags sigdfl; do
	gcc -m32 -static -nostdlib -no-pie -Wl,--build-id=none -o "$root/bin/$prog" \
		"$uobj/start.o" "$uobj/user.o" "$uobj/$prog.o" || die "cannot link $prog"
done
# The device nodes the kernel needs before devtmpfs is mounted.
(
	cd "$root"
	find . -mindepth 1 | sort | sed 's|^\./||'
) > "$work/initramfs.list"
{
	echo "dir /dev 755 0 0"
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/null 666 0 0 c 1 3"
	while IFS= read -r f; do
		p=$root/$f
		mode=$(stat -c %a "$p")
		if [[ -d $p ]]; then
			[[ $f == dev ]] || echo "dir /$f $mode 0 0"
		else
			echo "file /$f $p $mode 0 0"
		fi
	done < "$work/initramfs.list"
} > "$work/initramfs.desc"
"$src/usr/gen_init_cpio" "$work/initramfs.desc" | gzip -9n > "$work/initramfs.cpio.gz"

# --- fill the cache, deliver -----------------------------------------------------
tmpc=$cache_root/.tmp-$flavour-$key-$$
rm -rf "$tmpc"
mkdir -p "$tmpc"
cp "$src/vmlinux" "$work/initramfs.cpio.gz" "$tmpc/"
cp "$src/.config" "$tmpc/config"
[[ $flavour == native ]] && cp "$src/arch/x86/boot/bzImage" "$tmpc/"
touch "$tmpc/DONE"
rm -rf "$cached"
mv "$tmpc" "$cached"
deliver
say "$flavour kernel $key built and cached"
