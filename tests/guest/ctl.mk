# Privileged test guests that run the toolstack's control-plane libraries
# (dom0-tools/lib/ctrl, dom0-tools/lib/build) unchanged: CTL_GUESTS below
# and the domain-building benchmark.  The libraries are compiled from the
# same sources as for Dom0, over the test runtime, the heap and C-library
# shims of tests/guest/xs/, the errno.h of tests/guest/ctl/libc and the
# privileged OS interface of tests/guest/ctl/os_priv.c.  The builder's
# pure code shared with the hypervisor (libelf, domain_layout, pv_image)
# and the hypervisor's vsnprintf (the runtime's printf knows too few
# conversions for libelf's messages) are compiled as hypervisor code with
# the printf family renamed hv_*.  Included by the top-level Makefile after
# guest.mk, bench.mk and xenstored.mk.

CTL_GUEST_INC := -Itests/guest/ctl/libc -Itests/guest/xs/libc -Itests/guest/xs -Idom0-tools/lib \
                 -Idom0-tools/os
CTL_RENAME := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf \
              -Dvscnprintf=hv_vscnprintf -Dscnprintf=hv_scnprintf
CTL_HV_SRCS := libelf cmdline domain_layout pv_image vsnprintf
CTL_LIB_SRCS := $(wildcard dom0-tools/lib/ctrl/*.c dom0-tools/lib/build/*.c)
CTL_GUEST_LIB := $(patsubst dom0-tools/lib/%.c,$(GUEST_OUT)/ctl/lib/%.o,$(CTL_LIB_SRCS)) \
                 $(CTL_HV_SRCS:%=$(GUEST_OUT)/ctl/hv/%.o) $(GUEST_OUT)/ctl/os_priv.o \
                 $(GUEST_OUT)/xs/heap.o $(GUEST_OUT)/xs/libc.o
CTL_GUESTS := ctl-build

$(GUEST_OUT)/ctl/lib/%.o: dom0-tools/lib/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) $(CTL_GUEST_INC) -Ihypervisor/include $(CTL_RENAME) \
	    -MMD -MP -c $< -o $@

$(GUEST_OUT)/ctl/hv/%.o: hypervisor/common/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $< (for test guests)")
	$(Q)$(CC) $(GUEST_CFLAGS) -Ihypervisor/include -DMICA_HYPERVISOR $(CTL_RENAME) \
	    -MMD -MP -c $< -o $@

$(GUEST_OUT)/ctl/os_priv.o: $(GUEST_DIR)/ctl/os_priv.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) $(CTL_GUEST_INC) -MMD -MP -c $< -o $@

$(foreach g,$(CTL_GUESTS),$(eval $(GUEST_OUT)/$(g).o: GUEST_CFLAGS += $(CTL_GUEST_INC)))
# The shared code divides 64-bit numbers: these guests link libgcc, as Dom0 does.
CTL_LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)
$(CTL_GUESTS:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_RT_OBJS) \
        $(GUEST_NOTES) $(CTL_GUEST_LIB) $(GUEST_DIR)/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(GUEST_LINK) $(CTL_LIBGCC)

.SECONDARY: $(CTL_GUEST_LIB)
-include $(wildcard $(GUEST_OUT)/ctl/*.d $(GUEST_OUT)/ctl/*/*.d $(GUEST_OUT)/ctl/lib/*/*.d)

# The domain-building benchmark (tests/bench/bench-build.c).
$(BENCH_OUT)/bench-build.o: GUEST_CFLAGS += $(CTL_GUEST_INC)
$(BENCH_OUT)/bench-build.elf: $(BENCH_OUT)/bench-build.o $(BENCH_LIB) $(GUEST_RT_OBJS) \
        $(GUEST_NOTES) $(CTL_GUEST_LIB) $(GUEST_DIR)/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(GUEST_LINK) $(CTL_LIBGCC)
