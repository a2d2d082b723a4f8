/*
 * Benchmark: the null hypercall round trip, xen_version(XENVER_version, NULL)
 * through the hypercall page -- call into the page, int $0x82, the
 * hypervisor's entry, table dispatch and exit, iret, ret.  It is the floor
 * under every other hypercall's cost; compare with bare.int_iret_ring0.
 * Also: the same call issued directly with int $0x82 (no page), and an
 * unimplemented number (the -ENOSYS path: entry and exit only).
 */
#include "bench.h"

static void op_null_page(void)
{
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

static void op_null_raw(void)
{
    raw_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
}

static void op_enosys(void)
{
    raw_hypercall(63, 0, 0, 0, 0, 0);
}

void test_main(void)
{
    bench_run("hypercall.null", op_null_page, 20000);
    bench_run("hypercall.null_raw_int82", op_null_raw, 20000);
    bench_run("hypercall.enosys", op_enosys, 20000);
    test_success();
}
