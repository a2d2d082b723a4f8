#ifndef ASM_BENCH_H
#define ASM_BENCH_H
#include <mica/types.h>
extern uint64_t boot_tsc;
extern bool opt_bench;
void bench_boot(void);          /* bare-operation figures, if "bench" */
void bench_report_boot(void);   /* hypervisor entry -> first guest instruction */
#endif
