# Dom0: Mica's own PV kernel with the toolstack, and its ramfs.
# Included by the top-level Makefile (which defines BUILD, CC, LD, Q).
#
#   $(DOM0_ELF)     build/dom0/dom0.elf: the Dom0 kernel (first boot module)
#   $(DOM0_RAMFS)   build/dom0/ramfs.cpio: its files (second boot module):
#                   dom0-tools/ramfs/ (configurations, scripts), the test
#                   guests under /boot, tests/dom0/ramfs/ (test configs)
#
# The kernel, the OS interface's Mica implementation and the portable tools
# are one 32-bit image.  The tools are compiled against the kernel's small C
# library (dom0-tools/kernel/libc/include) here, and against glibc in the
# host tests (tests/host/dom0.mk).  Generic files of the hypervisor are
# compiled into Dom0 too: string.c and vsnprintf.c, the host-tested
# C-library functions both need, and the domain builder's shared code.

DOM0_DIR := dom0-tools
include $(DOM0_DIR)/tools/xenstored/xenstored.mk
DOM0_OUT := $(BUILD)/dom0
DOM0_ELF := $(DOM0_OUT)/dom0.elf
DOM0_RAMFS := $(DOM0_OUT)/ramfs.cpio

DOM0_INCLUDES := -Iinclude -I$(DOM0_DIR)/kernel/libc/include -I$(DOM0_DIR)/os \
                 -I$(DOM0_DIR)/tools/shell -I$(DOM0_DIR)/tools/xenstored \
                 -I$(DOM0_DIR)/tools/xenstore -I$(DOM0_DIR)/tools/backend -I$(DOM0_DIR)/tools/xl
DOM0_CFLAGS := -m32 -march=i686 -O2 -ffreestanding -nostdinc \
               -isystem $(shell $(CC) -print-file-name=include) \
               -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
               -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
               -fno-tree-loop-distribute-patterns -std=gnu11 -g \
               -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
               -Wstrict-prototypes -Wshadow -Wvla $(DOM0_INCLUDES)
DOM0_ASFLAGS := $(DOM0_CFLAGS) -D__ASSEMBLY__
DOM0_LDFLAGS := -m elf_i386 -T $(DOM0_DIR)/kernel/dom0.ld -nostdlib \
                -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments
DOM0_LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

DOM0_SRCS := $(sort $(wildcard $(DOM0_DIR)/kernel/*.c $(DOM0_DIR)/kernel/libc/*.c \
                               $(DOM0_DIR)/os/mica/*.c $(DOM0_DIR)/tools/shell/*.c \
                               $(DOM0_DIR)/lib/ctrl/*.c $(DOM0_DIR)/lib/build/*.c \
                               $(DOM0_DIR)/tools/xl/*.c $(DOM0_DIR)/tools/console/*.c \
                               $(DOM0_DIR)/tools/xenstore/*.c $(DOM0_DIR)/tools/xsdaemon/*.c \
                               $(DOM0_DIR)/drivers/*.c $(DOM0_DIR)/tools/blk/*.c \
                               $(DOM0_DIR)/tools/net/*.c $(DOM0_DIR)/tools/devbench/*.c \
                               $(DOM0_DIR)/tools/backend/*.c $(DOM0_DIR)/tools/blkback/*.c \
                               $(DOM0_DIR)/tools/netback/*.c $(DOM0_DIR)/tools/dhcpd/*.c) \
                   $(XS_SRCS))
DOM0_ASMS := $(DOM0_DIR)/kernel/head.S $(DOM0_DIR)/kernel/entry.S $(DOM0_DIR)/kernel/notes.S
# The domain builder's pure code, shared with the hypervisor's boot-time
# builder: the ELF loader, the region layout, the bootstrap-image writer
# (and the number parser libelf uses).  libbuild includes their headers.
DOM0_HVLIB_BUILDER := libelf cmdline domain_layout pv_image
$(patsubst %.c,$(DOM0_OUT)/%.o,$(wildcard $(DOM0_DIR)/lib/build/*.c)): \
    DOM0_CFLAGS += -Ihypervisor/include
DOM0_OBJS := $(patsubst %.c,$(DOM0_OUT)/%.o,$(DOM0_SRCS)) \
             $(patsubst %.S,$(DOM0_OUT)/%.o,$(DOM0_ASMS)) \
             $(DOM0_OUT)/hvlib/string.o $(DOM0_OUT)/hvlib/vsnprintf.o \
             $(addprefix $(DOM0_OUT)/hvlib/,$(addsuffix .o,$(DOM0_HVLIB_BUILDER)))

$(DOM0_OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(DOM0_CFLAGS) -MMD -MP -c $< -o $@

$(DOM0_OUT)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS32    $<")
	$(Q)$(CC) $(DOM0_ASFLAGS) -MMD -MP -c $< -o $@

# The hypervisor's string and printf code, as the same host-tested source.
$(DOM0_OUT)/hvlib/%.o: hypervisor/common/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $< (for Dom0)")
	$(Q)$(CC) $(filter-out -I$(DOM0_DIR)/kernel/libc/include,$(DOM0_CFLAGS)) \
	    -Ihypervisor/include -DMICA_HYPERVISOR -MMD -MP -c $< -o $@

$(DOM0_ELF): $(DOM0_OBJS) $(DOM0_DIR)/kernel/dom0.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(LD) $(DOM0_LDFLAGS) -o $@ $(DOM0_OBJS) $(DOM0_LIBGCC)

# --- the ramfs -------------------------------------------------------------
# Guests go in stripped (no debug sections): the files are read in place.
DOM0_RAMFS_TREES := $(DOM0_DIR)/ramfs tests/dom0/ramfs
DOM0_RAMFS_FILES := $(shell find $(DOM0_RAMFS_TREES) -type f 2>/dev/null)

# Disk images the block tests' guests get from blkback (tests/dom0/blk-*.session):
# made here with Dom0's test pattern (tests/qemu/mkdisk.py), under /images.
DOM0_IMAGES := $(DOM0_OUT)/images/blk-test.img
$(DOM0_OUT)/images/blk-test.img: tests/qemu/mkdisk.py
	@mkdir -p $(dir $@)
	$(Q)python3 tests/qemu/mkdisk.py $@ 2048 7

# PV GRUB (Debian's grub-xen-bin: a 32-bit PV kernel) with an embedded
# configuration (tests/dom0/pvgrub/embed.cfg: no comments, GRUB runs it
# before its normal mode) and the ext2 image
# it reads through blkback: its grub.cfg and a test guest to boot
# (tests/dom0/pvgrub/).  mke2fs -d fills the image without root.
PVGRUB_MODDIR := /usr/lib/grub/i386-xen
PVGRUB_MODS := ls cat echo ext2 linux normal configfile test
ifneq ($(wildcard $(PVGRUB_MODDIR)/linux.mod),)
DOM0_IMAGES += $(DOM0_OUT)/images/pvgrub.elf $(DOM0_OUT)/images/boot-ext2.img
endif
$(DOM0_OUT)/images/pvgrub.elf: tests/dom0/pvgrub/embed.cfg scripts/pvgrub-notes.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GRUB    $@")
	$(Q)grub-mkimage -O i386-xen -d $(PVGRUB_MODDIR) -o $@.tmp -c $< \
	    -p '(xen/xvda)/boot/grub' $(PVGRUB_MODS)
	$(Q)python3 scripts/pvgrub-notes.py $@.tmp >/dev/null && mv $@.tmp $@
$(DOM0_OUT)/images/boot-ext2.img: tests/dom0/pvgrub/grub.cfg $(GUEST_OUT)/blk-front.elf
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKE2FS  $@")
	$(Q)rm -rf $@.d && mkdir -p $@.d/boot/grub $@.d/etc && \
	    cp tests/dom0/pvgrub/grub.cfg $@.d/boot/grub/grub.cfg && \
	    $(OBJCOPY) --strip-debug $(GUEST_OUT)/blk-front.elf $@.d/boot/blk-front.elf && \
	    echo "an ext2 file system made by mke2fs -d at build time" > $@.d/etc/mica-disk && \
	    rm -f $@ && PATH=$$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 -b 1024 -L mica-boot \
	    -E root_owner=0:0 -d $@.d $@ 2048 >/dev/null && rm -rf $@.d

$(DOM0_RAMFS): $(GUEST_ELFS) $(DOM0_RAMFS_FILES) $(DOM0_IMAGES) scripts/mkcpio.py
	@mkdir -p $(DOM0_OUT)/boot
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)for g in $(GUEST_ELFS); do \
	    $(OBJCOPY) --strip-debug $$g $(DOM0_OUT)/boot/$$(basename $$g) || exit 1; done
	$(Q)python3 scripts/mkcpio.py $@ $(foreach t,$(DOM0_RAMFS_TREES),$(t)=/) \
	    $(DOM0_OUT)/boot=/boot $(DOM0_OUT)/images=/images

# --- the Linux ramfs ---------------------------------------------------------
# The demo ramfs plus the Linux PV guest (make linux) under /boot/linux and
# its configuration /etc/xl/linux.cfg (dom0-tools/ramfs-linux/): what make
# run-linux boots and the dom0-linux* tests use.  A ramfs of its own
# because the kernel is built only by `make linux` (minutes, cached), which
# plain `make` must not need.  `make dom0-linux` builds the kernel (or takes
# it from the cache) first.
DOM0_LINUX_RAMFS := $(DOM0_OUT)/ramfs-linux.cpio
DOM0_LINUX_TREE := $(DOM0_DIR)/ramfs-linux
DOM0_LINUX_FILES := $(shell find $(DOM0_LINUX_TREE) -type f 2>/dev/null)
LINUX_PV := $(BUILD)/linux/pv

$(DOM0_LINUX_RAMFS): $(DOM0_RAMFS) $(DOM0_LINUX_FILES) $(LINUX_PV)/vmlinux \
                     $(LINUX_PV)/initramfs.cpio.gz scripts/mkcpio.py
	@mkdir -p $(DOM0_OUT)/linux
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(OBJCOPY) --strip-debug $(LINUX_PV)/vmlinux $(DOM0_OUT)/linux/vmlinux
	$(Q)cp $(LINUX_PV)/initramfs.cpio.gz $(DOM0_OUT)/linux/initramfs.cpio.gz
	$(Q)python3 scripts/mkcpio.py $@ $(foreach t,$(DOM0_RAMFS_TREES) $(DOM0_LINUX_TREE),$(t)=/) \
	    $(DOM0_OUT)/boot=/boot $(DOM0_OUT)/linux=/boot/linux

# Its root file system on a disk (make run-linux-disk, test
# dom0-linux-disk): the initramfs's files in an ext4 image
# (scripts/mkrootfs.py, mke2fs -d: no root needed), given to Dom0 as a
# virtio disk and to the guest by blkback as /dev/xvda.
LINUX_ROOT := $(DOM0_OUT)/linux-root.img
$(LINUX_ROOT): $(LINUX_PV)/initramfs.cpio.gz scripts/mkrootfs.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKE2FS  $@")
	$(Q)python3 scripts/mkrootfs.py $< $@ 24 \
	    "an ext4 root file system made by mkrootfs.py (mke2fs -d) from the initramfs"

# The kernel's files come from `make linux` only.
$(LINUX_PV)/vmlinux $(LINUX_PV)/initramfs.cpio.gz:
	@echo "$@ is missing: run make linux (or make dom0-linux)" >&2; exit 1

.PHONY: dom0 dom0-linux
dom0: $(DOM0_ELF) $(DOM0_RAMFS)

# Recursive so that the ramfs rule sees the files make linux delivered.
dom0-linux: dom0 linux
	$(Q)$(MAKE) --no-print-directory $(DOM0_LINUX_RAMFS) $(LINUX_ROOT)

.SECONDARY: $(DOM0_OBJS)
-include $(DOM0_OBJS:.o=.d)
