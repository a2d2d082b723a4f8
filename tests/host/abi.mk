# tests/host/abi.mk - checks of the public guest ABI (include/public/).
#
# Included by tests/host/host.mk; also works alone:
#   make -f tests/host/abi.mk BUILD=build check-headers
#   make -f tests/host/abi.mk build/tests/host/abi-layout-m32 build/tests/host/abi-layout-m64
#
# Two checks:
#   check-headers   every header compiles alone (a one-line .c that only
#                   includes it) as freestanding C with -m32 and -m64, and
#                   preprocesses and assembles with -D__ASSEMBLY__ - so no
#                   header leans on another being included first, and none
#                   leaks C into assembly.
#   abi-layout-m32/-m64
#                   tests/host/abi-layout.c built for the guest's view and
#                   the hypervisor's view; its static assertions pin every
#                   size and offset.  They depend on the header check, so
#                   building the host tests always runs it.

BUILD ?= build
CC    ?= gcc

ABI_HEADERS   := $(sort $(wildcard include/public/*.h include/public/*/*.h))
ABI_HDR_DIR   := $(BUILD)/tests/host/abi-headers
ABI_HDR_STAMP := $(BUILD)/tests/host/abi-headers.stamp
ABI_GCC_INC   := $(shell $(CC) -print-file-name=include)

# The same strictness as the hypervisor and guest builds.
ABI_HDR_CFLAGS := -Iinclude -std=gnu11 -Wall -Wextra -Werror -ffreestanding \
                  -nostdinc -isystem $(ABI_GCC_INC) -Wmissing-prototypes \
                  -Wstrict-prototypes -Wshadow -Wvla
ABI_TEST_CFLAGS := -Iinclude -std=gnu11 -Wall -Wextra -Werror

ABI_HDR_CHECKS := $(foreach m,32 64,$(patsubst include/%,$(ABI_HDR_DIR)/%.m$(m).ok,$(ABI_HEADERS)))

ABI_TEST_BINS := $(BUILD)/tests/host/abi-layout-m32 $(BUILD)/tests/host/abi-layout-m64

.PHONY: check-headers
check-headers: $(ABI_HDR_STAMP)

$(ABI_HDR_STAMP): $(ABI_HDR_CHECKS)
	@mkdir -p $(dir $@)
	@echo "  HDRS    $(words $(ABI_HEADERS)) public headers compile alone (C -m32/-m64, asm)"
	@touch $@

# One header, one width: C compile, then assembler.
define ABI_HDR_RULE
$$(ABI_HDR_DIR)/%.h.m$(1).ok: include/%.h
	@mkdir -p $$(dir $$@)
	@printf '#include <%s>\n' '$$*.h' > $$(@:.ok=.c)
	$$(Q)$$(CC) -m$(1) $$(ABI_HDR_CFLAGS) -MMD -MP -MT $$@ -MF $$(@:.ok=.d) \
	    -c $$(@:.ok=.c) -o $$(@:.ok=.o)
	$$(Q)$$(CC) -m$(1) -Iinclude -D__ASSEMBLY__ -x assembler-with-cpp \
	    -c $$(@:.ok=.c) -o $$(@:.ok=.S.o)
	@touch $$@
endef
$(foreach m,32 64,$(eval $(call ABI_HDR_RULE,$(m))))

$(BUILD)/tests/host/abi-layout-m32: tests/host/abi-layout.c tests/host/abi-layout-io.c tests/host/abi-layout-ctl.c tests/host/abi-layout.h $(ABI_HEADERS) $(ABI_HDR_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(CC) -m32 $(ABI_TEST_CFLAGS) tests/host/abi-layout.c tests/host/abi-layout-io.c tests/host/abi-layout-ctl.c -o $@

$(BUILD)/tests/host/abi-layout-m64: tests/host/abi-layout.c tests/host/abi-layout-io.c tests/host/abi-layout-ctl.c tests/host/abi-layout.h $(ABI_HEADERS) $(ABI_HDR_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(CC) -m64 $(ABI_TEST_CFLAGS) tests/host/abi-layout.c tests/host/abi-layout-io.c tests/host/abi-layout-ctl.c -o $@

-include $(ABI_HDR_CHECKS:.ok=.d)
