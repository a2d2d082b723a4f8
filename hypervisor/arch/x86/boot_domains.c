/*
 * Building the unprivileged domains the boot modules describe.
 *
 * After the initial domain is built, every remaining module whose command
 * line starts with `domain` becomes domain 1, 2, ... (the syntax is parsed
 * by common/boot_domains.c; docs/boot.md documents it).  Each is built by
 * the same construct_domain() as the initial domain -- its bootstrap
 * region then also holds the xenstore and console ring pages, and its
 * start_info names them with two unbound ports offered to domain 0, as a
 * toolstack would (no backend serves them yet) -- and started.  A domain
 * that cannot be built (bad image, not enough memory) is reported and
 * destroyed; the others still boot.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/boot_domains.h>
#include <mica/sched.h>
#include <mica/printk.h>
#include <mica/mm.h>
#include <mica/lib.h>
#include <mica/bug.h>
#include <asm/page.h>
#include <asm/multiboot.h>
#include <asm/domain_build.h>

static unsigned int problem_dom;
BUILD_BUG_ON(DOMU_MAX_VCPUS != MAX_VIRT_CPUS);

static void report(const char *what, const char *word)
{
    pr_warn("d%u: module command line: %s '%s' (default used)\n", problem_dom, what, word);
}

static void build_one(domid_t id, const struct boot_module *k,
                      const struct boot_module *rd, const char *line)
{
    struct domu_spec spec;
    char name[DOMAIN_NAME_LEN];

    problem_dom = id;
    parse_domain_line(line, &spec, report);
    if (spec.name[0])
        strlcpy(name, spec.name, sizeof(name));
    else
        snprintf(name, sizeof(name), "domU%u", id);

    uint64_t avail = (uint64_t)heap_free_pages() << PAGE_SHIFT;
    if (spec.mem + (4ULL << 20) > avail) {
        pr_err("d%u (%s): %llu KiB requested, only %llu KiB free: not built\n", id, name,
               (unsigned long long)(spec.mem >> 10), (unsigned long long)(avail >> 10));
        return;
    }
    struct domain *d = domain_create(id, name, false);
    if (!d) {
        pr_err("d%u (%s): cannot allocate the domain: not built\n", id, name);
        return;
    }
    if (domain_create_vcpus(d, spec.vcpus)) {
        pr_err("d%u (%s): cannot allocate %u vCPUs: not built\n", id, name, spec.vcpus);
        d->state = DOMSTATE_CRASHED;
        domain_destroy(d);
        return;
    }
    domain_set_weight(d, spec.weight);
    int rc = construct_domain(d, __va(k->start), (size_t)(k->end - k->start),
                              rd ? __va(rd->start) : NULL,
                              rd ? (size_t)(rd->end - rd->start) : 0,
                              spec.cmdline, (unsigned long)(spec.mem >> PAGE_SHIFT));
    if (rc) {
        pr_err("d%u (%s): build failed (error %d): destroyed\n", id, name, rc);
        d->state = DOMSTATE_CRASHED;
        domain_destroy(d);
        return;
    }
    pr_info("d%u (%s): %lu pages, weight %u, %u vCPU%s, command line \"%s\"\n", id, name,
            d->tot_pages, d->weight, d->max_vcpus, d->max_vcpus == 1 ? "" : "s", spec.cmdline);
    domain_start(d);
}

void build_boot_domains(unsigned int first)
{
    domid_t next_id = 1;

    for (unsigned int i = first; i < boot_info.nr_mods; i++) {
        const struct boot_module *m = &boot_info.mods[i];
        const char *line = cmdline_skip_image_name(m->cmdline);
        const struct boot_module *rd = NULL;

        if (boot_module_kind(line) != BOOT_MODULE_DOMAIN) {
            pr_warn("boot module %u (\"%.40s\") is neither a domain nor its initrd: ignored\n",
                    i + 1, m->cmdline);
            continue;
        }
        if (i + 1 < boot_info.nr_mods &&
            boot_module_kind(cmdline_skip_image_name(boot_info.mods[i + 1].cmdline)) ==
                BOOT_MODULE_INITRD)
            rd = &boot_info.mods[++i];
        build_one(next_id++, m, rd, line);
    }
}
