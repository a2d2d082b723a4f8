/*
 * The simulated Dom0 that xl's command tests share (xl-world.c):
 * test-xl-cmd (domain life-cycles), test-xl-report (what xl prints) and
 * test-xl-limits (resources, observers, fuzzing) each start their cases
 * from the same machine -- a fresh simulated hypervisor (fake-hv.c) with
 * Dom0 alone, the fake OS interface, and a small file system of kernels
 * and configurations:
 *
 *   /boot/guest.elf  /boot/initrd  /boot/bad.elf (not an ELF)
 *   /etc/xl/a.cfg (16 MiB)  b.cfg (8 MiB, ramdisk, extra)  bad.cfg
 *   notelf.cfg  huge.cfg (4 GiB)  sched.cfg (weight 512, cap 25)
 *   crash-preserve.cfg  crash-restart.cfg  reboot.cfg  rename.cfg
 *
 * out and err hold what the last xl() (out also: settle()) printed.
 */
#ifndef HT_XL_WORLD_H
#define HT_XL_WORLD_H

#include "xl-run.h"

extern char out[131072], err[32768];

/* A fresh machine and file system; ts_init()'s result (0). */
int xl_world_boot(void);
/* One xl command line: its exit status (or SHELL_REFUSED). */
int xl(const char *line);
/* Handle what happened since (VIRQ_DOM_EXC, console events), output captured. */
void settle(void);
/* Domains the simulated hypervisor holds, Dom0 included. */
unsigned int live_domains(void);

#endif
