/*
 * Unprivileged domains started from boot modules (common/boot_domains.c
 * parses, arch/x86/boot_domains.c builds; syntax in docs/boot.md).
 *
 * Module 1 is the initial domain's kernel; module 2 is its initrd unless
 * its command line says otherwise.  A module whose command line (after
 * the file name, if the loader passes one) starts with the word `domain`
 * is the kernel of an unprivileged domain:
 *
 *     domain [name=NAME] [mem=SIZE] [weight=N] [vcpus=N] [-- guest command line]
 *
 * and a module right after it whose command line is `initrd` is that
 * domain's initrd.  Domains get ids 1, 2, ... in module order.
 */
#ifndef MICA_BOOT_DOMAINS_H
#define MICA_BOOT_DOMAINS_H

#include <mica/types.h>
#include <mica/cmdline.h>

#define DOMU_DEFAULT_MEM    (16ULL << 20)
#define DOMU_MIN_MEM        (4ULL << 20)
#define DOMU_NAME_MAX       31
#define DOMU_MAX_VCPUS      64      /* MAX_VIRT_CPUS */

enum boot_module_kind {
    BOOT_MODULE_OTHER,      /* a kernel or initrd of the initial domain */
    BOOT_MODULE_DOMAIN,     /* "domain ...": an unprivileged domain's kernel */
    BOOT_MODULE_INITRD,     /* "initrd": the previous domain's initrd */
};

struct domu_spec {
    char name[DOMU_NAME_MAX + 1];   /* "" = not given */
    uint64_t mem;                   /* bytes */
    unsigned int weight;
    unsigned int vcpus;             /* 1..DOMU_MAX_VCPUS; vCPU 0 starts, the rest are down */
    const char *cmdline;            /* points into the line; "" if none */
};

/* What a module's command line (file name already skipped) says it is. */
enum boot_module_kind boot_module_kind(const char *line);

/*
 * Parse a "domain ..." line into spec (defaults for what is missing or
 * bad; every problem goes to report, as with the hypervisor's own
 * command line).  Returns the number of problems.
 */
int parse_domain_line(const char *line, struct domu_spec *spec, param_report_fn report);

/* Build and start every unprivileged domain the boot modules describe,
 * beginning at module `first`.  (arch/x86/boot_domains.c) */
void build_boot_domains(unsigned int first);

#endif
