#!/bin/sh
# Build a BIOS-bootable GRUB ISO that boots Mica with multiboot2.
#   mkiso.sh <mica.bin> <guest.elf> <out.iso> "<hypervisor command line>"
# The ISO holds /boot/mica.bin, /boot/guest.elf and a grub.cfg whose only
# entry is the same boot as `make run-demo` (the guest as the initial domain and
# again as an unprivileged "peer"; make run-demo also passes a data module).  The console is on the serial line
# (and the screen), so QEMU -nographic shows everything.
set -e
bin=$1; guest=$2; out=$3; cmdline=$4
[ -f "$bin" ] && [ -f "$guest" ] || { echo "mkiso: missing input" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$bin" "$dir/boot/mica.bin"
cp "$guest" "$dir/boot/guest.elf"
cat > "$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "Mica hypervisor: demo guest" {
    multiboot2 /boot/mica.bin $cmdline
    module2 /boot/guest.elf demo guest command line
    module2 /boot/guest.elf domain name=peer mem=8M -- peer
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
    echo "mkiso: grub-mkrescue failed (needs grub-pc-bin, xorriso, mtools)" >&2
    grub-mkrescue -o "$out" "$dir"
    exit 1
}
echo "  ISO     $out"
