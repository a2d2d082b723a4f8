/*
 * test-evtchn-fifo: the FIFO event-channel ABI (hypervisor/common/
 * event_fifo.c through event_channel.c) on fake domains and fake guest
 * frames (evtchn-world.c).
 *
 * The switch from 2-level (init_control per vCPU, pending bits carried
 * over), event-array pages (expand_array, 128 at most), the queue
 * algorithm as the guest sees it in its words and control block (PENDING,
 * MASKED, LINKED, LINK, head[], ready), priorities, the old queue
 * forgetting a port that moved, 2^17 ports and the domain's limit, reset
 * back to 2-level, and the hostile cases: bad vCPUs, offsets, frames that
 * are not the guest's or cannot be writable, words the guest scribbles on.
 */
#include "htest.h"
#include "evtchn-world.h"

#define W(p)   (((event_word_t *)frame_va(ARRAY0 + (p) / 1024))[(p) % 1024])
#define CB_MFN 1
#define ARRAY0 8                        /* event-array pages: frames 8.. */
#define PEND   (1u << EVTCHN_FIFO_PENDING)
#define MASK   (1u << EVTCHN_FIFO_MASKED)
#define LINKD  (1u << EVTCHN_FIFO_LINKED)

static struct domain *d;

static evtchn_fifo_control_block_t *cb(void)
{
    return frame_va(CB_MFN);
}

static long init_ctl(uint32_t vcpu, uint64_t gfn, uint32_t off)
{
    evtchn_init_control_t ic = { .control_gfn = gfn, .offset = off, .vcpu = vcpu };
    long rc = evtchn_fifo_init_control(d, &ic);
    CHECK_EQ(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
    return rc;
}

static void setup(void)
{
    world_setup(1);
    d = doms[1];
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        frame_give(m, d);
}

/* FIFO with a control block at offset 0 of frame 1 and n array pages. */
static void fifo(unsigned int pages)
{
    setup();
    CHECK_EQ(init_ctl(0, CB_MFN, 0), 0);
    for (unsigned int i = 0; i < pages; i++)
        CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0 + i), 0);
}

static evtchn_port_t ipi(void)
{
    evtchn_bind_ipi_t b = { .vcpu = 0 };
    CHECK_EQ(evtchn_bind_ipi(d, &b), 0);
    return b.port;
}

HTEST(init_control_checks_everything_first)
{
    setup();
    CHECK_EQ(init_ctl(1, CB_MFN, 0), -ENOENT);
    CHECK_EQ(init_ctl(0xffffffffu, CB_MFN, 0), -ENOENT);
    CHECK_EQ(init_ctl(0, CB_MFN, 4096 - 72 + 8), -EINVAL);
    CHECK_EQ(init_ctl(0, CB_MFN, 0xfffffff8u), -EINVAL);
    CHECK_EQ(init_ctl(0, CB_MFN, 4), -EINVAL);          /* not 8-byte aligned */
    frame_give(2, doms[2]);
    CHECK_EQ(init_ctl(0, 2, 0), -EINVAL);                /* another domain's */
    frame_make_table(3);
    CHECK_EQ(init_ctl(0, 3, 0), -EINVAL);                /* cannot be writable */
    CHECK_EQ(init_ctl(0, W_NFRAMES + 5, 0), -EINVAL);
    CHECK_EQ(init_ctl(0, 1ULL << 32 | CB_MFN, 0), -EINVAL);
    CHECK(d->evtchn_fifo == NULL);                       /* still 2-level */
    CHECK_EQ(evtchn_max_ports(d), 1024);
    CHECK_EQ(heap_extra_pages, 0);                       /* nothing left behind */
    CHECK_EQ(init_ctl(0, CB_MFN, 4096 - 72), 0);
    CHECK(d->evtchn_fifo != NULL);
    CHECK_EQ(evtchn_max_ports(d), EVTCHN_FIFO_NR_CHANNELS);
    CHECK_EQ(frame_regs(CB_MFN), 1);
    CHECK_EQ(init_ctl(0, CB_MFN + 1, 0), -EINVAL);       /* one per vCPU */
    CHECK_EQ(frame_regs(CB_MFN + 1), 0);
}

HTEST(expand_array_pages)
{
    setup();
    CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0), -EOPNOTSUPP);
    CHECK_EQ(init_ctl(0, CB_MFN, 0), 0);
    frame_make_table(4);
    CHECK_EQ(evtchn_fifo_expand_array(d, 4), -EINVAL);
    frame_give(5, doms[0]);
    CHECK_EQ(evtchn_fifo_expand_array(d, 5), -EINVAL);
    CHECK_EQ(evtchn_fifo_expand_array(d, 1ULL << 40), -EINVAL);
    for (unsigned int i = 0; i < 128; i++)
        CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0 + (i % 16)), 0);
    CHECK_EQ(frame_regs(ARRAY0), 8);                     /* a page given 8 times */
    CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0 + 20), -ENOSPC);
    CHECK_EQ(frame_regs(ARRAY0 + 20), 0);
    evtchn_destroy(d);
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        CHECK_EQ(frame_regs(m), 0);
    CHECK_EQ(heap_extra_pages, 0);
}

HTEST(raise_links_and_marks_ready)
{
    fifo(1);
    evtchn_port_t a = ipi(), b = ipi();
    CHECK_EQ(evtchn_send(d, a), 0);
    CHECK_EQ(W(a), PEND | LINKD);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(cb()->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(d->vcpu[0]->vcpu_info->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[1], 1);
    CHECK_EQ(poll_checks[1], 1);
    CHECK_EQ(last_poll_port, a);
    /* The second joins the queue behind it: a's LINK, no new head or kick. */
    CHECK_EQ(evtchn_send(d, b), 0);
    CHECK_EQ(W(a), PEND | LINKD | b);
    CHECK_EQ(W(b), PEND | LINKD);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(kicks[1], 1);
    /* Pending already: nothing moves, no poll wake-up. */
    CHECK_EQ(evtchn_send(d, b), 0);
    CHECK_EQ(poll_checks[1], 2);
    CHECK(evtchn_port_is_pending(d, a) && !evtchn_port_is_masked(d, a));
    /* The 2-level bitmaps are not used any more. */
    CHECK_EQ(d->shared_info->evtchn_pending[0], 0);
    CHECK_EQ(d->vcpu[0]->vcpu_info->evtchn_pending_sel, 0);
}

HTEST(guest_consumes_and_the_queue_restarts)
{
    fifo(1);
    evtchn_port_t a = ipi(), b = ipi();
    CHECK_EQ(evtchn_send(d, a), 0);
    /* The guest takes a (clears LINKED and the link, then PENDING) and the
     * ready bit; the queue is empty now although we remember a as tail. */
    W(a) = 0;
    cb()->ready = 0;
    d->vcpu[0]->vcpu_info->evtchn_upcall_pending = 0;
    CHECK_EQ(evtchn_send(d, b), 0);
    CHECK_EQ(W(a), 0);                                   /* not linked into */
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
    CHECK_EQ(cb()->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(kicks[1], 2);
}

HTEST(priorities_use_their_own_queues)
{
    fifo(1);
    evtchn_port_t a = ipi(), b = ipi();
    CHECK_EQ(evtchn_set_priority(d, b, 2), 0);
    CHECK_EQ(evtchn_set_priority(d, b, 16), -EINVAL);
    CHECK_EQ(evtchn_set_priority(d, b, 0xffffffffu), -EINVAL);
    CHECK_EQ(evtchn_set_priority(d, 1024 * 128, 1), -EINVAL);
    CHECK_EQ(evtchn_set_priority(d, 5000, 1), -EINVAL);  /* no structure yet */
    CHECK_EQ(evtchn_send(d, a), 0);
    CHECK_EQ(evtchn_send(d, b), 0);
    CHECK_EQ(cb()->head[2], b);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(W(a), PEND | LINKD);                        /* not chained across queues */
    CHECK_EQ(cb()->ready, (1u << 2) | (1u << EVTCHN_FIFO_PRIORITY_DEFAULT));
    /* A port moved to another queue: its old queue forgets it as tail. */
    W(a) = 0;
    W(b) = 0;
    cb()->ready = 0;
    CHECK_EQ(evtchn_set_priority(d, a, 2), 0);
    CHECK_EQ(evtchn_send(d, a), 0);                      /* queue 2: after b? b unlinked */
    CHECK_EQ(cb()->head[2], a);
    evtchn_port_t c = ipi();
    CHECK_EQ(evtchn_send(d, c), 0);                      /* queue 7 is empty now */
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], c);
    CHECK_EQ(W(a) & EVTCHN_FIFO_LINK_MASK, 0);
}

HTEST(masked_ports_wait_for_unmask)
{
    fifo(1);
    evtchn_port_t a = ipi();
    W(a) = MASK;
    CHECK_EQ(evtchn_send(d, a), 0);
    CHECK_EQ(W(a), MASK | PEND);
    CHECK_EQ(cb()->ready, 0);
    CHECK_EQ(kicks[1], 0);
    CHECK(evtchn_port_is_masked(d, a));
    CHECK_EQ(evtchn_unmask(d, a), 0);
    CHECK_EQ(W(a), PEND | LINKD);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(kicks[1], 1);
    /* Unmasking a port that is not pending links nothing. */
    evtchn_port_t b = ipi();
    W(b) = MASK;
    CHECK_EQ(evtchn_unmask(d, b), 0);
    CHECK_EQ(W(b), 0);
    CHECK_EQ(evtchn_unmask(d, 200000), -EINVAL);
}

HTEST(events_without_a_page_wait_for_it)
{
    fifo(0);
    evtchn_port_t a = ipi();
    CHECK_EQ(evtchn_send(d, a), 0);
    CHECK(!evtchn_port_is_pending(d, a));
    CHECK(evtchn_port_is_masked(d, a));                  /* no word: masked */
    CHECK_EQ(kicks[1], 0);
    CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0), 0);
    CHECK_EQ(W(a), PEND | LINKD);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(kicks[1], 1);
}

HTEST(switch_keeps_what_was_pending)
{
    setup();
    evtchn_port_t a = ipi(), b = ipi();
    CHECK_EQ(evtchn_send(d, a), 0);                      /* 2-level pending */
    CHECK(evtchn_2l_is_pending(d->shared_info, a));
    kicks[1] = 0;
    CHECK_EQ(init_ctl(0, CB_MFN, 64), 0);
    CHECK_EQ(evtchn_set_priority(d, b, 3), 0);
    CHECK_EQ(evtchn_fifo_expand_array(d, ARRAY0), 0);
    CHECK_EQ(W(a), PEND | LINKD);
    CHECK_EQ(W(b), 0);
    evtchn_fifo_control_block_t *c = (void *)((uint8_t *)frame_va(CB_MFN) + 64);
    CHECK_EQ(c->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);   /* offset honoured */
}

HTEST(set_priority_needs_fifo)
{
    setup();
    evtchn_port_t a = ipi();
    CHECK_EQ(evtchn_set_priority(d, a, 3), -ENOSYS);
    CHECK_EQ(evtchn_set_priority(d, 1024, 3), -EINVAL);
}

HTEST(no_control_block_no_link)
{
    fifo(1);
    /* Another vCPU would need its own control block; here a port notifies
     * vCPU 0 whose control block exists, so use a fresh domain without. */
    d = doms[2];
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        frame_give(m, d);
    evtchn_bind_ipi_t b = { .vcpu = 0 };
    CHECK_EQ(evtchn_bind_ipi(d, &b), 0);
    CHECK_EQ(evtchn_send(d, b.port), 0);                  /* still 2-level */
    CHECK(evtchn_2l_is_pending(d->shared_info, b.port));
}

HTEST(all_2_17_ports_and_the_limit)
{
    fifo(128);
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 0 };
    for (unsigned int i = 1; i < EVTCHN_FIFO_NR_CHANNELS; i++) {
        if (!CHECK_EQ(evtchn_alloc_unbound(d, &au), 0))
            return;
        if (!CHECK_EQ(au.port, i))
            return;
    }
    CHECK_EQ(evtchn_alloc_unbound(d, &au), -ENOSPC);
    CHECK_EQ(heap_extra_pages, 1 + 127);                 /* FIFO state + 127 buckets */
    /* The highest port works like any other. */
    evtchn_port_t top = EVTCHN_FIFO_NR_CHANNELS - 1;
    CHECK_EQ(evtchn_close(d, top), 0);
    evtchn_bind_ipi_t bi = { .vcpu = 0 };
    CHECK_EQ(evtchn_bind_ipi(d, &bi), 0);
    CHECK_EQ(bi.port, top);
    CHECK_EQ(evtchn_send(d, top), 0);
    CHECK_EQ(W(top), PEND | LINKD);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], top);
    CHECK_EQ(evtchn_send(d, top + 1), -EINVAL);
    CHECK_EQ(evtchn_close(d, 0x80000000u), -EINVAL);
    /* Reset of ourselves: every port closed, back to 2-level, frames let go. */
    CHECK_EQ(evtchn_reset(d, DOMID_SELF), 0);
    CHECK(d->evtchn_fifo == NULL);
    CHECK_EQ(evtchn_max_ports(d), 1024);
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        CHECK_EQ(frame_regs(m), 0);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = 5000 };
    CHECK_EQ(evtchn_status(d, &st), -EINVAL);            /* not nameable in 2-level */
    CHECK_EQ(evtchn_close(d, 5000), -EINVAL);
    CHECK_EQ(evtchn_alloc_unbound(d, &au), 0);
    CHECK_EQ(au.port, 1);
    /* FIFO again reuses the buckets. */
    long before = heap_extra_pages;
    CHECK_EQ(init_ctl(0, CB_MFN, 0), 0);
    CHECK_EQ(heap_extra_pages, before + 1);
    evtchn_destroy(d);
    CHECK_EQ(heap_extra_pages, 0);
}

HTEST(domain_limit_caps_fifo_ports)
{
    fifo(2);
    d->max_evtchn_port = 1500;
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 0 };
    for (unsigned int i = 1; i <= 1500; i++)
        CHECK_EQ(evtchn_alloc_unbound(d, &au), 0);
    CHECK_EQ(au.port, 1500);
    CHECK_EQ(evtchn_alloc_unbound(d, &au), -ENOSPC);
}

HTEST(reset_of_another_domain_keeps_its_abi)
{
    fifo(1);
    (void)ipi();
    CHECK_EQ(evtchn_reset(doms[0], 1), 0);               /* privileged, by id */
    CHECK(d->evtchn_fifo != NULL);
    CHECK_EQ(evtchn_reset(d, 1), 0);                     /* own id, not DOMID_SELF */
    CHECK(d->evtchn_fifo != NULL);
    CHECK_EQ(evtchn_reset(d, DOMID_SELF), 0);
    CHECK(d->evtchn_fifo == NULL);
}

HTEST(guest_scribbles_on_its_words)
{
    fifo(1);
    evtchn_port_t a = ipi(), b = ipi(), c = ipi();
    CHECK_EQ(evtchn_send(d, a), 0);
    /* The guest points a's LINK somewhere absurd and sets BUSY on b: we
     * never follow LINKs, and only ever write the tail's LINK field. */
    W(a) |= EVTCHN_FIFO_LINK_MASK;
    W(b) = 0xffffffffu & ~(PEND | LINKD);
    CHECK_EQ(evtchn_send(d, b), 0);                      /* masked by the scribble */
    CHECK_EQ(W(a) & EVTCHN_FIFO_LINK_MASK, EVTCHN_FIFO_LINK_MASK);
    W(b) = 0;
    CHECK_EQ(evtchn_send(d, c), 0);
    CHECK_EQ(W(a) & EVTCHN_FIFO_LINK_MASK, c);           /* a is still the tail */
    /* Control block head overwritten by the guest: only ever stored to. */
    cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0xdeadbeef;
    W(a) = W(c) = 0;
    cb()->ready = 0;
    CHECK_EQ(evtchn_send(d, a), 0);
    CHECK_EQ(cb()->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
}

HTEST(teardown_releases_every_frame)
{
    fifo(3);
    (void)ipi();
    CHECK_EQ(frame_regs(CB_MFN), 1);
    evtchn_destroy(d);
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        CHECK_EQ(frame_regs(m), 0);
    CHECK_EQ(heap_extra_pages, 0);
}
