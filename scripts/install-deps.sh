#!/bin/sh
# Install the Debian packages Mica's build and tests need, if any is missing.
# Safe to run repeatedly: it does nothing when everything is present.
set -e
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need="$need qemu-system-x86"
have grub-mkrescue      || need="$need grub-common"
[ -d /usr/lib/grub/i386-pc ] || need="$need grub-pc-bin"
[ -d /usr/lib/grub/i386-xen ] || need="$need grub-xen-bin"   # PV GRUB (dom0-pvgrub)
have mke2fs || [ -x /usr/sbin/mke2fs ] || need="$need e2fsprogs"   # ext2/ext4 images
have xorriso            || need="$need xorriso"
have mformat            || need="$need mtools"
have gcc                || need="$need gcc"
have make               || need="$need make"
have ld                 || need="$need binutils"
have python3            || need="$need python3"
printf 'int main(void){return 0;}\n' > /tmp/mica-m32-$$.c
if gcc -m32 /tmp/mica-m32-$$.c -o /tmp/mica-m32-$$ >/dev/null 2>&1; then
	# A kernel without IA32 emulation cannot run the -m32 ABI check:
	# the tests then run it under QEMU's user-mode emulator.
	python3 -c 'import os, sys; os.execv(sys.argv[1], sys.argv[1:])' /tmp/mica-m32-$$ \
		>/dev/null 2>&1 || have qemu-i386 || need="$need qemu-user"
else
	need="$need gcc-multilib"
fi
rm -f /tmp/mica-m32-$$ /tmp/mica-m32-$$.c
[ -z "$need" ] && exit 0

echo "mica: installing missing packages:$need"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $need
