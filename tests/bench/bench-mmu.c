/*
 * Benchmark: page-table updates through the hypervisor (direct paging).
 *
 *  mmu_update.batchN   cost per entry of one mmu_update call carrying N
 *                      requests (N = 1, 64, 512, 2048).  Each request
 *                      really changes a live L1 entry -- four scratch PTEs
 *                      alternate between two spare frames -- so every entry
 *                      pays validation, a reference on the new frame and the
 *                      release of the old one.
 *  uvm.none / uvm.invlpg / uvm.flush_all
 *                      update_va_mapping of one page, with no flush, with
 *                      UVMF_INVLPG, with UVMF_TLB_FLUSH (local).
 *  pin_unpin.l1_full   pin then unpin an L1 whose 512 entries are all
 *                      present (validation and devalidation of every entry).
 */
#include "bench.h"
#include <pt.h>

#define SLOTS 4
#define MAXN 2048

static mmu_update_t reqs[2][MAXN];     /* two phases: frame A / frame B */
static unsigned int batch_n, phase;
static uint32_t slot_va[SLOTS], frame[2], table_mfn;
static uint64_t table_entries[512];

static void op_batch(void)
{
    unsigned int done;
    HYPERVISOR_mmu_update(reqs[phase], batch_n, &done, DOMID_SELF);
    phase ^= 1;
}

static uint32_t uvm_flags;
static void op_uvm(void)
{
    HYPERVISOR_update_va_mapping(slot_va[0], PTE(frame[phase], 0x23), uvm_flags);
    phase ^= 1;
}

static void op_pin_unpin(void)
{
    pin(1, table_mfn);
    unpin(table_mfn);
}

static void report_per_entry(const char *name, unsigned int n)
{
    batch_n = n;
    uint64_t per_batch = bench_measure(op_batch, n >= 512 ? 20 : 200);
    bench_print(name, bench_div(per_batch, n));
}

void test_main(void)
{
    frame[0] = spare_frame();
    frame[1] = spare_frame();
    if (frame[0] == ~0u || frame[1] == ~0u) {
        test_error("no spare frames");
        return;
    }
    for (unsigned int s = 0; s < SLOTS; s++)
        slot_va[s] = (uint32_t)scratch_map(s, frame[0], 0x23);
    for (unsigned int p = 0; p < 2; p++)
        for (unsigned int i = 0; i < MAXN; i++) {
            unsigned int s = i % SLOTS;
            /* consecutive writes to a slot alternate between the frames */
            unsigned int f = (p + i / SLOTS) & 1;
            reqs[p][i].ptr = l1e_maddr(slot_va[s]);
            reqs[p][i].val = PTE(frame[f], 0x23);
        }

    report_per_entry("mmu_update.batch1", 1);
    report_per_entry("mmu_update.batch64", 64);
    report_per_entry("mmu_update.batch512", 512);
    report_per_entry("mmu_update.batch2048", 2048);

    uvm_flags = UVMF_NONE;
    bench_run("uvm.none", op_uvm, 500);
    uvm_flags = UVMF_INVLPG | UVMF_LOCAL;
    bench_run("uvm.invlpg", op_uvm, 500);
    uvm_flags = UVMF_TLB_FLUSH | UVMF_LOCAL;
    bench_run("uvm.flush_all", op_uvm, 500);

    for (unsigned int s = 0; s < SLOTS; s++)
        scratch_restore(s);

    for (unsigned int i = 0; i < 512; i++)
        table_entries[i] = PTE(frame[i & 1], 0x21);      /* present, read-only */
    table_mfn = make_table(table_entries, 0, 512);
    if (table_mfn == ~0u) {
        test_error("cannot build the L1");
        return;
    }
    bench_run("pin_unpin.l1_full", op_pin_unpin, 50);
    test_success();
}
