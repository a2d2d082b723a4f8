# Mica top-level Makefile.
#
#   make            build the hypervisor and every test guest
#   make run        build and boot Mica, its Dom0 and the demo ramfs in QEMU: a
#                   shell on this terminal where `xl create /etc/xl/hello.cfg -c`
#                   starts a guest (docs/dom0.md); DOM0_ARGS=script=PATH runs a
#                   script of Dom0 commands first (script=/etc/dom0/demo.sh:
#                   the whole demo without a person); with a virtio disk
#                   and network card for Dom0's drivers (lspci, blk, net)
#   make run-demo   the first demo: the demo kernel as domain 0 and as an
#                   unprivileged domain, talking over an event channel
#   make test       host unit tests, then every QEMU boot-to-verdict test
#   make iso        GRUB (BIOS, multiboot2) bootable ISO;  make run-iso boots it
#   make debug      boot what `make run` boots with QEMU's gdb stub, waiting
#                   for gdb (make debug-demo: the same for make run-demo)
#   make run-dom0   the same as make run
#   make run-ring   the split-driver ring demo: a frontend and a backend
#                   domain over a granted ring (docs/grants.md)
#   make deps       install the Debian packages the build and tests need
#   make fuzz       long passes of the hypercall fuzzer over several seeds:
#                   make fuzz SEED="1 2 3" CALLS=1000000 (docs/reliability.md)
#   make soak       the runs too long for make test (tests/qemu/soak.list):
#                   1000 create/destroy cycles through xl (docs/reliability.md)
#   make linux      the Linux PV guest: build/linux/pv/{vmlinux,initramfs.cpio.gz}
#                   (guest-linux-patches/; cached by the hash of its inputs)
#   make run-linux-net  two Linux guests on xenbr0 talking through netback
#   make run-linux  Mica + Dom0 with Linux in its ramfs: `xl create
#                   /etc/xl/linux.cfg -c` reaches a busybox shell
#                   (make run-linux-host: Linux next to the linux-host test
#                   guest, as the linux-* milestone tests boot it)
#   make linux-native  the same source without paravirtualization, for bench
#
# Options: ACCEL=kvm (opt-in; TCG by default), V=1 (show commands),
#          QEMU_EXTRA="..." (appended to the QEMU command line).

BUILD   ?= build
ACCEL   ?= tcg
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy
NM      ?= nm
QEMU    ?= qemu-system-x86_64
QEMU_MEM ?= 256M

GCC_INC := $(shell $(CC) -print-file-name=include)

# Flags shared by every freestanding build (hypervisor and 32-bit guests).
FREESTANDING := -ffreestanding -nostdinc -isystem $(GCC_INC) -fno-pic -fno-pie \
                -fno-stack-protector -fno-builtin -fno-common -std=gnu11 \
                -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
                -Wstrict-prototypes -Wshadow -Wvla -g

# ---------------------------------------------------------------------------
# The hypervisor
# ---------------------------------------------------------------------------
HV_CFLAGS := $(FREESTANDING) -m64 -O2 -mcmodel=kernel -mno-red-zone \
             -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-3dnow \
             -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
             -fno-asynchronous-unwind-tables \
             -Iinclude -Ihypervisor/include -Ihypervisor/arch/x86/include \
             -DMICA_HYPERVISOR
# PHASES=1: per-phase instruction counts of the hot paths (mica/phase.h);
# only `make bench-phases` builds it, into a build directory of its own.
PHASES  ?= 0
ifeq ($(PHASES),1)
HV_CFLAGS += -DMICA_PHASES
endif
HV_ASFLAGS := $(HV_CFLAGS) -D__ASSEMBLY__

HV_C_SRCS := $(filter-out %/asm-offsets.c,$(sort $(wildcard hypervisor/common/*.c hypervisor/arch/x86/*.c)))
HV_S_SRCS := $(sort $(wildcard hypervisor/arch/x86/boot/*.S hypervisor/arch/x86/*.S))
HV_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(HV_C_SRCS)) \
             $(patsubst %.S,$(BUILD)/%.o,$(HV_S_SRCS))

MICA_ELF := $(BUILD)/mica.elf
MICA_BIN := $(BUILD)/mica.bin

GIT_REV := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)

.PHONY: fuzz soak linux linux-native run-linux run-linux-disk run-linux-net run-linux-host run-dom0 run-demo debug-demo run-ring all hypervisor guests run debug test test-host test-qemu iso run-iso deps deps-check clean check-headers bench bench-smoke bench-phases
all: hypervisor guests dom0

hypervisor: $(MICA_BIN)

$(BUILD)/hypervisor/%.o: hypervisor/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hypervisor/%.o: hypervisor/%.S $(BUILD)/asm-offsets.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(HV_ASFLAGS) -I$(BUILD) -MMD -MP -c $< -o $@

# Structure offsets for assembly, derived from the C definitions (never by hand).
$(BUILD)/asm-offsets.h: hypervisor/arch/x86/asm-offsets.c $(wildcard hypervisor/include/mica/*.h hypervisor/arch/x86/include/asm/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_CFLAGS) -S $< -o $(BUILD)/asm-offsets.s
	$(Q)sed -n 's/.*@@OFFSET \([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9][0-9]*\).*/#define \1 \2/p' \
	    $(BUILD)/asm-offsets.s > $@.tmp && mv $@.tmp $@

# version info compiled into the image (xen_version compile_info / changeset)
$(BUILD)/hypervisor/version-info.o: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' \
	  'const char mica_compiler[] = "$(shell $(CC) --version | head -1)";' \
	  'const char mica_compile_by[] = "$(shell id -un 2>/dev/null || echo builder)";' \
	  'const char mica_compile_domain[] = "mica";' \
	  'const char mica_compile_date[] = "$(shell date -u "+%Y-%m-%d %H:%M:%S UTC")";' \
	  'const char mica_changeset[] = "$(GIT_REV)";' > $(BUILD)/version-info.c
	$(Q)$(CC) $(HV_CFLAGS) -Wno-missing-prototypes -c $(BUILD)/version-info.c -o $@
FORCE:

# Three-pass link so panic backtraces are symbolized: pass 1 with an empty
# table, pass 2 with a table of the right size, pass 3 with the final
# addresses (the table's size no longer changes, so nothing moves).
HV_LINK = $(LD) -m elf_x86_64 -nostdlib -z max-page-size=0x1000 -z noexecstack \
          --no-warn-rwx-segments -T linker.ld
$(MICA_ELF): $(HV_OBJS) $(BUILD)/hypervisor/version-info.o linker.ld scripts/gensyms.sh
	@$(if $(Q),echo "  LD      $@")
	$(Q)scripts/gensyms.sh /dev/null > $(BUILD)/syms0.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $(BUILD)/syms0.S -o $(BUILD)/syms0.o
	$(Q)$(HV_LINK) -o $(BUILD)/mica.1 $(HV_OBJS) $(BUILD)/hypervisor/version-info.o $(BUILD)/syms0.o
	$(Q)$(NM) -n $(BUILD)/mica.1 | scripts/gensyms.sh - > $(BUILD)/syms1.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $(BUILD)/syms1.S -o $(BUILD)/syms1.o
	$(Q)$(HV_LINK) -o $(BUILD)/mica.2 $(HV_OBJS) $(BUILD)/hypervisor/version-info.o $(BUILD)/syms1.o
	$(Q)$(NM) -n $(BUILD)/mica.2 | scripts/gensyms.sh - > $(BUILD)/syms2.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $(BUILD)/syms2.S -o $(BUILD)/syms2.o
	$(Q)$(HV_LINK) -o $@ $(HV_OBJS) $(BUILD)/hypervisor/version-info.o $(BUILD)/syms2.o
	$(Q)$(NM) -n $@ | scripts/gensyms.sh - | cmp -s - $(BUILD)/syms2.S || \
	    { echo "symbol table did not converge"; exit 1; }

# The boot image is a flat binary with multiboot1 and multiboot2 headers that
# give explicit load addresses (QEMU's -kernel refuses 64-bit ELF files).
$(MICA_BIN): $(MICA_ELF)
	$(Q)$(OBJCOPY) -O binary -j .boot -j .text -j .rodata -j .data $< $@

-include $(HV_OBJS:.o=.d)
# A change of flags rebuilds everything.
$(HV_OBJS) $(BUILD)/asm-offsets.h: Makefile

# ---------------------------------------------------------------------------
# Test guests, host tests and QEMU tests (fragments owned by tests/)
# ---------------------------------------------------------------------------
include tests/guest/guest.mk
include tests/bench/bench.mk
include tests/guest/xenstored.mk
include tests/guest/ctl.mk
include tests/host/host.mk
include dom0-tools/dom0.mk

guests: $(GUEST_ELFS) $(BENCH_ELFS)

QEMU_ACCEL := $(if $(filter kvm,$(ACCEL)),-accel kvm -cpu host,-accel tcg -cpu max)
QEMU_BASE  = $(QEMU) -machine pc $(QEMU_ACCEL) -m $(QEMU_MEM) -nographic -no-reboot \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMU_EXTRA)

DEMO_CMDLINE ?= console=com1 loglvl=info debug_exit

# Mica's own Dom0 (docs/dom0.md) with its ramfs: a shell on the serial line.
# DOM0_ARGS is Dom0's command line, e.g. DOM0_ARGS=script=/etc/dom0/demo.sh.
DOM0_ARGS ?=
DOM0_MODULES = $(DOM0_ELF)$(if $(DOM0_ARGS), $(DOM0_ARGS)),$(DOM0_RAMFS)

# Devices for Dom0's drivers (docs/devices.md), so lspci, blk and net have
# something to show: a 16 MiB disk of the blk test pattern of seed 1
# (made once, kept between runs: what you write stays) and a network card
# on QEMU's user network restricted to this machine (no default NIC).
RUN_DISK := $(BUILD)/run-disk.img
RUN_DEVICES = -drive if=none,id=vd0,file=$(RUN_DISK),format=raw \
              -device virtio-blk-pci,drive=vd0 -nic none \
              -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,romfile=
$(RUN_DISK):
	@mkdir -p $(dir $@)
	python3 tests/qemu/mkdisk.py $@ 32768 1

run run-dom0: deps-check all $(RUN_DISK)
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DOM0_MODULES)" $(RUN_DEVICES) ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# The first demo: the demo kernel as the initial domain (with a boot module),
# and the same kernel again as an unprivileged domain, "peer" (docs/boot.md).
# The ISO (make run-iso) boots the same.
DEMO_MODULES = $(DEMO_ELF) demo guest command line,tests/guest/data/module.txt,$(DEMO_ELF) domain name=peer mem=8M -- peer

run-demo: deps-check all
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DEMO_MODULES)" ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# The Linux PV guest (docs/porting-a-kernel.md) from Mica's Dom0: Dom0 with
# the Linux ramfs (build/dom0/ramfs-linux.cpio: the demo ramfs, the kernel,
# its initramfs and /etc/xl/linux.cfg); `xl create /etc/xl/linux.cfg -c`
# gives a busybox shell on the guest's hvc0, served by Dom0's console
# backend; its xenbus talks to Dom0's xenstored.
run-linux: deps-check all dom0-linux
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DOM0_ELF)$(if $(DOM0_ARGS), $(DOM0_ARGS)),$(DOM0_LINUX_RAMFS)" ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# The same with the guest's root file system on a disk: the ext4 image
# build/dom0/linux-root.img as Dom0's virtio disk vda (QEMU writes to a
# snapshot: the image stays as built), served by blkback:
# `xl create /etc/xl/linux-disk.cfg -c` mounts / from /dev/xvda.
run-linux-disk: deps-check all dom0-linux
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DOM0_ELF)$(if $(DOM0_ARGS), $(DOM0_ARGS)),$(DOM0_LINUX_RAMFS)" \
	    -drive if=none,id=root,file=$(LINUX_ROOT),format=raw,snapshot=on \
	    -device virtio-blk-pci,drive=root ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# Linux's netfront on Mica's netback: run-linux with the boot script
# /etc/dom0/linux-net.sh, which creates two Linux guests with a vif each on
# xenbr0 (addressed by Dom0's DHCP server) and makes them talk (ping, a file over HTTP)
# to each other and to Dom0's interface on the bridge, then leaves the
# shell to the person (docs/split-drivers.md, "Network").
run-linux-net: deps-check all dom0-linux
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DOM0_ELF) script=/etc/dom0/linux-net.sh,$(DOM0_LINUX_RAMFS)" ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# Before Dom0 served xenstore: Linux as a boot-module domain 1 next to
# linux-host (a test guest acting as its console back end and xenstored) as
# domain 0, as the linux-* milestone tests boot it.  LINUX_ARGS is the
# kernel command line.
LINUX_ARGS ?= mica.run=shell
LINUX_MODULES = $(BUILD)/tests/guest/linux-host.elf timeout=86400,$(BUILD)/linux/pv/vmlinux domain name=linux mem=64M -- $(LINUX_ARGS),$(BUILD)/linux/pv/initramfs.cpio.gz initrd

run-linux-host: deps-check all linux
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(LINUX_MODULES)" ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# The ring demo (docs/grants.md): domain 0 is the frontend, d1 the backend.
RING_MODULES = $(BUILD)/tests/guest/grant-ring.elf rounds=2000,$(BUILD)/tests/guest/grant-peer.elf domain name=backend mem=8M -- role=backend

run-ring: deps-check all
	$(QEMU_BASE) -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(RING_MODULES)" ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

debug: deps-check all $(RUN_DISK)
	@echo "QEMU waits for gdb: gdb $(MICA_ELF) -ex 'target remote :1234'"
	$(QEMU_BASE) -s -S -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DOM0_MODULES)" $(RUN_DEVICES)

debug-demo: deps-check all
	@echo "QEMU waits for gdb: gdb $(MICA_ELF) -ex 'target remote :1234'"
	$(QEMU_BASE) -s -S -kernel $(MICA_BIN) -append "$(DEMO_CMDLINE)" \
	    -initrd "$(DEMO_MODULES)"

test: deps-check all linux dom0-linux $(HOST_TEST_BINS) $(BUILD)/mica.iso
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_ACCEL="$(QEMU_ACCEL)" QEMU_MEM=$(QEMU_MEM) \
	    tests/run-all.sh $(HOST_TEST_BINS) scripts/bench-smoke tests/qemu/iso-boot

# The seeded hypercall fuzzer, long passes (docs/reliability.md).
SEED  ?= 1 2 3 4
CALLS ?= 100000
FUZZ_MODES ?= domu priv
fuzz: deps-check all
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_ACCEL="$(QEMU_ACCEL)" QEMU_MEM=$(QEMU_MEM) \
	    scripts/fuzz.sh -s "$(SEED)" -c "$(CALLS)" -m "$(FUZZ_MODES)"

soak: deps-check all
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_ACCEL="$(QEMU_ACCEL)" QEMU_MEM=$(QEMU_MEM) \
	    TESTS_LIST=tests/qemu/soak.list tests/run-all.sh --qemu-only

test-host: $(HOST_TEST_BINS)
	$(Q)BUILD=$(BUILD) tests/run-all.sh --host-only $(HOST_TEST_BINS)

test-qemu: deps-check all linux dom0-linux
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_ACCEL="$(QEMU_ACCEL)" QEMU_MEM=$(QEMU_MEM) \
	    tests/run-all.sh --qemu-only

# ---------------------------------------------------------------------------
# Benchmarks: exact instruction counts under -icount, plus host-TSC medians.
#   make bench                     full run, table + $(BUILD)/bench/results.json
#   make bench BENCH_ARGS=--update-baseline   rewrite tests/bench/baseline.json
#   make bench BENCH_ARGS="--only linux"      only the Linux PV/native figures
# The Linux guest and its native twin are built first (cached by their
# inputs; the first native build is a cold kernel build).
# ---------------------------------------------------------------------------
BENCH_ARGS ?=
bench: deps-check all linux linux-native
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_MEM=$(QEMU_MEM) GIT_REV=$(GIT_REV) \
	    python3 scripts/bench.py $(BENCH_ARGS)

# Where the hot paths' instructions go: the hypervisor rebuilt with
# PHASES=1 in $(BUILD)/phases, the hot-path cases run on it, and a table of
# instructions per phase printed (docs/performance.md, "Where the
# instructions go").
bench-phases: deps-check all
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/phases PHASES=1 hypervisor
	$(Q)BUILD=$(BUILD) QEMU="$(QEMU)" QEMU_MEM=$(QEMU_MEM) GIT_REV=$(GIT_REV) \
	    python3 scripts/bench.py --phases $(BUILD)/phases/mica.bin $(BENCH_ARGS)

# ---------------------------------------------------------------------------
# GRUB ISO (BIOS), multiboot2
# ---------------------------------------------------------------------------
ISO := $(BUILD)/mica.iso
iso: $(ISO)
$(ISO): $(MICA_BIN) $(DEMO_ELF) scripts/mkiso.sh
	$(Q)scripts/mkiso.sh $(MICA_BIN) $(DEMO_ELF) $@ "$(DEMO_CMDLINE)"

run-iso: deps-check $(ISO)
	$(QEMU_BASE) -cdrom $(ISO) -boot d ; \
	  rc=$$?; [ $$rc -eq 1 ] && echo "mica: clean power-off" || echo "mica: QEMU exit status $$rc"

# ---------------------------------------------------------------------------
# The Linux guest (guest-linux-patches/README.md).  build.sh installs the
# pinned linux-source-6.1 and busybox-static:i386 with apt, applies the
# series, builds, and keeps the result in a cache outside $(BUILD)
# (~/.cache/mica/linux, or $$XDG_CACHE_HOME, or $$MICA_CACHE) keyed by the
# hash of every input, so an unchanged kernel is never rebuilt.
# ---------------------------------------------------------------------------
linux: deps-check
	$(Q)BUILD=$(BUILD) guest-linux-patches/build.sh pv $(BUILD)/linux/pv

linux-native: deps-check
	$(Q)BUILD=$(BUILD) guest-linux-patches/build.sh native $(BUILD)/linux/native

# ---------------------------------------------------------------------------
# Dependencies (Debian 12).  deps-check installs only what is missing.
# ---------------------------------------------------------------------------
deps deps-check:
	$(Q)scripts/install-deps.sh

clean:
	rm -rf $(BUILD)
