/*
 * Powering off, restarting and halting the machine.
 *
 * Under test, the "debug_exit" option makes every final action write an
 * exit code to QEMU's isa-debug-exit port (0xf4 unless debug_exit_port=
 * says otherwise), so the harness can tell a clean power-off from a crash.
 * It is off by default: on a real PC, writing to an arbitrary I/O port is
 * not something a hypervisor should ever do.
 *
 * Without it: power-off uses ACPI S5 (PM1 control blocks and the _S5_
 * sleep type found in the FADT/DSDT -- a byte-pattern search, not an AML
 * interpreter, which is what every small kernel does and is enough for
 * the S5 package); restart uses the ACPI reset register, then the PCI
 * reset port 0xcf9, then the keyboard controller, then a triple fault.
 * Halt prints where we are and stops the CPU for good.
 */
#include <mica/types.h>
#include <mica/boot.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <asm/x86.h>
#include <asm/page.h>
#include <asm/multiboot.h>
#include <asm/acpi.h>

static int parse_s5_value(const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return -1;
    int v;
    if (*p == 0x0a && p + 1 < end) {       /* BytePrefix */
        v = p[1];
        p += 2;
    } else if (*p == 0x00 || *p == 0x01) { /* ZeroOp / OneOp */
        v = *p;
        p += 1;
    } else {
        return -1;
    }
    *pp = p;
    return v;
}

static void acpi_power_off(void)
{
    const struct acpi_hdr *fadt = acpi_find_table("FACP");
    if (!fadt || fadt->len < 116)
        return;
    const uint8_t *f = (const uint8_t *)fadt;
    uint32_t smi_cmd, pm1a, pm1b, dsdt_pa;
    memcpy(&dsdt_pa, f + 40, 4);
    memcpy(&smi_cmd, f + 48, 4);
    memcpy(&pm1a, f + 64, 4);
    memcpy(&pm1b, f + 68, 4);
    uint8_t acpi_enable = f[52];

    const struct acpi_hdr *dsdt = acpi_map_table(dsdt_pa);
    if (!dsdt || pm1a == 0 || pm1a > 0xffff)
        return;
    const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->len;
    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += ((*q & 0xc0) >> 6) + 1;         /* PkgLength */
        if (q >= end)
            return;
        q++;                                 /* NumElements */
        int a = parse_s5_value(&q, end), b = parse_s5_value(&q, end);
        if (a < 0)
            return;
        if (b < 0)
            b = 0;
        if (smi_cmd && acpi_enable && !(inw((uint16_t)pm1a) & 1)) {
            outb((uint16_t)smi_cmd, acpi_enable);
            for (int i = 0; i < 1000000 && !(inw((uint16_t)pm1a) & 1); i++)
                cpu_relax();
        }
        outw((uint16_t)pm1a, (uint16_t)((a << 10) | (1 << 13)));
        if (pm1b && pm1b <= 0xffff)
            outw((uint16_t)pm1b, (uint16_t)((b << 10) | (1 << 13)));
        for (int i = 0; i < 10000000; i++)
            cpu_relax();
        return;
    }
}

static void debug_exit(unsigned int code)
{
    if (opt_debug_exit)
        outb((uint16_t)opt_debug_exit_port, (uint8_t)code);
}

void machine_halt(unsigned int code)
{
    debug_exit(code);
    pr_info("system halted\n");
    for (;;) {
        cli();
        halt();
    }
}

void machine_power_off(unsigned int code)
{
    debug_exit(code);
    acpi_power_off();
    pr_warn("ACPI power-off did not work\n");
    machine_halt(code);
}

void machine_restart(unsigned int code)
{
    debug_exit(code);
    const struct acpi_hdr *fadt = acpi_find_table("FACP");
    if (fadt && fadt->len >= 129) {
        const uint8_t *f = (const uint8_t *)fadt;
        uint32_t flags;
        memcpy(&flags, f + 112, 4);
        /* RESET_REG (generic address, I/O space) if RESET_REG_SUP. */
        if ((flags & (1u << 10)) && f[116] == 1) {
            uint64_t addr;
            memcpy(&addr, f + 120, 8);
            if (addr <= 0xffff)
                outb((uint16_t)addr, f[128]);
        }
    }
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
        cpu_relax();
    outb(0x64, 0xfe);
    for (int i = 0; i < 10000000; i++)
        cpu_relax();
    /* Triple fault: load an empty IDT and trap. */
    struct __packed { uint16_t l; uint64_t b; } null_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" :: "m"(null_idt));
    machine_halt(code);
}
