/*
 * test-boot-domains: the "domain ..." module command line
 * (hypervisor/common/boot_domains.c): recognising domain and initrd
 * modules, options with their defaults, every bad value reported and
 * replaced by its default, and the guest's own command line after "--".
 */
#include "htest.h"
#include <mica/boot_domains.h>
#include <mica/sched_credit.h>

static int nreports;
static char last_what[64], last_word[64];

static void report(const char *what, const char *word)
{
    nreports++;
    snprintf(last_what, sizeof(last_what), "%s", what);
    snprintf(last_word, sizeof(last_word), "%s", word);
}

HTEST(module_kinds)
{
    CHECK_EQ(boot_module_kind("domain name=a"), BOOT_MODULE_DOMAIN);
    CHECK_EQ(boot_module_kind("  domain"), BOOT_MODULE_DOMAIN);
    CHECK_EQ(boot_module_kind("initrd"), BOOT_MODULE_INITRD);
    CHECK_EQ(boot_module_kind("domains"), BOOT_MODULE_OTHER);
    CHECK_EQ(boot_module_kind("root=/dev/sda domain"), BOOT_MODULE_OTHER);
    CHECK_EQ(boot_module_kind(""), BOOT_MODULE_OTHER);
    CHECK_EQ(boot_module_kind(NULL), BOOT_MODULE_OTHER);
}

HTEST(defaults)
{
    struct domu_spec s;
    nreports = 0;
    CHECK_EQ(parse_domain_line("domain", &s, report), 0);
    CHECK_STREQ(s.name, "");
    CHECK_EQ(s.mem, DOMU_DEFAULT_MEM);
    CHECK_EQ(s.weight, CSCHED_DEFAULT_WEIGHT);
    CHECK_EQ(s.vcpus, 1);
    CHECK_STREQ(s.cmdline, "");
    CHECK_EQ(nreports, 0);
}

HTEST(all_options_and_guest_line)
{
    struct domu_spec s;
    nreports = 0;
    CHECK_EQ(parse_domain_line("domain name=ping mem=24M weight=512 vcpus=4 -- role=ping  n=10",
                               &s, report), 0);
    CHECK_EQ(s.vcpus, 4);
    CHECK_STREQ(s.name, "ping");
    CHECK_EQ(s.mem, 24ULL << 20);
    CHECK_EQ(s.weight, 512);
    CHECK_STREQ(s.cmdline, "role=ping  n=10");
    CHECK_EQ(parse_domain_line("domain mem=8192 --", &s, report), 0);
    CHECK_EQ(s.mem, 8ULL << 20);                       /* bare number: KiB */
    CHECK_STREQ(s.cmdline, "");
}

HTEST(dashes_inside_quotes_are_not_the_separator)
{
    struct domu_spec s;
    CHECK_EQ(parse_domain_line("domain name=\"a\" -- x=\"-- y\" -- z", &s, report), 0);
    CHECK_STREQ(s.name, "a");
    CHECK_STREQ(s.cmdline, "x=\"-- y\" -- z");
    CHECK_EQ(parse_domain_line("domain weight=3 x=\"a -- b\"", &s, report), 1);  /* x unknown */
    CHECK_STREQ(s.cmdline, "");
}

HTEST(bad_values_are_reported_and_defaulted)
{
    struct domu_spec s;
    nreports = 0;
    CHECK_EQ(parse_domain_line("domain name=bad/name", &s, report), 1);
    CHECK_STREQ(s.name, "");
    CHECK_STREQ(last_word, "name");
    CHECK_EQ(parse_domain_line("domain name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &s, report), 1);
    CHECK_STREQ(s.name, "");
    CHECK_EQ(parse_domain_line("domain mem=1M", &s, report), 1);
    CHECK_EQ(s.mem, DOMU_DEFAULT_MEM);
    CHECK_EQ(parse_domain_line("domain mem=lots", &s, report), 1);
    CHECK_EQ(s.mem, DOMU_DEFAULT_MEM);
    CHECK_EQ(parse_domain_line("domain weight=0", &s, report), 1);
    CHECK_EQ(s.weight, CSCHED_DEFAULT_WEIGHT);
    CHECK_EQ(parse_domain_line("domain weight=65536", &s, report), 1);
    CHECK_EQ(s.weight, CSCHED_DEFAULT_WEIGHT);
    CHECK_EQ(parse_domain_line("domain weight=99999999999999999999", &s, report), 1);
    CHECK_EQ(parse_domain_line("domain vcpus=0", &s, report), 1);
    CHECK_EQ(s.vcpus, 1);
    CHECK_STREQ(last_word, "vcpus");
    CHECK_EQ(parse_domain_line("domain vcpus=65", &s, report), 1);
    CHECK_EQ(s.vcpus, 1);
    CHECK_EQ(parse_domain_line("domain vcpus=64", &s, report), 0);
    CHECK_EQ(s.vcpus, 64);
    CHECK_EQ(parse_domain_line("domain frobnicate=1 name=ok -- g", &s, report), 1);
    CHECK_STREQ(last_what, "unknown option");
    CHECK_STREQ(s.name, "ok");
    CHECK_STREQ(s.cmdline, "g");
    CHECK_EQ(parse_domain_line("domain name=\"unterminated -- x", &s, NULL), 1);
}
