# Host tests of Dom0 (dom0-tools/): a Makefile fragment included by
# tests/host/host.mk.  Dom0's pure parts -- the line editor, the ramfs, its
# own C-library functions, the shell's parser, xl's configuration parser
# and command layer, the console backend -- are compiled for the host with
# the sanitizers of the other host tests.  The tools run on a fake of the
# OS interface (dom0-tools/os/fake/) and xl on a simulated hypervisor
# (tests/host/fake-hv.c).
#
# Adds its binaries to HOST_TEST_BINS.

HT_DOM0 := $(HT_DIR)/dom0
HT_DOM0_CFLAGS := $(HT_CFLAGS) -Idom0-tools/os -Idom0-tools/tools/shell \
                  -Idom0-tools/tools/xenstored -Idom0-tools/tools/xenstore

$(HT_DOM0)/%.o: dom0-tools/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_DOM0_CFLAGS) -MMD -MP -c $< -o $@

# Dom0's libc functions under d0_ names, built against Dom0's own headers.
HT_D0_RENAME := $(foreach f,strtol strtoul strtoll strtoull atoi qsort abort errno memchr \
                  strcasecmp strspn strcspn strcpy strcat strdup strndup strerror malloc free,-D$(f)=d0_$(f))
$(HT_DOM0)/libc-%.o: dom0-tools/kernel/libc/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (as d0_*)")
	$(Q)$(CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter $(HT_SAN) \
	    -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	    -Idom0-tools/kernel/libc/include $(HT_D0_RENAME) -MMD -MP -c $< -o $@

$(HT_DOM0)/test-%.o: tests/host/test-%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_DOM0_CFLAGS) -MMD -MP -c $< -o $@

$(HT_DIR)/test-dom0-lineedit: $(HT_DOM0)/test-dom0-lineedit.o $(HT_DOM0)/kernel/lineedit.o
	$(HT_LINK)
$(HT_DIR)/test-dom0-ramfs: $(HT_DOM0)/test-dom0-ramfs.o $(HT_DOM0)/kernel/ramfs.o
	$(HT_LINK)
# d0_malloc/d0_free are glibc's (strdup needs an allocator): a shim maps them.
$(HT_DIR)/test-dom0-libc: $(HT_DOM0)/test-dom0-libc.o $(HT_DOM0)/libc-stdlib.o \
                          $(HT_DOM0)/libc-string.o $(HT_DOM0)/tools/shell/parse.o \
                          $(HT_DOM0)/d0-alloc.o
	$(HT_LINK)
$(HT_DOM0)/d0-alloc.o: tests/host/d0-alloc.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HT_CFLAGS) -c $< -o $@

# xl and the console backend on the fake OS interface and hypervisor.
HT_XL_OBJS := $(addprefix $(HT_DOM0)/tools/xl/,cfg.o devspec.o domcfg.o toolstack.o xl.o \
                xl_dom.o xl_list.o xl_info.o xl_top.o ts_store.o xl_net.o ts_dev.o) \
              $(HT_DOM0)/tools/console/consoled.o $(HT_DOM0)/os/fake/fake_os.o \
              $(HT_DIR)/obj/xsc/xs_client.o
$(HT_DOM0)/fake-hv.o: tests/host/fake-hv.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_DOM0_CFLAGS) -MMD -MP -c $< -o $@
# One xl command line, captured (xl-run.c); the machine of the command
# tests (xl-world.c), shared by test-xl-cmd, -report and -limits.
$(HT_DOM0)/xl-%.o: tests/host/xl-%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_DOM0_CFLAGS) -MMD -MP -c $< -o $@
HT_XL_RUN := $(HT_DOM0)/xl-run.o $(HT_DOM0)/tools/shell/parse.o
$(HT_DIR)/test-xl-cfg: $(HT_DOM0)/test-xl-cfg.o $(HT_XL_OBJS) $(HT_DOM0)/fake-hv.o
	$(HT_LINK)
HT_XL_CMD_TESTS := test-xl-cmd test-xl-report test-xl-limits
$(HT_XL_CMD_TESTS:%=$(HT_DIR)/%): $(HT_DIR)/%: $(HT_DOM0)/%.o $(HT_DOM0)/xl-world.o $(HT_XL_RUN) \
                                               $(HT_XL_OBJS) $(HT_DOM0)/fake-hv.o
	$(HT_LINK)

$(HT_DIR)/test-consoled: $(HT_DOM0)/test-consoled.o $(HT_DOM0)/tools/console/consoled.o \
                         $(HT_DOM0)/os/fake/fake_os.o
	$(HT_LINK)

# libctrl and the domain builder on the simulated hypervisor at the
# hypercall level, with the shared pure code of the hypervisor's builder.
HT_BUILD_OBJS := $(addprefix $(HT_DOM0)/lib/,ctrl/ctrl_domctl.o ctrl/ctrl_sysctl.o \
                   ctrl/ctrl_mem.o build/build.o build/build_map.o) \
                 $(HT_DOM0)/fake-hypercalls.o $(HT_DOM0)/fake-hypercalls-ops.o \
                 $(addprefix $(HT_DIR)/obj/,libelf.o cmdline.o domain_layout.o pv_image.o)
$(HT_DOM0)/fake-hyper%.o: tests/host/fake-hyper%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(CC) $(HT_DOM0_CFLAGS) -MMD -MP -c $< -o $@
$(HT_DIR)/test-build: $(HT_DOM0)/test-build.o $(HT_DIR)/elf-image.o $(HT_BUILD_OBJS)
	$(HT_LINK)
$(HT_DIR)/test-ctrl: $(HT_DOM0)/test-ctrl.o $(HT_BUILD_OBJS)
	$(HT_LINK)

# xl over hv_ctrl.c and the real stack.
$(HT_DIR)/test-xl-ctrl: $(HT_DOM0)/test-xl-ctrl.o $(HT_DIR)/elf-image.o \
                        $(filter-out $(HT_DOM0)/os/fake/fake_os.o,$(HT_XL_OBJS)) \
                        $(HT_DOM0)/os/fake/fake_os.o $(HT_DOM0)/tools/xl/hv_ctrl.o \
                        $(HT_XL_RUN) $(HT_BUILD_OBJS)
	$(HT_LINK)

# xenstored as Dom0 runs it, on the fake OS interface.
$(HT_DIR)/test-xsdaemon: $(HT_DOM0)/test-xsdaemon.o $(HT_DOM0)/tools/xsdaemon/xsdaemon.o \
                         $(HT_DOM0)/os/fake/fake_os.o \
                         $(patsubst $(XS_DIR)/%.c,$(HT_DIR)/obj/xs/%.o,$(XS_SRCS)) \
                         $(HT_DIR)/obj/xsc/xs_client.o $(HT_DIR)/obj/xsc/xenstore_cmds.o
	$(HT_LINK)

# The toolstack with a live xenstored, wired as Dom0 wires them.
$(HT_DIR)/test-xl-store: $(HT_DOM0)/test-xl-store.o $(HT_XL_OBJS) $(HT_DOM0)/fake-hv.o \
                         $(HT_XL_RUN) $(HT_DOM0)/tools/xsdaemon/xsdaemon.o \
                         $(patsubst $(XS_DIR)/%.c,$(HT_DIR)/obj/xs/%.o,$(XS_SRCS)) \
                         $(HT_DIR)/obj/xsc/xenstore_cmds.o
	$(HT_LINK)

# Dom0's drivers: the PCI scan on a simulated bus, virtqueues against a
# simulated (and a hostile) device, the block and network interfaces'
# registries under fake drivers.
$(HT_DIR)/test-dom0-pci: $(HT_DOM0)/test-dom0-pci.o $(HT_DOM0)/drivers/pci.o
	$(HT_LINK)
$(HT_DIR)/test-dom0-virtq: $(HT_DOM0)/test-dom0-virtq.o $(HT_DOM0)/drivers/virtq.o
	$(HT_LINK)
$(HT_DIR)/test-dom0-devif: $(HT_DOM0)/test-dom0-devif.o $(HT_DOM0)/drivers/blkdev.o \
                           $(HT_DOM0)/drivers/netport.o
	$(HT_LINK)
HOST_TEST_BINS += $(HT_DIR)/test-dom0-pci $(HT_DIR)/test-dom0-virtq $(HT_DIR)/test-dom0-devif

# netback's pure parts: the learning bridge and the netif ring logic.
$(HT_DIR)/test-netback-bridge: $(HT_DOM0)/test-netback-bridge.o $(HT_DOM0)/tools/netback/bridge.o
	$(HT_LINK)
$(HT_DIR)/test-netback-ring: $(HT_DOM0)/test-netback-ring.o $(HT_DOM0)/tools/netback/netif_ring.o
	$(HT_LINK)
HOST_TEST_BINS += $(HT_DIR)/test-netback-bridge $(HT_DIR)/test-netback-ring

# blkback's ring and its file disk on the fake OS interface, the test
# playing the frontend (both data paths, hostile requests, what stays mapped).
HT_BLKBACK_INC := -Idom0-tools/tools/backend -Idom0-tools/tools/xl
$(HT_DOM0)/test-blkback-ring.o $(HT_DOM0)/tools/blkback/blkif.o \
$(HT_DOM0)/tools/blkback/blkif_copy.o \
$(HT_DOM0)/tools/blkback/vbd.o: HT_DOM0_CFLAGS += $(HT_BLKBACK_INC)
$(HT_DIR)/test-blkback-ring: $(HT_DOM0)/test-blkback-ring.o $(HT_DOM0)/tools/blkback/blkif.o \
                             $(HT_DOM0)/tools/blkback/blkif_copy.o \
                             $(HT_DOM0)/tools/blkback/vbd.o $(HT_DOM0)/os/fake/fake_os.o
	$(HT_LINK)
HOST_TEST_BINS += $(HT_DIR)/test-blkback-ring

# The DHCP server's pure parts: messages, frames, configuration, leases.
$(HT_DIR)/test-dhcpd: $(HT_DOM0)/test-dhcpd.o $(HT_DOM0)/tools/dhcpd/dhcp_msg.o \
                      $(HT_DOM0)/tools/dhcpd/dhcp_server.o
	$(HT_LINK)
HOST_TEST_BINS += $(HT_DIR)/test-dhcpd

HOST_TEST_BINS += $(HT_DIR)/test-xsdaemon $(HT_DIR)/test-xl-store
HOST_TEST_BINS += $(HT_DIR)/test-build $(HT_DIR)/test-ctrl $(HT_DIR)/test-xl-ctrl
HOST_TEST_BINS += $(HT_DIR)/test-dom0-lineedit $(HT_DIR)/test-dom0-ramfs $(HT_DIR)/test-dom0-libc \
                  $(HT_DIR)/test-xl-cfg $(HT_XL_CMD_TESTS:%=$(HT_DIR)/%) $(HT_DIR)/test-consoled

-include $(wildcard $(HT_DOM0)/*.d $(HT_DOM0)/*/*.d $(HT_DOM0)/*/*/*.d)
