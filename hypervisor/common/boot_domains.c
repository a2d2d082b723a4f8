/*
 * The boot-time description of unprivileged domains: parsing.
 *
 * Until a toolstack can create domains, the boot loader is the toolstack:
 * each extra module is a guest kernel, and its own command line says what
 * domain to make of it (mica/boot_domains.h, docs/boot.md):
 *
 *   module2 /boot/ping.elf  domain name=ping mem=16M weight=512 -- console=hvc0
 *           ^file name (skipped if the loader passes it)
 *                           ^options, the hypervisor's grammar (cmdline.h)
 *                                                                ^the guest's own
 *
 * Putting the description on the module line keeps each domain's whole
 * definition in one place (no counting of modules on the hypervisor line)
 * and works the same with GRUB and QEMU's -initrd.  Options reuse the
 * hypervisor command-line parser, so quoting, sizes (a bare number is KiB)
 * and error reports behave identically; a bad option is reported and its
 * default used, never a reason to stop booting.
 *
 * Pure string work, host-tested (tests/host/test-boot-domains.c).
 */
#include <mica/boot_domains.h>
#include <mica/sched_credit.h>
#include <mica/lib.h>

/* The first blank-separated word of s, compared with w. */
static bool first_word_is(const char *s, const char *w)
{
    size_t n = strlen(w);

    while (isspace((unsigned char)*s))
        s++;
    return !strncmp(s, w, n) && (s[n] == '\0' || isspace((unsigned char)s[n]));
}

enum boot_module_kind boot_module_kind(const char *line)
{
    if (!line)
        return BOOT_MODULE_OTHER;
    if (first_word_is(line, "domain"))
        return BOOT_MODULE_DOMAIN;
    if (first_word_is(line, "initrd"))
        return BOOT_MODULE_INITRD;
    return BOOT_MODULE_OTHER;
}

/* The text after a word "--" (outside quotes), blanks skipped; "" if none. */
static const char *guest_part(const char *s)
{
    bool quoted = false;

    for (const char *p = s; *p; ) {
        while (!quoted && isspace((unsigned char)*p))
            p++;
        const char *w = p;
        for (; *p && (quoted || !isspace((unsigned char)*p)); p++)
            if (*p == '"')
                quoted = !quoted;
        if (p - w == 2 && w[0] == '-' && w[1] == '-' && !quoted) {
            while (isspace((unsigned char)*p))
                p++;
            return p;
        }
    }
    return "";
}

static bool name_ok(const char *n)
{
    if (!*n)
        return false;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '-' && *n != '_' && *n != '.')
            return false;
    return true;
}

int parse_domain_line(const char *line, struct domu_spec *spec, param_report_fn report)
{
    char name[64] = "";
    uint64_t mem = DOMU_DEFAULT_MEM;
    unsigned int weight = CSCHED_DEFAULT_WEIGHT, vcpus = 1;
    const struct param tbl[] = {
        OPT_STRING("name", name),
        OPT_SIZE("mem", mem),
        OPT_UINT("weight", weight),
        OPT_UINT("vcpus", vcpus),
    };
    int problems = 0;

    while (isspace((unsigned char)*line))
        line++;
    if (first_word_is(line, "domain"))
        line += strlen("domain");
    problems += parse_params(line, tbl, ARRAY_SIZE(tbl), report);

    memset(spec, 0, sizeof(*spec));
    if (name[0] && (strlen(name) > DOMU_NAME_MAX || !name_ok(name))) {
        if (report)
            report("bad value for", "name");
        problems++;
        name[0] = '\0';
    }
    strlcpy(spec->name, name, sizeof(spec->name));
    if (mem < DOMU_MIN_MEM) {
        if (report)
            report("bad value for", "mem");
        problems++;
        mem = DOMU_DEFAULT_MEM;
    }
    spec->mem = mem;
    if (weight < 1 || weight > CSCHED_MAX_WEIGHT) {
        if (report)
            report("bad value for", "weight");
        problems++;
        weight = CSCHED_DEFAULT_WEIGHT;
    }
    spec->weight = weight;
    if (vcpus < 1 || vcpus > DOMU_MAX_VCPUS) {
        if (report)
            report("bad value for", "vcpus");
        problems++;
        vcpus = 1;
    }
    spec->vcpus = vcpus;
    spec->cmdline = guest_part(line);
    return problems;
}
