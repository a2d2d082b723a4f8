# Benchmark guests (tests/bench/bench-*.c), built on the test-guest runtime.
# Included by the top-level Makefile after tests/guest/guest.mk, whose
# flags, runtime objects and link rule it reuses.
#
# Exports BENCH_ELFS.

BENCH_DIR := tests/bench
BENCH_OUT := $(BUILD)/tests/bench
BENCH_NAMES := $(sort $(basename $(notdir $(wildcard $(BENCH_DIR)/bench-*.c))))
BENCH_ELFS := $(BENCH_NAMES:%=$(BENCH_OUT)/%.elf)
BENCH_LIB := $(BENCH_OUT)/bench.o

$(BENCH_OUT)/%.o: $(BENCH_DIR)/%.c $(BENCH_DIR)/bench.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -I$(BENCH_DIR) -MMD -MP -c $< -o $@

$(BENCH_OUT)/%.elf: $(BENCH_OUT)/%.o $(BENCH_LIB) $(GUEST_RT_OBJS) $(GUEST_NOTES) $(GUEST_DIR)/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(GUEST_LINK)

.SECONDARY: $(BENCH_NAMES:%=$(BENCH_OUT)/%.o) $(BENCH_LIB)
-include $(wildcard $(BENCH_OUT)/*.d)
