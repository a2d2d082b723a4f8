/*
 * FIFO event channels, the guest's side (runtime/fifo.c): what Linux's
 * events_fifo.c does, small enough to read.
 *
 * fifo_start() gives vCPU 0 a control block (in a spare frame mapped at a
 * scratch slot) and the first `pages` event-array pages (spare frames; the
 * first FIFO_MAPPED of them also mapped at scratch slots so the test can
 * look at the words).  fifo_expand() hands over one more page.
 * fifo_next() consumes one event the way the guest must: take the lowest
 * ready queue, start from our own copy of its head (or the control block's
 * head when we have none), unlink the word (clear LINKED and LINK in one
 * atomic step, reading the old LINK), and report the port if it is pending
 * and not masked, clearing PENDING.
 */
#ifndef GUEST_FIFO_H
#define GUEST_FIFO_H

#include <stdint.h>
#include <stdbool.h>
#include <public/event_channel.h>

#define FIFO_MAPPED 2                       /* array pages visible at scratch slots */
#define FIFO_CB_SLOT 1
#define FIFO_ARRAY_SLOT 2                   /* slots 2.. for array pages */

struct fifo_state {
    uint32_t cb_mfn, cb_offset;
    volatile evtchn_fifo_control_block_t *cb;
    unsigned int pages;                     /* array pages handed over */
    uint32_t array_mfn[128];
    volatile event_word_t *array[FIFO_MAPPED];
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];  /* our copies of the heads */
    uint32_t ready;                         /* ready bits taken, not yet drained */
};
extern struct fifo_state fifo;

long HYPERVISOR_init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits);
long HYPERVISOR_expand_array(uint64_t gfn);
long HYPERVISOR_set_priority(evtchn_port_t port, uint32_t priority);

/* 0, or the first error (init_control's or expand_array's). */
long fifo_start(unsigned int pages);
long fifo_expand(void);
/* The word of port p if its page is mapped here, else NULL. */
volatile event_word_t *fifo_word(evtchn_port_t p);
/* Next event to handle: its port, or 0 when every queue is drained. */
evtchn_port_t fifo_next(void);
/* Forget local queue state (after a reset). */
void fifo_forget(void);

#endif
