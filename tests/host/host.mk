# Host unit tests: a Makefile fragment, included by the top-level Makefile
# and run from the repository root.  It can also be used on its own:
#
#   make -f tests/host/host.mk BUILD=build run-host-tests
#   make -f tests/host/host.mk BUILD=build check-common-freestanding
#
# Defines HOST_TEST_BINS: every host test binary (including the ABI layout
# tests from tests/host/abi.mk).  Each binary prints one "PASS prog.case" or
# "FAIL prog.case: why" line per case and exits non-zero if any failed.
#
# The tests compile the real hypervisor/common sources for the host, with
# AddressSanitizer and UndefinedBehaviorSanitizer.  They use the C library's
# string functions (mica/lib.h switches to them when MICA_HYPERVISOR is not
# defined), except where the hypervisor's own implementations are under
# test: string.c and vsnprintf.c are then compiled as hypervisor code with
# their functions renamed hv_* so they can sit next to glibc's.

BUILD ?= build
CC ?= gcc

HT_DIR := $(BUILD)/tests/host
HT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
HT_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
             $(HT_SAN) -Iinclude -Ihypervisor/include -Ihypervisor/arch/x86/include
HT_LDFLAGS := $(HT_SAN)

HT_PROGS := test-string test-vsnprintf test-cmdline test-libelf test-libelf-load test-page-alloc test-symbols \
            test-hypercall test-domain-layout \
            test-page-type test-pt-validate test-mm-audit test-guest-frame test-pte-write \
            test-guest-walk \
            test-time test-timer test-sched-credit test-evtchn test-evtchn-fifo test-pirq test-boot-domains test-console \
            test-console-switch test-schedule test-ring test-grant-entry test-grant-table \
            test-alloc-fail test-alloc-fail-evtchn
# Pure files of arch/x86 (no inline asm): traps, descriptors, decoding.
HT_PROGS += test-desc-check test-pv-rules test-x86-decode
# The control plane: vCPU contexts, the shared PV image writer, I/O grants
# and the privilege table.
HT_PROGS += test-context-check test-pv-image test-iocaps
# PCI configuration-space rules (common/pci.c).
HT_PROGS += test-pci
# xenstored (dom0-tools/tools/xenstored): its own fragment.
include tests/host/xenstored.mk
HOST_TEST_BINS := $(addprefix $(HT_DIR)/,$(HT_PROGS))

# Another fragment adds the public-ABI layout tests.
-include tests/host/abi.mk
HOST_TEST_BINS += $(ABI_TEST_BINS)
# And one the tests of Dom0 (dom0-tools/).
include tests/host/dom0.mk

.PHONY: host-tests run-host-tests check-common-freestanding
host-tests: $(HOST_TEST_BINS)

# Build and run every host test; fails if any case failed.
run-host-tests: $(HOST_TEST_BINS)
	$(Q)rc=0; for t in $(HOST_TEST_BINS); do $$t || rc=1; done; exit $$rc

# --- hypervisor/common sources built for the host ------------------------
$(HT_DIR)/obj/%.o: hypervisor/common/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) -MMD -MP -c $< -o $@

HT_RENAME_PRINTF := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf \
                    -Dvscnprintf=hv_vscnprintf -Dscnprintf=hv_scnprintf
HT_RENAME_STRING := $(foreach f,memcpy memmove memset memcmp strlen strnlen strcmp \
                      strncmp strchr strrchr strstr strlcpy,-D$(f)=hv_$(f))

$(HT_DIR)/obj/vsnprintf-hv.o: hypervisor/common/vsnprintf.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (as hv_*)")
	$(Q)$(CC) $(HT_CFLAGS) -DMICA_HYPERVISOR $(HT_RENAME_PRINTF) -MMD -MP -c $< -o $@

$(HT_DIR)/obj/string-hv.o: hypervisor/common/string.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (as hv_*)")
	$(Q)$(CC) $(HT_CFLAGS) -DMICA_HYPERVISOR $(HT_RENAME_STRING) -MMD -MP -c $< -o $@

# --- arch/x86 sources without inline asm, built for the host --------------
HT_X86_CFLAGS := -Ihypervisor/arch/x86/include
$(HT_DIR)/obj/x86/%.o: hypervisor/arch/x86/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) $(HT_X86_CFLAGS) -MMD -MP -c $< -o $@
$(HT_DIR)/test-desc-check.o $(HT_DIR)/test-pv-rules.o $(HT_DIR)/test-x86-decode.o \
$(HT_DIR)/test-context-check.o $(HT_DIR)/test-pv-image.o: \
    HT_CFLAGS += $(HT_X86_CFLAGS)

# --- the test programs ----------------------------------------------------
$(HT_DIR)/%.o: tests/host/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) -MMD -MP -c $< -o $@

# test-symbols runs scripts/gensyms.sh itself, and links a table generated
# from a fixed listing.
$(HT_DIR)/test-symbols.o: HT_CFLAGS += -DGENSYMS='"$(abspath scripts/gensyms.sh)"'
$(HT_DIR)/test-symbols-table.S: tests/host/test-symbols.nm scripts/gensyms.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GENSYMS $<")
	$(Q)sh scripts/gensyms.sh $< > $@.tmp && mv $@.tmp $@
$(HT_DIR)/test-symbols-table.o: $(HT_DIR)/test-symbols-table.S
	@$(if $(Q),echo "  HOSTAS  $<")
	$(Q)$(CC) -c $< -o $@

HT_LINK = $(if $(Q),@echo "  HOSTLD  $@"; )$(CC) $(HT_LDFLAGS) $^ -o $@

$(HT_DIR)/test-string: $(HT_DIR)/test-string.o $(HT_DIR)/obj/string-hv.o
	$(HT_LINK)
$(HT_DIR)/test-vsnprintf: $(HT_DIR)/test-vsnprintf.o $(HT_DIR)/obj/vsnprintf-hv.o
	$(HT_LINK)
$(HT_DIR)/test-cmdline: $(HT_DIR)/test-cmdline.o $(HT_DIR)/obj/cmdline.o
	$(HT_LINK)
$(HT_DIR)/test-libelf: $(HT_DIR)/test-libelf.o $(HT_DIR)/elf-image.o $(HT_DIR)/obj/libelf.o $(HT_DIR)/obj/cmdline.o
	$(HT_LINK)
$(HT_DIR)/test-libelf-load: $(HT_DIR)/test-libelf-load.o $(HT_DIR)/elf-image.o $(HT_DIR)/obj/libelf.o $(HT_DIR)/obj/cmdline.o
	$(HT_LINK)
$(HT_DIR)/test-page-alloc: $(HT_DIR)/test-page-alloc.o $(HT_DIR)/obj/page_alloc.o \
                         $(HT_DIR)/obj/fail_inject.o
	$(HT_LINK)
$(HT_DIR)/test-hypercall: $(HT_DIR)/test-hypercall.o $(HT_DIR)/obj/hypercall.o
	$(HT_LINK)
$(HT_DIR)/test-domain-layout: $(HT_DIR)/test-domain-layout.o $(HT_DIR)/obj/domain_layout.o
	$(HT_LINK)
# Memory management: the real page-type core, validator, auditor and buddy
# allocator on the fake machine of tests/host/mm-world.c.
HT_MM_OBJS := $(HT_DIR)/mm-world.o $(HT_DIR)/obj/page_type.o $(HT_DIR)/obj/pt_validate.o \
              $(HT_DIR)/obj/mm_audit.o $(HT_DIR)/obj/page_alloc.o $(HT_DIR)/obj/grant_entry.o \
              $(HT_DIR)/obj/guest_frame.o $(HT_DIR)/obj/fail_inject.o \
              $(HT_DIR)/obj/iomem.o $(HT_DIR)/obj/iocaps.o
$(HT_DIR)/test-page-type: $(HT_DIR)/test-page-type.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-pt-validate: $(HT_DIR)/test-pt-validate.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-mm-audit: $(HT_DIR)/test-mm-audit.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-guest-walk.o: HT_CFLAGS += $(HT_X86_CFLAGS)
$(HT_DIR)/test-guest-walk: $(HT_DIR)/test-guest-walk.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-guest-frame: $(HT_DIR)/test-guest-frame.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-pte-write: $(HT_DIR)/test-pte-write.o $(HT_DIR)/obj/x86/pte_write_emul.o \
                          $(HT_DIR)/obj/x86/x86_decode.o
	$(HT_LINK)
$(HT_DIR)/test-desc-check: $(HT_DIR)/test-desc-check.o $(HT_DIR)/obj/x86/desc_check.o
	$(HT_LINK)
$(HT_DIR)/test-pv-rules: $(HT_DIR)/test-pv-rules.o $(HT_DIR)/obj/x86/pv_rules.o
	$(HT_LINK)
$(HT_DIR)/test-x86-decode: $(HT_DIR)/test-x86-decode.o $(HT_DIR)/obj/x86/x86_decode.o
	$(HT_LINK)
HT_CTX_OBJS := $(HT_DIR)/obj/x86/context_check.o $(HT_DIR)/obj/x86/desc_check.o \
               $(HT_DIR)/obj/x86/pv_rules.o
$(HT_DIR)/test-context-check: $(HT_DIR)/test-context-check.o $(HT_CTX_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-pv-image: $(HT_DIR)/test-pv-image.o $(HT_DIR)/obj/pv_image.o \
                         $(HT_DIR)/obj/domain_layout.o $(HT_CTX_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-symbols: $(HT_DIR)/test-symbols.o $(HT_DIR)/obj/symbols.o \
                        $(HT_DIR)/test-symbols-table.o
	$(HT_LINK)

# Scheduling, time and events.  Code that includes
# mica/domain.h also needs the arch headers it pulls in (asm/regs.h).
HT_ARCH_INC := -Ihypervisor/arch/x86/include
$(HT_DIR)/obj/time.o $(HT_DIR)/obj/event_channel.o $(HT_DIR)/obj/event_2l.o \
$(HT_DIR)/obj/console_io.o $(HT_DIR)/obj/timer.o $(HT_DIR)/obj/softirq.o \
$(HT_DIR)/obj/sched_credit.o $(HT_DIR)/obj/boot_domains.o \
$(HT_DIR)/test-time.o $(HT_DIR)/test-evtchn.o $(HT_DIR)/test-console.o \
$(HT_DIR)/obj/event_fifo.o $(HT_DIR)/evtchn-world.o $(HT_DIR)/test-evtchn-fifo.o \
$(HT_DIR)/test-timer.o $(HT_DIR)/test-sched-credit.o $(HT_DIR)/test-boot-domains.o \
$(HT_DIR)/obj/schedule.o $(HT_DIR)/test-schedule.o $(HT_DIR)/obj/xsm.o: \
    HT_CFLAGS += $(HT_ARCH_INC)
$(HT_DIR)/test-time: $(HT_DIR)/test-time.o $(HT_DIR)/obj/time.o
	$(HT_LINK)
$(HT_DIR)/test-timer: $(HT_DIR)/test-timer.o $(HT_DIR)/obj/timer.o $(HT_DIR)/obj/softirq.o
	$(HT_LINK)
$(HT_DIR)/test-sched-credit: $(HT_DIR)/test-sched-credit.o $(HT_DIR)/obj/sched_credit.o
	$(HT_LINK)
# Grant tables and rings.
$(HT_DIR)/test-grant-entry.o $(HT_DIR)/obj/grant_entry.o: HT_CFLAGS += $(HT_ARCH_INC)
$(HT_DIR)/test-grant-entry: $(HT_DIR)/test-grant-entry.o $(HT_DIR)/obj/grant_entry.o
	$(HT_LINK)
$(HT_DIR)/test-grant-table: $(HT_DIR)/test-grant-table.o $(HT_DIR)/obj/grant_table.o \
                           $(HT_DIR)/obj/grant_version.o $(HT_DIR)/obj/cmdline.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-alloc-fail: $(HT_DIR)/test-alloc-fail.o $(HT_DIR)/obj/grant_table.o \
                         $(HT_DIR)/obj/grant_version.o $(HT_DIR)/obj/cmdline.o $(HT_MM_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-ring: $(HT_DIR)/test-ring.o
	$(HT_LINK)
HT_EVTCHN_OBJS := $(HT_DIR)/evtchn-world.o $(HT_DIR)/obj/event_channel.o \
                  $(HT_DIR)/obj/event_2l.o $(HT_DIR)/obj/event_fifo.o $(HT_DIR)/obj/xsm.o \
                  $(HT_DIR)/obj/fail_inject.o $(HT_DIR)/obj/pirq.o $(HT_DIR)/obj/irq.o \
                  $(HT_DIR)/obj/iocaps.o
$(HT_DIR)/test-pirq: $(HT_DIR)/test-pirq.o $(HT_EVTCHN_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-evtchn: $(HT_DIR)/test-evtchn.o $(HT_EVTCHN_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-evtchn-fifo: $(HT_DIR)/test-evtchn-fifo.o $(HT_EVTCHN_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-alloc-fail-evtchn.o: HT_CFLAGS += $(HT_ARCH_INC)
$(HT_DIR)/test-alloc-fail-evtchn: $(HT_DIR)/test-alloc-fail-evtchn.o $(HT_EVTCHN_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-boot-domains: $(HT_DIR)/test-boot-domains.o $(HT_DIR)/obj/boot_domains.o \
                             $(HT_DIR)/obj/cmdline.o
	$(HT_LINK)
$(HT_DIR)/obj/iocaps.o $(HT_DIR)/obj/iomem.o $(HT_DIR)/test-iocaps.o: HT_CFLAGS += $(HT_ARCH_INC)
$(HT_DIR)/test-iocaps: $(HT_DIR)/test-iocaps.o $(HT_DIR)/obj/iocaps.o $(HT_DIR)/obj/xsm.o
	$(HT_LINK)
$(HT_DIR)/test-pci: $(HT_DIR)/test-pci.o $(HT_DIR)/obj/pci.o
	$(HT_LINK)
$(HT_DIR)/test-console: $(HT_DIR)/test-console.o $(HT_DIR)/obj/console_io.o $(HT_DIR)/obj/xsm.o
	$(HT_LINK)
$(HT_DIR)/obj/console_input.o $(HT_DIR)/test-console-switch.o: HT_CFLAGS += $(HT_ARCH_INC)
$(HT_DIR)/test-console-switch: $(HT_DIR)/test-console-switch.o $(HT_DIR)/obj/console_switch.o \
                               $(HT_DIR)/obj/console_input.o
	$(HT_LINK)
$(HT_DIR)/test-schedule: $(HT_DIR)/test-schedule.o $(HT_DIR)/obj/schedule.o \
                         $(HT_DIR)/obj/sched_credit.o $(HT_DIR)/obj/timer.o $(HT_DIR)/obj/softirq.o
	$(HT_LINK)

# --- do the common sources build as hypervisor code? ----------------------
# The hypervisor's own flags (kept in step with HV_CFLAGS in the top
# Makefile), so a problem shows up here before the full build exists.
HT_FREESTANDING := -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                   -fno-pic -fno-pie -fno-stack-protector -fno-builtin -fno-common \
                   -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
                   -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla -g \
                   -m64 -O2 -mcmodel=kernel -mno-red-zone -mno-sse -mno-sse2 \
                   -mno-mmx -mno-avx -mno-3dnow -fno-omit-frame-pointer \
                   -fno-asynchronous-unwind-tables -Iinclude -Ihypervisor/include \
                   -Ihypervisor/arch/x86/include -DMICA_HYPERVISOR
HT_COMMON := string vsnprintf cmdline libelf page_alloc symbols hypercall domain_layout pv_image \
             page_type pt_validate mm_audit \
             time timer softirq sched_credit event_channel event_2l event_fifo event_channel_op guest_frame \
             boot_domains console_io console_switch console_input keyhandler schedule sched_op vcpu_op vcpu_area

check-common-freestanding: $(patsubst %,$(BUILD)/check/%.o,$(HT_COMMON))

$(BUILD)/check/%.o: hypervisor/common/%.c FORCE_HT_CHECK
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CHECK   $<")
	$(Q)$(CC) $(HT_FREESTANDING) -c $< -o $@
.PHONY: FORCE_HT_CHECK
FORCE_HT_CHECK:

-include $(wildcard $(HT_DIR)/*.d $(HT_DIR)/obj/*.d $(HT_DIR)/obj/x86/*.d)
