/*
 * The program Mica's Dom0 runs once its kernel is up: what a Linux Dom0's
 * init scripts would start, in one image.  It starts the daemons --
 * xenstored (tools/xsdaemon over the store library tools/xenstored), the
 * split-driver backends and the DHCP server on xenbr0 (tools/dhcpd), the
 * toolstack's domain watch on VIRQ_DOM_EXC (the console backend starts
 * per domain) -- connects them, runs the boot script if the command line
 * names one (script=PATH), shows /etc/motd, then gives the console to the
 * shell for good.
 *
 * The shell's tools: `xl`, the toolstack (tools/xl), over the control
 * plane's libraries (lib/ctrl, lib/build) through its seam
 * tools/xl/hv_ctrl.c; the xenstore-* commands (tools/xenstore) against
 * the live store.
 *
 * Wiring: the toolstack talks to xenstored as a client (introducing each
 * domain it builds, as libxl does), and tells it through an observer when
 * a domain is about to be destroyed and on every VIRQ_DOM_EXC; xenstored
 * asks the toolstack's seam whether a domain still exists.
 *
 * Command-line options read here: script=PATH; xenstored=OPTS (xenstored's
 * options, commas for spaces: xenstored=nodes=200,log=info); blkback=map|copy
 * (how blkback moves data, blkback.h).
 */
#include "shell.h"
#include "../../kernel/kernel.h"
#include "../../tools/xl/xl.h"
#include "../../tools/xl/hv.h"
#include "../../tools/xl/toolstack.h"
#include "os_files.h"
#include "../../tools/xl/ts_store.h"
#include "../../tools/xsdaemon/xsdaemon.h"
#include "../../tools/xl/ts_dev.h"
#include "../../tools/backend/xenbus_be.h"
#include "../../tools/blkback/blkback.h"
#include "../../tools/netback/netback.h"
#include "../../tools/dhcpd/dhcpd.h"
#include "../../tools/blk/blk.h"
#include "../../tools/net/net.h"
#include "../../tools/devbench/devbench.h"
#include "../../drivers/pci.h"
#include "../../drivers/hw.h"
#include <stdio.h>

#define XS_CMD(name, usage, help) { name, xsd_shell_cmd, usage, help }
const struct shell_cmd shell_tools[] = {
    { "xl", xl_main, "xl COMMAND [ARGS...]", "the toolstack ('xl help' lists its commands)" },
    { "bench-xl", xl_cmd_bench, "bench-xl", "measure xl create and list (make bench runs it)" },
    { "soak-xl", xl_cmd_soak, "soak-xl [-n CYCLES] [-s SEED]",
      "create/destroy cycles racing deaths; the hypervisor's counters must come back" },
    { "failsweep-xl", xl_cmd_failsweep, "failsweep-xl [-m MAX]",
      "fail each allocation of xl create in turn (boot with fail_alloc=ctl)" },
    { "scale-xl", xl_cmd_scale, "scale-xl [-n DOMAINS] [-w WINDOW_MS]",
      "DOMAINS CPU-bound guests at two weights; progress, shares, limits" },
    XS_CMD("xenstore-ls", "xenstore-ls [-p] [PATH]", "the store's tree below PATH"),
    XS_CMD("xenstore-read", "xenstore-read [-p] PATH...", "values of nodes"),
    XS_CMD("xenstore-write", "xenstore-write PATH VALUE...", "write nodes"),
    XS_CMD("xenstore-rm", "xenstore-rm [-t] PATH...", "remove nodes and their subtrees"),
    XS_CMD("xenstore-list", "xenstore-list PATH", "children of a node"),
    XS_CMD("xenstore-exists", "xenstore-exists PATH", "exit status 0 if the node exists"),
    XS_CMD("xenstore-chmod", "xenstore-chmod [-r] PATH PERM...", "set permissions (n|r|w|b + domid)"),
    XS_CMD("xenstore-watch", "xenstore-watch [-n N] PATH...", "print events until ^C (or N)"),
    XS_CMD("xenstore-control", "xenstore-control COMMAND [ARG...]",
           "xenstored's own commands: check, stats, quota, help"),
    { "xenbus-backends", xb_shell_cmd, "xenbus-backends [TYPE]",
      "the split-driver backends' devices: states, connections, what each holds" },
    { "blkback", blkback_shell_cmd, "blkback [data map|copy]",
      "the block backend's totals; data: grant map or copy for new connections" },
    { "bench-blk", blkbench_main, "bench-blk [MIB]",
      "measure PV block I/O through blkback against vda (make bench runs it)" },
    { "lspci", lspci_main, "lspci [-v] [-n]", "PCI devices (-v: BARs, capabilities, driver)" },
    { "blk", blk_main, "blk [CMD DEV ...]", "disks: list, info, dump, write, verify, read, flush, raw, bench" },
    { "net", net_main, "net [CMD ...]", "network ports: list, info, ping, dhcp, bench" },
    { "bench-dev", devbench_main, "bench-dev [MIB [PINGS]]",
      "measure vda and eth0 natively (make bench runs it)" },
    { "pci-eject", pci_eject_main, "pci-eject 00:DD.F",
      "unplug a device from QEMU's PC (ACPI hotplug; for tests)" },
    { "vifs", netback_vifs_cmd, "vifs", "netback's vifs: MAC, bridge, state, packets, refusals" },
    { "bridge", netback_bridge_cmd, "bridge [show | fdb BR | addif BR PORT | delif BR PORT]",
      "the software bridges (xenbr0): ports, counters, addresses; join a physical port" },
    { "dhcpd", dhcpd_shell_cmd, "dhcpd [status | leases | start [FILE] | stop | check FILE]",
      "the DHCP server on xenbr0: configuration, counters, leases" },
    { "irqs", hw_irqs_main, "irqs [-s GSI N]", "device interrupt lines (-s: N spurious firings of GSI)" },
    { NULL, NULL, NULL, NULL },
};

/* What a login would show: /etc/motd, if the ramfs has one. */
static void motd(void)
{
    const void *data;
    size_t len;

    if (os_file_load("/etc/motd", &data, &len))
        return;
    fwrite(data, 1, len, stdout);
    os_file_unload(data);
}

/* xenstored asks: does the domain still exist?  A dying domain is gone
 * for the store (Xen's xenstored does the same). */
static enum xs_domstate domain_state(uint16_t domid)
{
    struct hv_dominfo info;

    if (hv_domain_info(domid, &info) || info.dying)
        return XS_DOM_GONE;
    return info.shutdown ? XS_DOM_SHUTDOWN : XS_DOM_RUNNING;
}

static void xs_destroying(void *arg, uint16_t domid)
{
    (void)arg;
    xsd_domain_destroying(domid);
}

static void xs_dom_exc(void *arg)
{
    (void)arg;
    xsd_domains_changed();
}

static struct ts_observer xs_observer = {
    .destroying = xs_destroying,
    .domains_changed = xs_dom_exc,
};

/* Start xenstored and give the toolstack its client. */
static void start_xenstored(void)
{
    static struct xsc ts_client;
    char opts[256], err[256];
    int rc;

    if (!cmdline_get("xenstored", opts, sizeof(opts)))
        opts[0] = '\0';
    for (char *p = opts; *p; p++)
        if (*p == ',')
            *p = ' ';
    if ((rc = xsd_start(opts, domain_state, err, sizeof(err)))) {
        printf("dom0: %s; running without xenstore\n", err);
        return;
    }
    if ((rc = xsd_connect(&ts_client, false))) {
        printf("dom0: the toolstack cannot connect to xenstored (%d)\n", rc);
        return;
    }
    ts_store_attach(&ts_client);
    ts_observe(&xs_observer);
}

/* The split-driver backends (tools/backend): the framework on its own
 * store client, then each driver; xl learns which types are served. */
static const struct ts_backends backends = {
    .serves = xb_serves,
    .disk_check = blkback_disk_check,
};

static void start_backends(void)
{
    char opt[16];
    int rc;

    if (!ts_store_present())
        return;                 /* no xenstored: no devices */
    if ((rc = xb_init())) {
        printf("dom0: the backends cannot reach xenstored (%d): no disks or vifs\n", rc);
        return;
    }
    if (cmdline_get("blkback", opt, sizeof(opt)) &&
        blkback_parse_data(opt, &blkback_data_mode))
        printf("dom0: blkback=%s: want map or copy; data by grant map\n", opt);
    if ((rc = blkback_init()))
        printf("dom0: the block backend cannot start (%d)\n", rc);
    if ((rc = netback_init()))
        printf("dom0: netback cannot start (%d): no vifs\n", rc);
    else if (dhcpd_init())
        printf("dom0: no DHCP server on the bridge\n");
    ts_dev_set_backends(&backends);
}

void dom0_main(void) __noreturn;
void dom0_main(void)
{
    char script[256];
    int rc;

    start_xenstored();
    start_backends();
    if ((rc = ts_init()))
        printf("dom0: the toolstack cannot watch domains (%d); xl will not see deaths\n", rc);
    if (cmdline_get("script", script, sizeof(script)) && script[0])
        shell_run_script(script);
    motd();
    shell_interactive();
}
