/*
 * start_mica: from the boot loader's hand-off to the first guest instruction.
 *
 * Order matters and is the whole point of this file:
 *   1. serial console (so everything after can report), boot information
 *      copied out of loader memory, command line parsed;
 *   2. memory: the frame table is placed in free RAM, every usable frame
 *      below 4 GiB is given to the page allocator (except the image, the
 *      boot modules and the frame table), the hypervisor's own page tables
 *      are built, then RAM above 4 GiB is added;
 *   3. CPU: GDT/TSS/IDT, control registers, legacy PIC masked;
 *   4. time: local APIC found, TSC (and APIC timer) calibrated against the
 *      PIT, wall clock read; the scheduler's run queue and idle context;
 *   5. the M2P, then the initial domain from the first boot module (its
 *      initrd is the second, unless that one describes a domain), then the
 *      unprivileged domains of the other modules (boot_domains.c); boot
 *      modules are freed;
 *   6. the scheduler runs the first vCPU -- start_mica never returns.
 */
#include <mica/fail_inject.h>
#include <mica/types.h>
#include <mica/mm.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/cmdline.h>
#include <mica/pci.h>
#include <mica/iomem.h>
#include <mica/boot.h>
#include <mica/domain.h>
#include <public/mica.h>
#include <asm/x86.h>
#include <asm/page.h>
#include <asm/mm_arch.h>
#include <asm/paging.h>
#include <asm/desc.h>
#include <asm/multiboot.h>
#include <asm/m2p.h>
#include <asm/vcpu.h>
#include <mica/grant_table.h>
#include <asm/domain_build.h>
#include <asm/bench.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <mica/irq.h>
#include <asm/pv.h>
#include <asm/cpu_protect.h>
#include <mica/time.h>
#include <mica/sched.h>
#include <mica/boot_domains.h>
#include <mica/console.h>
#include <mica/keyhandler.h>

void serial_init(uint16_t base, uint32_t baud);
void start_mica(uint32_t magic, uint32_t info);

struct page_info *frame_table;
unsigned long max_mfn;
char hv_cmdline[HV_CMDLINE_MAX];
bool opt_debug_exit;
unsigned int opt_debug_exit_port = 0xf4;
uint64_t opt_dom0_mem;
static unsigned int opt_dom0_max_vcpus = 1;

static char opt_console[16] = "com1";
static unsigned int opt_com1_baud = 115200;

static int parse_com1(const char *v)
{
    /* "<baud>[,8n1]": only the rate is configurable; the line is 8n1. */
    unsigned long long baud = simple_strtoull(v, &v, 10);
    if (baud < 50 || baud > 115200 || (*v && strcmp(v, ",8n1") != 0))
        return -1;
    opt_com1_baud = (unsigned int)baud;
    return 0;
}

/* fail_alloc=N[,every]: armed once the boot domains are built (fail_inject.c);
 * fail_alloc=ctl: not armed, but the control domain may arm it by sysctl */
static unsigned long opt_fail_nth, opt_fail_every;
static int parse_fail_alloc(const char *v)
{
    unsigned long n = 0, e = 0;

    if (!strcmp(v, "ctl")) {
        alloc_fail_allow_control();
        return 0;
    }
    if (!isdigit(v[0]))
        return -1;
    while (isdigit(*v))
        n = n * 10 + (unsigned long)(*v++ - '0');
    if (*v == ',') {
        if (!isdigit(*++v))
            return -1;
        while (isdigit(*v))
            e = e * 10 + (unsigned long)(*v++ - '0');
    }
    if (*v || !n)
        return -1;
    opt_fail_nth = n;
    opt_fail_every = e;
    return 0;
}

static int parse_loglvl(const char *v)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(v, names[i]) || (strlen(v) >= 3 && !strncmp(v, names[i], strlen(v)))) {
            console_loglevel = (int)i;
            return 0;
        }
    if (!strcmp(v, "all")) {
        console_loglevel = LOG_DEBUG;
        return 0;
    }
    if (isdigit(v[0]) && v[1] == '\0' && v[0] <= '3') {
        console_loglevel = v[0] - '0';
        return 0;
    }
    return -1;
}

/*
 * debug_selftest=fault|panic: make the hypervisor fault (a read of an
 * unmapped address) or panic right after the CPU is set up, to exercise the
 * fault reporter and the symbolized backtrace.  A debugging aid and a test
 * hook; harmless unless asked for.
 *
 * debug_selftest=db-stack: a data breakpoint fires in ring 0 while RSP
 * holds an address no hypervisor stack has (unmapped, as a guest's can
 * be).  That is the state a guest reaches with a data breakpoint on the
 * operand of MOV SS followed by SYSCALL (XSA-260): the #DB is delayed past
 * the SYSCALL and taken at its first instruction, still on the guest's
 * stack.  #DB must then run on a stack of its own (IST); without one the
 * CPU pushes its frame onto the bad stack: #PF, #DF, the machine halts.
 * (QEMU's TCG does not delay #DB after MOV SS, so a guest cannot replay
 * the sequence there; this recreates the ring-0 state directly.)
 */
static char opt_selftest[16];

static void __attribute__((noinline)) selftest_fault(void)
{
    volatile uint64_t *bad = (volatile uint64_t *)0xdeadb000UL;
    (void)*bad;     /* the boot identity map is gone: #PF */
}

static volatile uint32_t selftest_watched __aligned(4);

static void __attribute__((noinline)) selftest_db_stack(void)
{
    /* DR0 = the variable, DR7: G0, break on writes (RW0 = 01), 4 bytes. */
    uint64_t dr7 = (1u << 1) | (1u << 16) | (3u << 18);

    __asm__ volatile("mov %0, %%db0" :: "r"((uint64_t)&selftest_watched));
    __asm__ volatile("mov %0, %%db7" :: "r"(dr7));
    __asm__ volatile("mov %%rsp, %%r11\n\t"
                     "movabs $0xdeadb000, %%rsp\n\t"  /* unmapped, like a guest stack can be */
                     "movl $1, (%0)\n\t"              /* #DB after this store */
                     "mov %%r11, %%rsp"
                     :: "r"(&selftest_watched) : "r11", "memory");
    __asm__ volatile("mov %0, %%db7" :: "r"(0UL));
    pr_info("selftest db-stack: a #DB in ring 0 with an unusable stack was taken on its own "
            "stack and returned\n");
}

static void run_selftest(void)
{
    if (!strcmp(opt_selftest, "fault"))
        selftest_fault();
    else if (!strcmp(opt_selftest, "panic"))
        panic("debug_selftest=panic requested");
    else if (!strcmp(opt_selftest, "db-stack"))
        selftest_db_stack();
    else if (opt_selftest[0])
        pr_warn("debug_selftest: unknown test '%s'\n", opt_selftest);
}

static const struct param hv_params[] = {
    OPT_STRING("debug_selftest", opt_selftest),
    { .name = "console", .type = PARAM_STRING, .var = opt_console, .len = sizeof(opt_console) },
    { .name = "com1", .type = PARAM_CUSTOM, .custom = parse_com1 },
    { .name = "loglvl", .type = PARAM_CUSTOM, .custom = parse_loglvl },
    OPT_SIZE("dom0_mem", opt_dom0_mem),
    OPT_UINT("dom0_max_vcpus", opt_dom0_max_vcpus),
    OPT_UINT("irq_ratelimit", irq_ratelimit),
    OPT_CUSTOM("pci_ro", pci_parse_ro),
    OPT_UINT("gnttab_max_frames", opt_gnttab_max_frames),
    OPT_UINT("gnttab_max_maptrack_frames", opt_gnttab_max_maptrack_frames),
    OPT_CUSTOM("gnttab", gnttab_parse_opt),
    OPT_BOOL("debug_exit", opt_debug_exit),
    OPT_BOOL("bench", opt_bench),
    OPT_UINT("debug_exit_port", opt_debug_exit_port),
    /* memory management: consistency auditor, and preemption at every check */
    OPT_BOOL("mm_audit", opt_mm_audit),
    OPT_BOOL("mm_preempt_stress", opt_mm_preempt_stress),
    /* testing only: offer CPUID faulting to guests without the CPU feature */
    OPT_BOOL("force_cpuid_faulting", opt_force_cpuid_faulting),
    /* testing only: injected heap allocation failures */
    OPT_CUSTOM("fail_alloc", parse_fail_alloc),
    /* testing: the ids createdomain hands out, 1..N (running out of them) */
    OPT_CUSTOM("max_domid", domid_parse_max),
};

static unsigned int nr_param_problems;
static char param_problems[8][96];

static void param_report(const char *what, const char *word)
{
    if (nr_param_problems < ARRAY_SIZE(param_problems))
        snprintf(param_problems[nr_param_problems], sizeof(param_problems[0]),
                 "%s '%s'", what, word);
    nr_param_problems++;
}

/* ---- memory ---------------------------------------------------------- */

struct range { uint64_t start, end; };
static struct range reserved[BOOT_MAX_MODULES + 8];
static unsigned int nr_reserved;

static void reserve(uint64_t start, uint64_t end)
{
    if (nr_reserved < ARRAY_SIZE(reserved) && end > start)
        reserved[nr_reserved++] = (struct range){ ROUNDDOWN(start, PAGE_SIZE),
                                                  ROUNDUP(end, PAGE_SIZE) };
}

/* Lowest page-aligned address >= from where [a, a+size) avoids every reservation. */
static uint64_t skip_reserved(uint64_t a, uint64_t size)
{
    bool moved;
    do {
        moved = false;
        for (unsigned int i = 0; i < nr_reserved; i++)
            if (a < reserved[i].end && a + size > reserved[i].start) {
                a = reserved[i].end;
                moved = true;
            }
    } while (moved);
    return a;
}

static uint64_t find_free(uint64_t size, uint64_t below)
{
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct boot_mem_range *m = &boot_info.mem[i];
        if (m->type != E820_RAM)
            continue;
        uint64_t end = MIN(m->addr + m->len, below);
        uint64_t a = skip_reserved(ROUNDUP(MAX(m->addr, 1ULL << 20), PAGE_SIZE), size);
        if (a + size <= end)
            return a;
    }
    return 0;
}

/* Give [start, end) to the heap, minus reservations, within [lo, hi). */
static void add_free(uint64_t start, uint64_t end, uint64_t lo, uint64_t hi)
{
    start = MAX(ROUNDUP(start, PAGE_SIZE), lo);
    end = MIN(ROUNDDOWN(end, PAGE_SIZE), hi);
    end = MIN(end, (uint64_t)max_mfn << PAGE_SHIFT);
    while (start < end) {
        uint64_t next = end;
        bool hit = false;
        for (unsigned int i = 0; i < nr_reserved; i++) {
            if (start >= reserved[i].start && start < reserved[i].end) {
                start = reserved[i].end;
                hit = true;
                break;
            }
            if (reserved[i].start > start && reserved[i].start < next)
                next = reserved[i].start;
        }
        if (hit)
            continue;
        heap_add_range((unsigned long)(start >> PAGE_SHIFT),
                       (unsigned long)((next - start) >> PAGE_SHIFT));
        start = next;
    }
}

static void add_ram(uint64_t lo, uint64_t hi)
{
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct boot_mem_range *m = &boot_info.mem[i];
        if (m->type == E820_RAM)
            add_free(m->addr, m->addr + m->len, lo, hi);
    }
}

#define MAX_RAM (16ULL << 30)      /* guest-visible M2P covers 16 GiB */

static uint64_t memory_init(void)
{
    extern char _start_phys[], _bss_end_phys[];
    uint64_t top = 0, total = 0;

    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct boot_mem_range *m = &boot_info.mem[i];
        if (m->type != E820_RAM)
            continue;
        total += m->len;
        top = MAX(top, m->addr + m->len);
    }
    if (top > MAX_RAM) {
        pr_warn("RAM above %llu GiB is not used (guest M2P limit)\n",
                (unsigned long long)(MAX_RAM >> 30));
        top = MAX_RAM;
    }
    max_mfn = (unsigned long)(top >> PAGE_SHIFT);

    reserve(0, 1ULL << 20);
    reserve((uint64_t)(uintptr_t)_start_phys, (uint64_t)(uintptr_t)_bss_end_phys);
    for (unsigned int i = 0; i < boot_info.nr_mods; i++)
        reserve(boot_info.mods[i].start, boot_info.mods[i].end);

    uint64_t ft_size = ROUNDUP((uint64_t)max_mfn * sizeof(struct page_info), PAGE_SIZE);
    uint64_t ft = find_free(ft_size, 4ULL << 30);
    if (!ft)
        panic("no room for the frame table (%llu KiB)", (unsigned long long)(ft_size >> 10));
    reserve(ft, ft + ft_size);
    frame_table = __va(ft);
    memset(frame_table, 0, ft_size);
    for (unsigned long mfn = 0; mfn < max_mfn; mfn++)
        frame_table[mfn].count_info = PGC_broken;   /* until proven RAM */

    mm_arch_detect_nx();         /* EFER.NXE is set since the boot code */
    heap_init();
    add_ram(0, 4ULL << 30);      /* the boot page tables only map 4 GiB */

    uint64_t dmap = MAX(4ULL << 30, ROUNDUP(top, 1ULL << 30));
    paging_init(dmap);
    add_ram(4ULL << 30, ~0ULL);

    pr_info("RAM: %llu MiB usable (max mfn %#lx), frame table %llu KiB at %#llx, %lu pages free\n",
            (unsigned long long)(total >> 20), max_mfn,
            (unsigned long long)(ft_size >> 10), (unsigned long long)ft, heap_free_pages());
    return dmap;
}

static void free_boot_modules(void)
{
    /* Module memory was reserved; it is ordinary free RAM once consumed. */
    struct range mods[BOOT_MAX_MODULES];
    unsigned int n = 0;
    for (unsigned int i = 0; i < boot_info.nr_mods; i++)
        mods[n++] = (struct range){ ROUNDDOWN(boot_info.mods[i].start, PAGE_SIZE),
                                    ROUNDUP(boot_info.mods[i].end, PAGE_SIZE) };
    /* Drop the module reservations, keep the others. */
    unsigned int keep = 0;
    for (unsigned int i = 0; i < nr_reserved; i++) {
        bool is_mod = false;
        for (unsigned int j = 0; j < n; j++)
            if (reserved[i].start == mods[j].start && reserved[i].end == mods[j].end)
                is_mod = true;
        if (!is_mod)
            reserved[keep++] = reserved[i];
    }
    nr_reserved = keep;
    for (unsigned int j = 0; j < n; j++) {
        /* Don't free a frame twice when two modules share a page. */
        uint64_t s = mods[j].start, e = mods[j].end;
        for (unsigned int k = 0; k < j; k++) {
            if (s < mods[k].end && e > mods[k].start) {
                if (s >= mods[k].start)
                    s = MIN(e, mods[k].end);
                if (e <= mods[k].end)
                    e = MAX(s, mods[k].start);
            }
        }
        if (e > s)
            add_free(s, e, 0, ~0ULL);
    }
}

static void cpu_init(void)
{
    /* AM: alignment checks for guest user space that asks (EFLAGS.AC). */
    write_cr0((read_cr0() | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP | X86_CR0_AM) &
              ~X86_CR0_EM);
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    msr_init();
    fastcall_init();        /* SYSENTER/SYSCALL: closed until a vCPU has callbacks */
    cpu_protect_init();     /* SMEP, SMAP: once, never again on a hot path */
}

#define DEFAULT_DOM0_MEM (64ULL << 20)

static unsigned long dom0_pages(void)
{
    uint64_t want = opt_dom0_mem ? opt_dom0_mem : DEFAULT_DOM0_MEM;
    uint64_t avail = (uint64_t)heap_free_pages() << PAGE_SHIFT;
    uint64_t keep = 8ULL << 20;                     /* for the hypervisor */
    if (want + keep > avail) {
        uint64_t fit = avail > 2 * keep ? avail - keep : avail / 2;
        pr_warn("dom0_mem: %llu KiB requested, %llu KiB available; using %llu KiB\n",
                (unsigned long long)(want >> 10), (unsigned long long)(avail >> 10),
                (unsigned long long)(fit >> 10));
        want = fit;
    }
    return (unsigned long)(want >> PAGE_SHIFT);
}

void start_mica(uint32_t magic, uint32_t info)
{
    boot_tsc = rdtsc();
    serial_init(0x3f8, 115200);
    if (multiboot_parse(magic, info, &boot_info)) {
        console_puts("mica: not started by a multiboot loader (or no memory map); halting\n");
        machine_halt(MICA_EXIT_PANIC);
    }
    strlcpy(hv_cmdline, cmdline_skip_image_name(boot_info.cmdline), sizeof(hv_cmdline));
    parse_params(hv_cmdline, hv_params, ARRAY_SIZE(hv_params), param_report);
    if (!strcmp(opt_console, "none"))
        serial_init(0, 0);
    else
        serial_init(0x3f8, opt_com1_baud);
    if (strcmp(opt_console, "com1") && strcmp(opt_console, "none"))
        param_report("unsupported console (using com1)", opt_console);

    printk("Mica hypervisor %s (Xen 4.2-compatible 32-bit PV ABI) starting\n", mica_changeset);
    printk("Boot loader: %s; command line: \"%s\"\n", boot_info.loader, hv_cmdline);
    for (unsigned int i = 0; i < nr_param_problems && i < ARRAY_SIZE(param_problems); i++)
        pr_warn("command line: %s (ignored)\n", param_problems[i]);
    for (unsigned int i = 0; i < boot_info.nr_mem; i++)
        pr_debug(" mem %016llx-%016llx type %u\n",
                 (unsigned long long)boot_info.mem[i].addr,
                 (unsigned long long)(boot_info.mem[i].addr + boot_info.mem[i].len),
                 boot_info.mem[i].type);

    memory_init();
    iomem_init();           /* PGF_io on the frames that are not RAM */
    cpu_protect_detect();   /* before the IDT: no CLAC/STAC may run on a CPU without SMAP */
    desc_init();
    pic_disable();
    cpu_init();
    run_selftest();
    bench_boot();
    apic_init();
    ioapic_init();
    pci_scan();
    pr_info("PCI: %u functions on segment 0\n", pci_dev_count());
    time_init();
    apic_timer_init();
    scheduler_init();
    console_input_poll_start();
    m2p_init();

    if (boot_info.nr_mods == 0) {
        pr_err("no boot module: nothing to run (the first module must be the initial domain's kernel)\n");
        machine_halt(MICA_EXIT_PANIC);
    }
    const struct boot_module *k = &boot_info.mods[0];
    const struct boot_module *rd = NULL;
    if (boot_info.nr_mods > 1 &&
        boot_module_kind(cmdline_skip_image_name(boot_info.mods[1].cmdline)) == BOOT_MODULE_OTHER)
        rd = &boot_info.mods[1];
    if (opt_gnttab_max_frames < GNTTAB_INITIAL_FRAMES ||
        opt_gnttab_max_frames > GNTTAB_MAX_FRAMES_LIMIT) {
        pr_warn("gnttab_max_frames: %u is outside %u-%u; using %u\n", opt_gnttab_max_frames,
                GNTTAB_INITIAL_FRAMES, GNTTAB_MAX_FRAMES_LIMIT, GNTTAB_DEFAULT_MAX_FRAMES);
        opt_gnttab_max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    }
    if (opt_gnttab_max_maptrack_frames < 1 ||
        opt_gnttab_max_maptrack_frames > GNTTAB_MAPTRACK_FRAMES_LIMIT) {
        pr_warn("gnttab_max_maptrack_frames: %u is outside 1-%u; using %u\n",
                opt_gnttab_max_maptrack_frames, GNTTAB_MAPTRACK_FRAMES_LIMIT,
                GNTTAB_DEFAULT_MAPTRACK_FRAMES);
        opt_gnttab_max_maptrack_frames = GNTTAB_DEFAULT_MAPTRACK_FRAMES;
    }
    if (opt_mm_audit && mm_audit_reserve())
        panic("mm_audit: no memory for the auditor's arrays");
    struct domain *d0 = domain_create(0, "Domain-0", true);
    if (!d0)
        panic("cannot allocate the initial domain");
    if (opt_dom0_max_vcpus < 1 || opt_dom0_max_vcpus > MAX_VIRT_CPUS) {
        pr_warn("dom0_max_vcpus: %u is outside 1-%u; using 1\n", opt_dom0_max_vcpus,
                MAX_VIRT_CPUS);
        opt_dom0_max_vcpus = 1;
    }
    if (domain_create_vcpus(d0, opt_dom0_max_vcpus))
        panic("cannot allocate the initial domain's %u vCPUs", opt_dom0_max_vcpus);
    unsigned long before = heap_free_pages();
    int rc = construct_domain(d0, __va(k->start), (size_t)(k->end - k->start),
                              rd ? __va(rd->start) : NULL,
                              rd ? (size_t)(rd->end - rd->start) : 0,
                              cmdline_skip_image_name(k->cmdline), dom0_pages());
    if (rc) {
        pr_err("cannot build the initial domain (error %d); halting\n", rc);
        machine_halt(MICA_EXIT_PANIC);
    }
    pr_info("d0 built with %lu pages (%lu frames used in all)\n",
            d0->tot_pages, before - heap_free_pages());
    domain_start(d0);
    build_boot_domains(rd ? 2 : 1);
    free_boot_modules();
    pr_info("boot modules freed; %lu pages free\n", heap_free_pages());
    pr_info("starting d0 at %04x:%08lx\n", (unsigned int)d0->vcpu[0]->user_regs.cs,
            (unsigned long)d0->vcpu[0]->user_regs.rip);
    bench_report_boot();
    if (opt_fail_nth) {
        if (opt_fail_every)
            pr_warn("fail_alloc: heap allocation %lu from now fails, then every %lu-th "
                    "(testing only)\n", opt_fail_nth, opt_fail_every);
        else
            pr_warn("fail_alloc: heap allocation %lu from now fails (testing only)\n",
                    opt_fail_nth);
        alloc_fail_arm(opt_fail_nth, opt_fail_every);
    }
    scheduler_start();
}
