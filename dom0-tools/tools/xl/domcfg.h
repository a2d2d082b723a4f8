/*
 * A domain's configuration as xl understands it (domcfg.c): the settings
 * of an xl.cfg file, checked and with defaults filled in.
 */
#ifndef XL_DOMCFG_H
#define XL_DOMCFG_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "devspec.h"

enum xl_action {
    ACTION_DESTROY,
    ACTION_RESTART,
    ACTION_RENAME_RESTART,
    ACTION_PRESERVE,
};

#define XL_NAME_MAX 63
/* vCPUs per domain: those with a vcpu_info in shared_info
 * (XEN_LEGACY_MAX_VCPUS, which is also the public XEN_DOMCTL_MAX_VCPUS). */
#define XL_MAX_VCPUS 32

struct domain_config {
    char *name;
    char *source;               /* the config file, for messages */
    uint32_t memory_mib;        /* at boot */
    uint32_t maxmem_mib;
    unsigned int vcpus;         /* online at boot */
    unsigned int max_vcpus;     /* the domain's vCPUs: vcpus..max_vcpus-1 offline */
    char *kernel, *ramdisk;
    unsigned int kernel_line, ramdisk_line;
    char *cmdline;              /* final: cmdline, or root= + extra */
    enum xl_action on_poweroff, on_reboot, on_crash, on_watchdog;
    unsigned int weight;        /* credit scheduler: 1..65535, 0 = default */
    unsigned int cap;           /* % of one CPU, 0 = none */
    bool cap_set, weight_set;
    struct disk_spec *disks;
    unsigned int *disk_lines;
    size_t ndisks;
    struct vif_spec *vifs;
    size_t nvifs;
};

/*
 * Load and check a configuration: the file, then each "key=value" of
 * `overrides` (xl create's extra arguments, which win).  Every error and
 * warning goes to stderr as "FILE:LINE: error: ..." / "... warning: ...";
 * 0 if there were no errors (dc filled), else -1 (dc empty).
 */
int domcfg_load(const char *path, char *const *overrides, int noverrides,
                struct domain_config *dc);
/* The same from text already in memory (host tests, fuzzing). */
int domcfg_parse(const char *file, const char *text, size_t len, char *const *overrides,
                 int noverrides, struct domain_config *dc);
void domcfg_free(struct domain_config *dc);
/* Deep copy (for restarts): 0 or -ENOMEM. */
int domcfg_copy(struct domain_config *dst, const struct domain_config *src);
const char *action_name(enum xl_action a);
/* A valid domain name (1..63 printable characters, no '/', not all digits). */
bool domcfg_valid_name(const char *name, const char **why);

#endif
