/*
 * The program Mica's Dom0 runs once its kernel is up: what a Linux Dom0's
 * init scripts would start, in one image.  It starts the daemons (the
 * toolstack's domain watch on VIRQ_DOM_EXC; the console backend starts per
 * domain), runs the boot script if the command line names one
 * (script=PATH), shows /etc/motd, then gives the console to the shell
 * for good.
 *
 * The shell's tools: `xl`, the toolstack (tools/xl), over the control
 * plane's libraries (lib/ctrl, lib/build) through its seam
 * tools/xl/hv_ctrl.c.
 */
#include "shell.h"
#include "../../kernel/kernel.h"
#include "../../tools/xl/xl.h"
#include "../../tools/xl/toolstack.h"
#include "os_files.h"
#include <stdio.h>

const struct shell_cmd shell_tools[] = {
    { "xl", xl_main, "xl COMMAND [ARGS...]", "the toolstack ('xl help' lists its commands)" },
    { "bench-xl", xl_cmd_bench, "bench-xl", "measure xl create and list (make bench runs it)" },
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

void dom0_main(void) __noreturn;
void dom0_main(void)
{
    char script[256];
    int rc = ts_init();

    if (rc)
        printf("dom0: the toolstack cannot watch domains (%d); xl will not see deaths\n", rc);
    if (cmdline_get("script", script, sizeof(script)) && script[0])
        shell_run_script(script);
    motd();
    shell_interactive();
}
