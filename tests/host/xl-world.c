/*
 * The machine of xl's command tests (see xl-world.h).  A boot resets the
 * fake OS and hypervisor, destroys whatever the toolstack still knew of
 * the previous case (each case runs in a child process, but
 * HTEST_NOFORK=1 runs them one after another in one), and starts the
 * toolstack afresh on the fixed file system below.
 */
#include <stdio.h>
#include <string.h>
#include "xl-world.h"
#include "fake-hv.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include "../../dom0-tools/tools/xl/toolstack.h"

char out[131072], err[32768];

int xl(const char *line)
{
    return xl_run(line, out, sizeof(out), err, sizeof(err));
}

void settle(void)
{
    FILE *so = stdout;

    memset(out, 0, sizeof(out));
    stdout = fmemopen(out, sizeof(out) - 1, "w");
    fake_run_pending();
    fclose(stdout);
    stdout = so;
}

int xl_world_boot(void)
{
    fake_os_reset();
    fake_hv_reset();
    while (ts_first())
        ts_destroy(ts_first()->domid);
    fake_hv_reset();
    fake_file_add_text("/boot/guest.elf", "\177ELF guest");
    fake_file_add_text("/boot/initrd", "initrd");
    fake_file_add_text("/boot/bad.elf", "MZ not an ELF");
    fake_file_add_text("/etc/xl/a.cfg", "name = 'a'\nkernel = '/boot/guest.elf'\nmemory = 16\n");
    fake_file_add_text("/etc/xl/b.cfg", "name = 'b'\nkernel = '/boot/guest.elf'\nmemory = 8\n"
                       "ramdisk = '/boot/initrd'\nextra = 'role=b'\n");
    fake_file_add_text("/etc/xl/crash-preserve.cfg", "name='cp'\nkernel='/boot/guest.elf'\n"
                       "memory=8\non_crash='preserve'\n");
    fake_file_add_text("/etc/xl/crash-restart.cfg", "name='cr'\nkernel='/boot/guest.elf'\n"
                       "memory=8\non_crash='restart'\n");
    fake_file_add_text("/etc/xl/reboot.cfg", "name='rb'\nkernel='/boot/guest.elf'\nmemory=8\n");
    fake_file_add_text("/etc/xl/rename.cfg", "name='rn'\nkernel='/boot/guest.elf'\nmemory=8\n"
                       "on_poweroff='rename-restart'\n");
    fake_file_add_text("/etc/xl/bad.cfg", "name = 'bad'\nkernel = '/boot/guest.elf'\n"
                       "memory = 'lots'\nvcpus = 64\n");
    fake_file_add_text("/etc/xl/notelf.cfg", "name = 'n'\nkernel = '/boot/bad.elf'\n");
    fake_file_add_text("/etc/xl/huge.cfg", "name = 'huge'\nkernel = '/boot/guest.elf'\n"
                       "memory = 4096\n");
    fake_file_add_text("/etc/xl/sched.cfg", "name='s'\nkernel='/boot/guest.elf'\nmemory=8\n"
                       "cpu_weight=512\ncap=25\n");
    return ts_init();
}

unsigned int live_domains(void)
{
    unsigned int n = 0;

    for (int i = 0; i < FAKE_HV_MAX_DOMS; i++)
        n += fake_hv.dom[i].exists;
    return n;
}
