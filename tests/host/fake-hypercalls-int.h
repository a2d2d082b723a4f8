/*
 * Between the two files of the simulated hypervisor (fake-hypercalls.c:
 * memory, buffers, mappings, entry; fake-hypercalls-ops.c: the ops).
 */
#ifndef FAKE_HYPERCALLS_INT_H
#define FAKE_HYPERCALLS_INT_H

#include "fake-hypercalls.h"

/* A frame for owner, zeroed (0: none left); give it back. */
uint32_t fx_alloc_frame(uint16_t owner, bool xen);
void fx_free_frame(uint32_t mfn);
/* 2^order contiguous frames aligned on their size (0: none). */
uint32_t fx_alloc_run(uint16_t owner, unsigned int order);
/* The caller's memory [addr, addr+size) if it lies in a hypercall buffer. */
void *fx_user(uint64_t addr, size_t size);

long fx_domctl(unsigned long arg);
long fx_sysctl(unsigned long arg);
long fx_memory_op(unsigned long cmd, unsigned long arg);
long fx_mmuext_op(unsigned long ops, unsigned long count, unsigned long done,
                  unsigned long fd);
long fx_evtchn_op(unsigned long cmd, unsigned long arg);
long fx_gnttab_op(unsigned long cmd, unsigned long arg, unsigned long count);
long fx_xen_version(unsigned long cmd, unsigned long arg);
long fx_sched_op(unsigned long cmd, unsigned long arg);

#endif
