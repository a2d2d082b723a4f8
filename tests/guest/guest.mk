# Test guests: tiny 32-bit PAE PV kernels on a shared runtime (tests/guest/).
#
# Included by the top-level Makefile; also works alone:
#     make -f tests/guest/guest.mk            # builds every guest
#
# Every tests/guest/<name>.c becomes $(BUILD)/tests/guest/<name>.elf, linked
# with the runtime and the Xen ELF notes (runtime/notes.S).  Each name in
# GUEST_LEGACY ("legacy-<name>") is built from <name>.c but linked with the
# legacy `__xen_guest` string (runtime/legacy.S) instead of the notes.
#
# Exports: GUEST_ELFS (all guest images) and DEMO_ELF (the `make run-demo` guest).

BUILD ?= build
CC    ?= gcc
LD    ?= ld

GUEST_DIR := tests/guest
GUEST_OUT := $(BUILD)/tests/guest

GUEST_CFLAGS := -m32 -march=i686 -O2 -ffreestanding -nostdinc \
                -isystem $(shell $(CC) -print-file-name=include) \
                -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
                -mno-sse -mno-mmx -std=gnu11 -Wall -Wextra -Werror \
                -Wno-unused-parameter -fno-asynchronous-unwind-tables \
                -fno-tree-loop-distribute-patterns -g \
                -Iinclude -I$(GUEST_DIR)/include
GUEST_ASFLAGS := $(GUEST_CFLAGS) -D__ASSEMBLY__
GUEST_LDFLAGS := -m elf_i386 -T $(GUEST_DIR)/guest.ld -nostdlib \
                 -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

GUEST_RT_SRCS := $(sort $(wildcard $(GUEST_DIR)/runtime/*.c)) \
                 $(GUEST_DIR)/runtime/head.S $(GUEST_DIR)/runtime/hypercall.S \
                 $(GUEST_DIR)/runtime/trap_entry.S
GUEST_RT_OBJS := $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/%.o,$(basename $(GUEST_RT_SRCS)))
GUEST_NOTES   := $(GUEST_OUT)/runtime/notes.o
GUEST_LEGOBJ  := $(GUEST_OUT)/runtime/legacy.o

GUEST_NAMES   := $(sort $(basename $(notdir $(wildcard $(GUEST_DIR)/*.c))))
GUEST_LEGACY  := legacy-hello
GUEST_ELFS    := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf) $(GUEST_LEGACY:%=$(GUEST_OUT)/%.elf)
DEMO_ELF      := $(GUEST_OUT)/demo.elf

GUEST_OBJS := $(GUEST_RT_OBJS) $(GUEST_NOTES) $(GUEST_LEGOBJ) \
              $(GUEST_NAMES:%=$(GUEST_OUT)/%.o)

.PHONY: guest-elfs
guest-elfs: $(GUEST_ELFS)

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS32    $<")
	$(Q)$(CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

# start-info embeds the boot module's expected bytes with .incbin.
$(GUEST_OUT)/start-info.o: $(GUEST_DIR)/data/module.txt

GUEST_LINK = $(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_RT_OBJS) $(GUEST_NOTES) $(GUEST_DIR)/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(GUEST_LINK)

# Shorter stem wins, so legacy-<name>.elf takes this rule (built from <name>.c).
$(GUEST_OUT)/legacy-%.elf: $(GUEST_OUT)/%.o $(GUEST_RT_OBJS) $(GUEST_LEGOBJ) $(GUEST_DIR)/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(GUEST_LINK)

# Objects reached only through pattern rules would count as intermediate
# files and be deleted after the link.
.SECONDARY: $(GUEST_OBJS)

-include $(GUEST_OBJS:.o=.d)

# The hypercall fuzzer (tests/guest/fuzz.c) is linked with its helpers in
# tests/guest/fuzz/ (structure-aware calls, privileged instructions).
FUZZ_OBJS := $(patsubst $(GUEST_DIR)/%.c,$(GUEST_OUT)/%.o,$(wildcard $(GUEST_DIR)/fuzz/*.c))
$(GUEST_OUT)/fuzz.elf: $(FUZZ_OBJS)
.SECONDARY: $(FUZZ_OBJS)
-include $(FUZZ_OBJS:.o=.d)

# The network frontend (tests/guest/netfront.c) is linked with its DHCP
# client roles in tests/guest/netfront/.
NETFRONT_OBJS := $(patsubst $(GUEST_DIR)/%.c,$(GUEST_OUT)/%.o,$(wildcard $(GUEST_DIR)/netfront/*.c))
$(GUEST_OUT)/netfront.elf: $(NETFRONT_OBJS)
.SECONDARY: $(NETFRONT_OBJS)
-include $(NETFRONT_OBJS:.o=.d)
