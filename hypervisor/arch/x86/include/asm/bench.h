/*
 * Boot-time benchmark hooks (arch/x86/bench.c): with the "bench" option
 * the hypervisor measures, in ring 0, the bare operations the guest-side
 * benchmarks wrap (an int/iretq round trip, a CR3 write) and the time
 * from its first instruction to the first guest instruction
 * (docs/performance.md).  Nothing here runs without the option.
 */
#ifndef ASM_BENCH_H
#define ASM_BENCH_H
#include <mica/types.h>
extern uint64_t boot_tsc;
extern bool opt_bench;
void bench_boot(void);          /* bare-operation figures, if "bench" */
void bench_report_boot(void);   /* hypervisor entry -> first guest instruction */
#endif
