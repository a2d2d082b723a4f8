/*
 * test-xl-cfg: xl.cfg files, from text to a checked domain configuration
 * (dom0-tools/tools/xl/cfg.c, domcfg.c, devspec.c).
 *
 * The grammar (strings and their escapes, numbers, nested lists over
 * several lines, ';', comments, +=, the last assignment winning), every
 * error the parser can report with its file:line, the meaning of each key
 * (defaults, limits, cmdline from root/extra, actions, one vCPU only),
 * unknown keys as warnings, files that must exist, command-line overrides,
 * the disk and vif specification languages, and fuzzed input: random
 * bytes and random mutations of a valid file never crash the parser (ASan,
 * UBSan) and either parse or report an error naming a line.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include "../../dom0-tools/tools/xl/cfg.h"
#include "../../dom0-tools/tools/xl/domcfg.h"
#include "../../dom0-tools/tools/xl/devspec.h"
#include "../../dom0-tools/os/fake/fake_os.h"

static char errbuf[4096];

/* Run domcfg_parse with stderr captured into errbuf. */
static int parse_cfg(const char *text, char *const *over, int nover, struct domain_config *dc)
{
    FILE *saved = stderr;
    FILE *mem = fmemopen(errbuf, sizeof(errbuf) - 1, "w");
    int rc;

    memset(errbuf, 0, sizeof(errbuf));
    stderr = mem;
    rc = domcfg_parse("t.cfg", text, strlen(text), over, nover, dc);
    fclose(mem);
    stderr = saved;
    return rc;
}

static void files(void)
{
    fake_os_reset();
    fake_file_add_text("/boot/k.elf", "\177ELF kernel");
    fake_file_add_text("/boot/initrd.img", "ramdisk");
    fake_file_add_text("/images/disk.img", "disk");
    fake_file_add_text("/images/cd.iso", "iso");
}

/* ---- the grammar ---- */

static struct cfg c;

static int parse(const char *text, char *err, size_t n)
{
    cfg_free(&c);
    return cfg_parse(&c, "g.cfg", text, strlen(text), err, n);
}

static const char *str(const char *key)
{
    struct cfg_entry *e = cfg_get(&c, key);
    return e && e->value->type != CFG_LIST ? e->value->text : NULL;
}

HTEST(grammar_values_strings_numbers_lists)
{
    char err[256];

    CHECK_EQ(parse("# comment\nname = \"a b\" ; memory=128\n"
                   "kernel='/k' # trailing comment\n"
                   "disk = [ 'x',\n   \"y\" ,\n ]\n"
                   "empty = []\nnested = [ [ '1', 2 ], [] ]\n"
                   "hex = 0x1F\noct = 010\n", err, sizeof(err)), 0);
    CHECK_STREQ(str("name"), "a b");
    CHECK_STREQ(str("memory"), "128");
    CHECK_STREQ(str("kernel"), "/k");
    struct cfg_entry *d = cfg_get(&c, "disk");
    CHECK_EQ(d->value->type, CFG_LIST);
    CHECK_EQ(d->value->n, 2);
    CHECK_STREQ(d->value->items[1]->text, "y");
    CHECK_EQ(d->line, 4);
    CHECK_EQ(cfg_get(&c, "empty")->value->n, 0);
    CHECK_EQ(cfg_get(&c, "nested")->value->items[0]->n, 2);
    long long v;
    CHECK_EQ(cfg_number(cfg_get(&c, "hex")->value, &v), 0);
    CHECK_EQ(v, 31);
    CHECK_EQ(cfg_number(cfg_get(&c, "oct")->value, &v), 0);
    CHECK_EQ(v, 8);
    CHECK_EQ(parse("last = 1", err, sizeof(err)), 0);       /* no final newline */
    CHECK_STREQ(str("last"), "1");
    CHECK_EQ(parse("", err, sizeof(err)), 0);
    CHECK_EQ(parse("\n\n;;\n", err, sizeof(err)), 0);
}

HTEST(grammar_escapes_including_decimal_quirk)
{
    char err[256];

    CHECK_EQ(parse("s = 'a\\tb\\n\\\\\\'\\\"\\x41\\101\\a\\b\\f\\r\\v'\n", err, sizeof(err)), 0);
    CHECK_STREQ(str("s"), "a\tb\n\\'\"Ae\a\b\f\r\v");      /* \101 is decimal 101: 'e' */
    CHECK_EQ(parse("s = 'a\\q'\n", err, sizeof(err)), -1);
    CHECK(strstr(err, "g.cfg:1: invalid escape '\\q'") != NULL);
    CHECK_EQ(parse("s = '\\x4'\n", err, sizeof(err)), -1);
    CHECK(strstr(err, "exactly two hex digits") != NULL);
    CHECK_EQ(parse("s = '\\300'\n", err, sizeof(err)), -1);
    CHECK(strstr(err, "not a byte") != NULL);
    CHECK_EQ(parse("s = '\\0'\n", err, sizeof(err)), -1);
    CHECK(strstr(err, "NUL") != NULL);
}

HTEST(last_assignment_wins_and_plus_equals_appends)
{
    char err[256];

    CHECK_EQ(parse("memory = 1\nmemory = 2\n", err, sizeof(err)), 0);
    CHECK_STREQ(str("memory"), "2");
    CHECK_EQ(parse("disk = ['a']\ndisk += ['b', 'c']\ndisk += 'd'\n", err, sizeof(err)), 0);
    struct cfg_value *v = cfg_get(&c, "disk")->value;
    CHECK_EQ(v->n, 4);
    CHECK_STREQ(v->items[3]->text, "d");
    CHECK_EQ(parse("new += ['x']\n", err, sizeof(err)), 0);
    CHECK_EQ(cfg_get(&c, "new")->value->n, 1);
    CHECK_EQ(parse("s = 'x'\ns += 'y'\n", err, sizeof(err)), -1);
    CHECK(strstr(err, "g.cfg:2: 's +=' needs a list") != NULL);
}

static void bad(const char *text, const char *want)
{
    char err[256];

    if (!CHECK_EQ(parse(text, err, sizeof(err)), -1) || !CHECK(strstr(err, want) != NULL))
        printf("    text '%s': got '%s', wanted '%s'\n", text, err, want);
    CHECK(c.head == NULL);                      /* nothing half-parsed */
}

HTEST(grammar_errors_name_file_and_line)
{
    bad("name = 'a'\nmemory = \n", "g.cfg:2: missing value after 'memory ='");
    bad("\n\nname = 'unterminated\n", "g.cfg:3: unterminated string");
    bad("on_crash = destroy\n", "g.cfg:1: value of 'on_crash' must be a quoted string, a number "
        "or a list: write \"destroy\"");
    bad("name 'x'\n", "g.cfg:1: expected '=' after 'name'");
    bad("Name = 'x'\n", "g.cfg:1: invalid setting name 'Name'");
    bad("name = 'x' 'y'\n", "g.cfg:1: expected a newline or ';' after the value of 'name'");
    bad("disk = [ 'a' 'b' ]\n", "g.cfg:1: expected ',' or ']' in the list of 'disk'");
    bad("disk = [ 'a',\n'b'\n", "g.cfg:1: list of 'disk' is not closed with ']'");
    bad("kernel = \"/boot/vmlinuz\" + \"x\"\n", "old Python syntax of xm");
    bad("memory = (128)\n", "old Python syntax of xm");
    bad("name = 'x'\n@\n", "g.cfg:2: syntax error at '@'");
    bad("name = 'x'\n\x01\n", "g.cfg:2: syntax error at byte 0x01");
    bad("= 3\n", "g.cfg:1: expected a setting name");
    bad("x = [[[[[[[[[[1]]]]]]]]]]\n", "nested too deeply");
    bad("x = ]\n", "unexpected ']'");
}

/* ---- meaning ---- */

HTEST(a_minimal_config_gets_xl_defaults)
{
    struct domain_config dc;

    files();
    CHECK_EQ(parse_cfg("name = 'vm1'\nkernel = '/boot/k.elf'\n", NULL, 0, &dc), 0);
    CHECK_STREQ(dc.name, "vm1");
    CHECK_EQ(dc.memory_mib, 32);
    CHECK_EQ(dc.maxmem_mib, 32);
    CHECK_EQ(dc.vcpus, 1);
    CHECK_EQ(dc.max_vcpus, 1);
    CHECK_EQ(dc.on_poweroff, ACTION_DESTROY);
    CHECK_EQ(dc.on_reboot, ACTION_RESTART);
    CHECK_EQ(dc.on_crash, ACTION_DESTROY);
    CHECK_EQ(dc.on_watchdog, ACTION_DESTROY);
    CHECK_STREQ(dc.cmdline, "");
    CHECK(dc.ramdisk == NULL);
    CHECK_EQ(dc.ndisks, 0);
    CHECK_STREQ(errbuf, "");
    domcfg_free(&dc);
}

HTEST(every_key_is_understood)
{
    struct domain_config dc;

    files();
    CHECK_EQ(parse_cfg("name='full'\nmemory=64\nmaxmem=128\nvcpus=2\nmaxvcpus=4\n"
                       "kernel='/boot/k.elf'\nramdisk='/boot/initrd.img'\n"
                       "root='/dev/xvda1 ro'\nextra='console=hvc0 quiet'\n"
                       "on_poweroff='preserve'\non_reboot='rename-restart'\n"
                       "on_crash='restart'\non_watchdog='preserve'\ncpu_weight=512\ncap=50\n"
                       "type='pv'\nbuilder='linux'\n"
                       "disk=['/images/disk.img,raw,xvda,rw', 'format=raw, vdev=hdc, "
                       "access=ro, devtype=cdrom, target=/images/cd.iso']\n"
                       "vif=['mac=00:16:3e:01:02:03,bridge=xenbr0', '']\n", NULL, 0, &dc), 0);
    CHECK_STREQ(errbuf, "");
    CHECK_EQ(dc.memory_mib, 64);
    CHECK_EQ(dc.maxmem_mib, 128);
    CHECK_EQ(dc.vcpus, 2);
    CHECK_EQ(dc.max_vcpus, 4);
    CHECK_STREQ(dc.ramdisk, "/boot/initrd.img");
    CHECK_STREQ(dc.cmdline, "root=/dev/xvda1 ro console=hvc0 quiet");
    CHECK_EQ(dc.on_poweroff, ACTION_PRESERVE);
    CHECK_EQ(dc.on_reboot, ACTION_RENAME_RESTART);
    CHECK_EQ(dc.on_crash, ACTION_RESTART);
    CHECK_EQ(dc.weight, 512);
    CHECK_EQ(dc.cap, 50);
    CHECK_EQ(dc.ndisks, 2);
    CHECK_EQ(dc.disks[0].devid, 51712);
    CHECK(dc.disks[1].cdrom && dc.disks[1].readonly);
    CHECK_EQ(dc.nvifs, 2);
    CHECK(dc.vifs[0].mac_given && dc.vifs[0].mac[5] == 3);
    struct domain_config copy;
    CHECK_EQ(domcfg_copy(&copy, &dc), 0);
    CHECK_STREQ(copy.disks[1].target, "/images/cd.iso");
    CHECK_STREQ(copy.vifs[0].bridge, "xenbr0");
    domcfg_free(&copy);
    domcfg_free(&dc);
}

HTEST(cmdline_wins_over_root_and_extra_with_a_warning)
{
    struct domain_config dc;

    files();
    CHECK_EQ(parse_cfg("name='c'\nkernel='/boot/k.elf'\nroot='/dev/a'\ncmdline='full line'\n",
                       NULL, 0, &dc), 0);
    CHECK_STREQ(dc.cmdline, "full line");
    CHECK(strstr(errbuf, "t.cfg:4: warning: 'cmdline' is given, so 'root' and 'extra' are "
                 "ignored") != NULL);
    domcfg_free(&dc);
    CHECK_EQ(parse_cfg("name='c'\nkernel='/boot/k.elf'\nextra='only extra'\n", NULL, 0, &dc), 0);
    CHECK_STREQ(dc.cmdline, "only extra");
    domcfg_free(&dc);
}

HTEST(unknown_keys_warn_and_nothing_else_changes)
{
    struct domain_config dc;

    files();
    CHECK_EQ(parse_cfg("name='w'\nkernel='/boot/k.elf'\nfrobnicate = 1\nlocaltime=0\n",
                       NULL, 0, &dc), 0);
    CHECK(strstr(errbuf, "t.cfg:3: warning: unknown setting 'frobnicate' ignored") != NULL);
    CHECK(strstr(errbuf, "t.cfg:4: warning: unknown setting 'localtime' ignored") != NULL);
    domcfg_free(&dc);
}

/* Each bad configuration: -1, the message (with file:line), no config. */
static void refused(const char *text, const char *want)
{
    struct domain_config dc;

    files();
    int rc = parse_cfg(text, NULL, 0, &dc);
    if (!CHECK_EQ(rc, -1) || !CHECK(strstr(errbuf, want) != NULL))
        printf("    config:\n%s    stderr:\n%s    wanted: %s\n", text, errbuf, want);
    CHECK(strstr(errbuf, "nothing was created") || strstr(errbuf, "t.cfg:"));
    CHECK(dc.name == NULL && dc.kernel == NULL);
    if (!rc)
        domcfg_free(&dc);
}

#define K "kernel='/boot/k.elf'\n"
HTEST(every_configuration_error_is_reported_with_its_line)
{
    refused(K, "t.cfg:1: error: no 'name'");
    refused("name='n'\n", "t.cfg:1: error: no 'kernel'");
    refused("name='n'\nkernel='/boot/missing'\n",
            "t.cfg:2: error: kernel '/boot/missing': No such file or directory");
    refused("name='n'\nkernel='/boot'\n", "t.cfg:2: error: kernel '/boot' is a directory");
    refused("name='n'\n" K "ramdisk='/nope'\n", "t.cfg:3: error: ramdisk '/nope': No such file");
    refused("name='12'\n" K, "t.cfg:1: error: name \"12\" may not be all digits");
    refused("name='a b'\n" K, "may not contain blanks");
    refused("name='Domain-0'\n" K, "is the name of domain 0");
    refused("name=''\n" K, "must be 1 to 63 characters");
    refused("name=['x']\n" K, "'name' must be a single value, not a list");
    refused("name='n'\n" K "memory='lots'\n", "t.cfg:3: error: 'memory' = \"lots\" is not a valid number");
    refused("name='n'\n" K "memory=0\n", "'memory' = 0 is out of range");
    refused("name='n'\n" K "memory=9999999\n", "out of range");
    refused("name='n'\n" K "memory=64\nmaxmem=32\n", "t.cfg:4: error: maxmem = 32 is less than memory = 64");
    refused("name='n'\n" K "vcpus=33\n", "t.cfg:3: error: 'vcpus' = 33 is out of range (1 to 32)");
    refused("name='n'\n" K "vcpus=0\n", "'vcpus' = 0 is out of range (1 to 32)");
    refused("name='n'\n" K "maxvcpus=40\n", "'maxvcpus' = 40 is out of range (1 to 32)");
    refused("name='n'\n" K "vcpus=4\nmaxvcpus=2\n", "t.cfg:4: error: maxvcpus = 2 is less than vcpus = 4");
    refused("name='n'\n" K "builder='hvm'\n", "builder = \"hvm\": Mica hosts PV guests only");
    refused("name='n'\n" K "type='pvh'\n", "type = \"pvh\": Mica hosts PV guests only");
    refused("name='n'\n" K "bootloader='pygrub'\n", "a bootloader is not supported");
    refused("name='n'\n" K "on_crash='explode'\n", "on_crash = \"explode\" is not an action");
    refused("name='n'\n" K "on_crash='coredump-destroy'\n", "is not supported by Mica");
    refused("name='n'\n" K "cpu_weight=0\n", "'cpu_weight' = 0 is out of range (1 to 65535)");
    refused("name='n'\n" K "cap=101\n", "'cap' = 101 is out of range");
    refused("name='n'\n" K "disk='x'\n", "'disk' must be a list");
    refused("name='n'\n" K "disk=['/images/disk.img,raw,xvda', '/images/disk.img,,xvda']\n",
            "vdev xvda is used twice");
    refused("name='n'\n" K "disk=['/images/none.img,,xvda']\n",
            "t.cfg:3: error: disk image '/images/none.img': No such file");
    refused("name='n'\n" K "disk=[\n'/images/disk.img,raw,xvda',\n'bogus'\n]\n",
            "t.cfg:5: error: disk 'bogus'");
    refused("name='n'\n" K "vif=['mac=zz']\n", "bad MAC address 'zz'");
    refused("name='n'\n" K "vif=['mac=00:16:3e:00:00:01','mac=00:16:3e:00:00:01']\n",
            "MAC address used twice");
    refused("name='n'\n" K "vif='bridge=x'\n", "'vif' must be a list");
}

HTEST(all_errors_are_reported_not_just_the_first)
{
    struct domain_config dc;

    files();
    CHECK_EQ(parse_cfg("name='12'\nkernel='/x'\nmemory=0\nvcpus=99\n", NULL, 0, &dc), -1);
    CHECK(strstr(errbuf, "t.cfg:1:") && strstr(errbuf, "t.cfg:2:") &&
          strstr(errbuf, "t.cfg:3:") && strstr(errbuf, "t.cfg:4:"));
    CHECK(strstr(errbuf, "t.cfg: 4 errors: nothing was created") != NULL);
}

HTEST(a_command_line_too_long_is_refused)
{
    struct domain_config dc;
    static char text[2048];

    files();
    snprintf(text, sizeof(text), "name='n'\n" K "extra='%0*d'\n", 1100, 0);
    CHECK_EQ(parse_cfg(text, NULL, 0, &dc), -1);
    CHECK(strstr(errbuf, "t.cfg:3: error: the guest's command line is 1100 characters long") != NULL);
}

HTEST(command_line_overrides_win_and_take_bare_words)
{
    struct domain_config dc;
    char *over[] = { "memory=64", "name=other", "extra=\"a b\"", "on_crash=preserve" };

    files();
    CHECK_EQ(parse_cfg("name='n'\n" K "memory=32\n", over, 4, &dc), 0);
    CHECK_STREQ(dc.name, "other");
    CHECK_EQ(dc.memory_mib, 64);
    CHECK_STREQ(dc.cmdline, "a b");
    CHECK_EQ(dc.on_crash, ACTION_PRESERVE);
    domcfg_free(&dc);

    char *bad1[] = { "memory=64M" };
    CHECK_EQ(parse_cfg("name='n'\n" K, bad1, 1, &dc), -1);
    CHECK(strstr(errbuf, "command line:1: error: 'memory' = \"64M\" is not a valid number") != NULL);
    char *bad2[] = { "novalue" };
    CHECK_EQ(parse_cfg("name='n'\n" K, bad2, 1, &dc), -1);
    CHECK(strstr(errbuf, "'novalue' is not key=value") != NULL);
}

/* ---- device specifications ---- */

static void disk_ok(const char *spec, const char *target, const char *format, const char *vdev,
                    long devid, bool ro, bool cdrom)
{
    struct disk_spec d;
    char err[160];

    if (!CHECK_EQ(disk_spec_parse(spec, &d, err, sizeof(err)), 0)) {
        printf("    '%s': %s\n", spec, err);
        return;
    }
    if (target)
        CHECK_STREQ(d.target, target);
    else
        CHECK(d.target == NULL);
    CHECK_STREQ(d.format, format);
    CHECK_STREQ(d.vdev, vdev);
    CHECK_EQ(d.devid, devid);
    if (!CHECK_EQ(d.readonly, ro) || !CHECK_EQ(d.cdrom, cdrom))
        printf("    '%s'\n", spec);
    disk_spec_free(&d);
}

HTEST(disk_specs_in_every_documented_form)
{
    /* The man page's equivalent forms. */
    disk_ok("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "raw", "hda", 768, false, false);
    disk_ok("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "raw", "hda", 768, false, false);
    disk_ok("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
            "/dev/vg/guest-volume", "raw", "hda", 768, false, false);
    disk_ok("raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "raw", "hda", 768, false, false);
    disk_ok("/root/image.iso,,hdc,cdrom", "/root/image.iso", "raw", "hdc", 22 << 8, true, true);
    disk_ok("/root/image.iso,,hdc,,cdrom", "/root/image.iso", "raw", "hdc", 22 << 8, true, true);
    disk_ok("/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", "raw", "hdc", 22 << 8, true, true);
    disk_ok("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
            "/root/image.iso", "raw", "hdc", 22 << 8, true, true);
    disk_ok("raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "raw", "hdc", 22 << 8, true, true);
    /* Deprecated prefixes, target= with commas, an empty cdrom. */
    disk_ok("phy:/dev/sda1,xvda1,w", "/dev/sda1", "raw", "xvda1", 51713, false, false);
    disk_ok("file:/img,sdb,r", "/img", "raw", "sdb", (8 << 8) | 16, true, false);
    disk_ok("qcow2:/q.img,xvdb", "/q.img", "qcow2", "xvdb", 51728, false, false);
    disk_ok("/dev/sda,xvda,w", "/dev/sda", "raw", "xvda", 51712, false, false);
    disk_ok(",hdc:cdrom,r", NULL, "raw", "hdc", 22 << 8, true, true);
    disk_ok("vdev=xvdc, target=/a,b,c", "/a,b,c", "raw", "xvdc", 51744, false, false);
    disk_ok("  /x,  qcow,  xvdd", "/x", "qcow", "xvdd", 51760, false, false);
}

static void disk_bad(const char *spec, const char *want)
{
    struct disk_spec d;
    char err[160];

    if (!CHECK_EQ(disk_spec_parse(spec, &d, err, sizeof(err)), -1) ||
        !CHECK(strstr(err, want) != NULL))
        printf("    '%s': got '%s', wanted '%s'\n", spec, err, want);
}

HTEST(disk_spec_errors)
{
    disk_bad("/x", "no vdev");
    disk_bad("/x,raw,zzz", "'zzz' is not a virtual device name");
    disk_bad("/x,vmdk,xvda", "unknown disk format 'vmdk'");
    disk_bad("/x,raw,xvda,rwx", "unknown access 'rwx'");
    disk_bad("/x,raw,xvda,rw,extra", "too many positional parameters");
    disk_bad("vdev=xvda,vdev=xvdb,target=/x", "'vdev' given twice");
    disk_bad("/x,raw,xvda,bogus=1", "unknown disk parameter 'bogus'");
    disk_bad(",,xvda", "no target");
    disk_bad("/x,,hdc,rw,devtype=cdrom", "a cdrom cannot be writable");
    disk_bad("/x,,xvda,devtype=tape", "unknown devtype 'tape'");
    disk_bad("/x,,xvda,backendtype=nbd", "unknown backendtype 'nbd'");
}

HTEST(vdev_numbers_follow_the_vbd_interface)
{
    CHECK_EQ(vdev_to_devid("xvda"), 51712);
    CHECK_EQ(vdev_to_devid("xvdb3"), 51712 + 16 + 3);
    CHECK_EQ(vdev_to_devid("xvdp15"), 51712 + 15 * 16 + 15);
    CHECK_EQ(vdev_to_devid("xvdq"), (1 << 28) | (16 << 8));
    CHECK_EQ(vdev_to_devid("xvdaa"), (1 << 28) | (26 << 8));
    CHECK_EQ(vdev_to_devid("xvda16"), (1 << 28) | 16);
    CHECK_EQ(vdev_to_devid("hda"), 768);
    CHECK_EQ(vdev_to_devid("hdb1"), 768 + 64 + 1);
    CHECK_EQ(vdev_to_devid("hdd"), (22 << 8) | 64);
    CHECK_EQ(vdev_to_devid("sda"), 8 << 8);
    CHECK_EQ(vdev_to_devid("sdp15"), (8 << 8) | (15 << 4) | 15);
    CHECK_EQ(vdev_to_devid("d0p1"), 51713);
    CHECK_EQ(vdev_to_devid("d20p2"), (1 << 28) | (20 << 8) | 2);
    CHECK_EQ(vdev_to_devid("51712"), 51712);
    CHECK_EQ(vdev_to_devid("xvd"), -1);
    CHECK_EQ(vdev_to_devid("hde"), -1);
    CHECK_EQ(vdev_to_devid("sdq"), -1);
    CHECK_EQ(vdev_to_devid("sda16"), -1);
    CHECK_EQ(vdev_to_devid("xvda1234"), -1);
    CHECK_EQ(vdev_to_devid("0"), -1);
    CHECK_EQ(vdev_to_devid("d1"), -1);
    CHECK_EQ(vdev_to_devid(""), -1);
}

HTEST(vif_specs)
{
    struct vif_spec v;
    char err[160];

    CHECK_EQ(vif_spec_parse("", &v, err, sizeof(err)), 0);
    CHECK(!v.mac_given);
    vif_spec_free(&v);
    CHECK_EQ(vif_spec_parse("mac=00:16:3e:7a:bc:de, bridge=xenbr1,ip=10.0.0.2,rate=10Mb/s@20ms,"
                            "type=vif,vifname=v1,script=vif-bridge,backend=0,model=e1000",
                            &v, err, sizeof(err)), 0);
    CHECK(v.mac_given && v.mac[3] == 0x7a && v.mac[5] == 0xde);
    CHECK_STREQ(v.bridge, "xenbr1");
    CHECK_STREQ(v.rate, "10Mb/s@20ms");
    vif_spec_free(&v);
    static const char *const bad[][2] = {
        { "mac=00:16:3e:7a:bc", "bad MAC address" },
        { "mac=00:16:3e:7a:bc:de:ff", "bad MAC address" },
        { "mac=01:16:3e:7a:bc:de", "multicast" },
        { "bridge", "'bridge' is not key=value" },
        { "colour=blue", "unknown vif parameter 'colour'" },
        { "type=ioemu", "type=ioemu is for HVM guests" },
        { "type=tap", "unknown vif type 'tap'" },
        { "rate=fast", "bad rate 'fast'" },
        { "rate=10Mb", "bad rate" },
        { "rate=10Mb/s@x", "bad rate" },
        { "bridge=a,bridge=b", "'bridge' given twice" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!CHECK_EQ(vif_spec_parse(bad[i][0], &v, err, sizeof(err)), -1) ||
            !CHECK(strstr(err, bad[i][1]) != NULL))
            printf("    '%s': '%s'\n", bad[i][0], err);
    }
}

/* ---- fuzzing ---- */

static uint32_t rnd(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

HTEST(fuzzed_files_parse_or_fail_with_a_line_number)
{
    static const char good[] =
        "name = \"fuzz\"\nmemory = 64 # mib\nkernel = '/boot/k.elf'\n"
        "extra = 'a\\tb\\x41'\ndisk = [ '/images/disk.img,raw,xvda,rw',\n"
        "  'phy:/images/cd.iso,hdc:cdrom,r', ]\nvif = [ 'mac=00:16:3e:00:00:01' ]\n"
        "on_crash = 'preserve'; vcpus = 1\n";
    static const char alphabet[] = "=[],;'\"\\#\n x0a_+:.\t\x01\xff";
    uint32_t x = 2024;
    char text[sizeof(good) + 64];
    int parsed = 0, refusedn = 0;

    files();
    for (int round = 0; round < 5000; round++) {
        size_t len = sizeof(good) - 1;
        memcpy(text, good, len);
        for (int k = 0; k < 1 + round % 6; k++) {
            size_t at = len ? rnd(&x) % len : 0;
            switch (rnd(&x) % 4) {
            case 0: text[at] = alphabet[rnd(&x) % (sizeof(alphabet) - 1)]; break;
            case 1: text[at] = (char)rnd(&x); break;
            case 2: len = at; break;
            default:
                if (len < sizeof(text) - 1) {
                    memmove(text + at + 1, text + at, len - at);
                    text[at] = alphabet[rnd(&x) % (sizeof(alphabet) - 1)];
                    len++;
                }
            }
        }
        /* An exact-size heap copy without a NUL: overreads are ASan's to see. */
        char *t = malloc(len ? len : 1);
        memcpy(t, text, len);
        struct cfg cc = { 0 };
        char err[256];
        if (cfg_parse(&cc, "f.cfg", t, len, err, sizeof(err)) == 0) {
            parsed++;
        } else {
            refusedn++;
            if (!CHECK(strncmp(err, "f.cfg:", 6) == 0)) {
                printf("    error without a line: '%s'\n", err);
                round = 5000;
            }
        }
        cfg_free(&cc);
        free(t);
    }
    CHECK(parsed > 100 && refusedn > 100);      /* the fuzzer reached both outcomes */
}

HTEST(fuzzed_configs_never_crash_the_checker)
{
    uint32_t x = 77;
    char text[512];

    files();
    for (int round = 0; round < 3000; round++) {
        static const char *const keys[] = { "name", "memory", "maxmem", "vcpus", "kernel",
            "ramdisk", "cmdline", "root", "extra", "on_crash", "disk", "vif", "cap",
            "cpu_weight", "type", "x" };
        static const char *const vals[] = { "'n'", "0", "64", "-1", "'/boot/k.elf'", "[]",
            "['/images/disk.img,,xvda']", "['mac=00:16:3e:00:00:01']", "'restart'", "99999999999",
            "['a', ['b']]", "''", "'12'", "[1,2]", "0x10", "'/boot'" };
        size_t len = 0;
        for (int k = 0; k < 1 + (int)(rnd(&x) % 8); k++)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s = %s\n",
                                    keys[rnd(&x) % 16], vals[rnd(&x) % 16]);
        struct domain_config dc;
        if (parse_cfg(text, NULL, 0, &dc) == 0) {
            CHECK(dc.name && dc.kernel && dc.memory_mib >= 1 && dc.maxmem_mib >= dc.memory_mib);
            domcfg_free(&dc);
        }
    }
}
