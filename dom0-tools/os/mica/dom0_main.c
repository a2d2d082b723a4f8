/*
 * The program Mica's Dom0 runs once its kernel is up: what a Linux Dom0's
 * init scripts would start, in one image.  It starts the daemons (for now
 * the toolstack's domain watch; the console backend starts per domain),
 * runs the boot script if the command line names one (script=PATH), then
 * gives the console to the shell for good.
 */
#include "shell.h"
#include "../../kernel/kernel.h"
#include <stdio.h>

const struct shell_cmd shell_tools[] = {
    { NULL, NULL, NULL, NULL },
};

void dom0_main(void) __noreturn;
void dom0_main(void)
{
    char script[256];

    if (cmdline_get("script", script, sizeof(script)) && script[0])
        shell_run_script(script);
    shell_interactive();
}
