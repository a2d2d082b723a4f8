# Host tests of xenstored (dom0-tools/tools/xenstored): the store library
# compiled for the host with the sanitizers, driven through local pipes
# and fake ring pages (tests/host/xs/harness.c).  Included by host.mk.

include dom0-tools/tools/xenstored/xenstored.mk

XSC_DIR := dom0-tools/tools/xenstore
XS_HT_OBJS := $(patsubst $(XS_DIR)/%.c,$(HT_DIR)/obj/xs/%.o,$(XS_SRCS)) $(HT_DIR)/xs/harness.o \
              $(HT_DIR)/obj/xsc/xs_client.o $(HT_DIR)/obj/xsc/xenstore_cmds.o
XS_HT_CFLAGS := -I$(XS_DIR) -I$(XSC_DIR) -Itests/host/xs -Itests/host
XS_HT_PROGS := test-xs-path test-xs-store test-xs-perms test-xs-txn test-xs-watch \
               test-xs-quota test-xs-domain test-xs-ring test-xs-fuzz test-xs-client
HT_PROGS += $(XS_HT_PROGS)

$(HT_DIR)/obj/xs/%.o: $(XS_DIR)/%.c $(XS_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) $(XS_HT_CFLAGS) -MMD -MP -c $< -o $@

$(HT_DIR)/obj/xsc/%.o: $(XSC_DIR)/%.c $(wildcard $(XSC_DIR)/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) $(XS_HT_CFLAGS) -MMD -MP -c $< -o $@

$(HT_DIR)/xs/%.o: tests/host/xs/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_CFLAGS) $(XS_HT_CFLAGS) -MMD -MP -c $< -o $@

# The test guests' heap, renamed so it can sit next to the C library's.
HT_PROGS += test-xs-heap
$(HT_DIR)/obj/xs/guest-heap.o: tests/guest/xs/heap.c tests/guest/xs/heap.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (as gh_*)")
	$(Q)$(CC) $(HT_CFLAGS) -Itests/guest/xs -Dmalloc=gh_malloc -Dfree=gh_free \
	    -Dcalloc=gh_calloc -Drealloc=gh_realloc -MMD -MP -c $< -o $@
$(HT_DIR)/xs/test-xs-heap.o: XS_HT_CFLAGS += -Itests/guest/xs
$(HT_DIR)/test-xs-heap: $(HT_DIR)/xs/test-xs-heap.o $(HT_DIR)/obj/xs/guest-heap.o
	$(HT_LINK)

$(foreach p,$(XS_HT_PROGS),$(eval $(HT_DIR)/$(p): $(HT_DIR)/xs/$(p).o $(XS_HT_OBJS) ; $$(HT_LINK)))

-include $(wildcard $(HT_DIR)/obj/xs/*.d $(HT_DIR)/obj/xsc/*.d $(HT_DIR)/xs/*.d)
