/*
 * Boot-time options and facts shared between arch setup and generic code.
 * Options come from the hypervisor command line (see docs/boot.md).
 */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#include <mica/types.h>

#define HV_CMDLINE_MAX 1024

extern char hv_cmdline[HV_CMDLINE_MAX];   /* as given by the boot loader */
extern bool opt_debug_exit;               /* report exit codes via isa-debug-exit */
extern unsigned int opt_debug_exit_port;
extern uint64_t opt_dom0_mem;             /* bytes; 0 = default */

/* Build information (generated at link time). */
extern const char mica_compiler[], mica_compile_by[], mica_compile_domain[],
                  mica_compile_date[], mica_changeset[];

/* Machine power control (arch).  code = MICA_EXIT_* for isa-debug-exit. */
void __noreturn machine_power_off(unsigned int code);
void __noreturn machine_restart(unsigned int code);
void __noreturn machine_halt(unsigned int code);

#endif
