# Test guests that run xenstored (tests/guest/xs-server.c, the xenstore
# benchmark) or talk to it over their ring (tests/guest/xs-*.c), built
# from the portable sources in dom0-tools/tools/ with the test runtime,
# the heap and C-library shims of tests/guest/xs/.  Included by the
# top-level Makefile after guest.mk and bench.mk.

include dom0-tools/tools/xenstored/xenstored.mk
XSC_DIR := dom0-tools/tools/xenstore

XS_GUEST_INC := -Itests/guest/xs/libc -Itests/guest/xs -I$(XS_DIR) -I$(XSC_DIR)
XS_GUEST_STORE := $(patsubst $(XS_DIR)/%.c,$(GUEST_OUT)/xsd/%.o,$(XS_SRCS))
XS_GUEST_LIB := $(GUEST_OUT)/xs/heap.o $(GUEST_OUT)/xs/libc.o $(GUEST_OUT)/xsc/xs_client.o
XS_GUEST_SERVER := $(XS_GUEST_STORE) $(GUEST_OUT)/xs/server.o $(XS_GUEST_LIB)
XS_GUEST_CLIENT := $(GUEST_OUT)/xs/ring_client.o $(XS_GUEST_LIB)

# Guests serving rings, and guests speaking over theirs.
XS_SERVER_GUESTS := xs-server linux-host
XS_CLIENT_GUESTS := $(filter-out $(XS_SERVER_GUESTS),$(patsubst $(GUEST_DIR)/%.c,%,$(wildcard $(GUEST_DIR)/xs-*.c)))
# netfront (a network frontend for netback) finds its vif in xenstore.
XS_CLIENT_GUESTS += netfront

$(GUEST_OUT)/xsd/%.o: $(XS_DIR)/%.c $(XS_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) $(XS_GUEST_INC) -MMD -MP -c $< -o $@

$(GUEST_OUT)/xsc/%.o: $(XSC_DIR)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) $(XS_GUEST_INC) -MMD -MP -c $< -o $@

$(GUEST_OUT)/xs/%.o: GUEST_CFLAGS += $(XS_GUEST_INC)
$(foreach g,$(XS_SERVER_GUESTS) $(XS_CLIENT_GUESTS),$(eval $(GUEST_OUT)/$(g).o: GUEST_CFLAGS += $(XS_GUEST_INC)))
$(XS_SERVER_GUESTS:%=$(GUEST_OUT)/%.elf): $(XS_GUEST_SERVER)
$(XS_CLIENT_GUESTS:%=$(GUEST_OUT)/%.elf): $(XS_GUEST_CLIENT)

# The xenstore benchmark: xenstored as domain 0 (bench-xenstore.c), the
# measuring domain with the benchmark library (xs-bench.c).
$(BENCH_OUT)/bench-xenstore.o: GUEST_CFLAGS += $(XS_GUEST_INC)
$(BENCH_OUT)/bench-xenstore.elf: $(XS_GUEST_SERVER)
$(GUEST_OUT)/xs-bench.o: GUEST_CFLAGS += -I$(BENCH_DIR)
$(GUEST_OUT)/xs-bench.elf: $(BENCH_LIB)

# Block frontends (tests/guest/blk-*.c): the ring client and the test
# blkfront (tests/guest/xs/blkfront.c), against Dom0's blkback.
BLK_GUESTS := $(patsubst $(GUEST_DIR)/%.c,%,$(wildcard $(GUEST_DIR)/blk-*.c))
$(foreach g,$(BLK_GUESTS),$(eval $(GUEST_OUT)/$(g).o: GUEST_CFLAGS += $(XS_GUEST_INC)))
$(BLK_GUESTS:%=$(GUEST_OUT)/%.elf): $(XS_GUEST_CLIENT) $(GUEST_OUT)/xs/blkfront.o

XS_GUEST_OBJS := $(GUEST_OUT)/xs/blkfront.o $(XS_GUEST_STORE) $(XS_GUEST_LIB) $(GUEST_OUT)/xs/server.o \
                 $(GUEST_OUT)/xs/ring_client.o
.SECONDARY: $(XS_GUEST_OBJS)
-include $(wildcard $(GUEST_OUT)/xsd/*.d $(GUEST_OUT)/xsc/*.d $(GUEST_OUT)/xs/*.d)
