/*
 * mm-exchange: XENMEM_exchange (memory_op 11), the call a 32-bit Linux
 * makes to get machine-contiguous frames below an address limit for DMA
 * (xen_create_contiguous_region), with Xen's rules.
 *
 *   - one order-0 frame for another: the new frame backs the PFN written
 *     in the out slot (the M2P says so), its MFN is written back there,
 *     nr_exchanged = 1, the domain's page count does not move, the old
 *     frame is no longer ours;
 *   - two order-0 frames for one order-1 extent (contiguous), and one
 *     order-1 extent for two order-0 frames;
 *   - refused, with nothing lost and nr_exchanged saying how far it got:
 *     a frame that is still mapped, a page table, shared_info, a frame
 *     named twice (-EINVAL); sizes or domids that differ, nr_exchanged
 *     past the end (-EINVAL); an order above 9 (-EPERM); an impossible
 *     address limit (-ENOMEM); unreadable arguments or lists reaching the
 *     hole (-EFAULT); another domain (-ESRCH); a later bad extent stops
 *     the call after the good ones.
 */
#include <test.h>
#include <pt.h>
#include <events.h>
#include <public/memory.h>

static uint8_t mapped[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long exchange(uint32_t *in, uint32_t nin, uint32_t in_order, uint32_t *out,
                     uint32_t nout, uint32_t out_order, uint32_t bits,
                     uint32_t *done)
{
    struct xen_memory_exchange x = {
        .in = { .nr_extents = nin, .extent_order = in_order, .domid = DOMID_SELF },
        .out = { .nr_extents = nout, .extent_order = out_order, .mem_flags = bits,
                 .domid = DOMID_SELF },
        .nr_exchanged = done ? *done : 0,
    };
    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    long rc = HYPERVISOR_memory_op(XENMEM_exchange, &x);
    if (done)
        *done = x.nr_exchanged;
    return rc;
}

#define PFN_A 0x7f000u      /* PFNs the new frames are said to back */

void test_main(void)
{
    long pages = current_pages();
    uint32_t in[4], out[4], done;


    /* One for one. */
    in[0] = spare_frame();
    out[0] = PFN_A;
    done = 0;
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 32, &done), 0, "exchange 1:1");
    CHECK(done == 1, "nr_exchanged %u", done);
    CHECK(out[0] != PFN_A && out[0] != in[0], "out slot 0x%x", out[0]);
    CHECK(m2p(out[0]) == PFN_A, "M2P of the new frame: 0x%x", m2p(out[0]));
    CHECK(current_pages() == pages, "page count moved: %ld -> %ld", pages, current_pages());
    CHECK_RC(pin(1, in[0]), -XEN_EINVAL, "the old frame is not ours any more");
    CHECK_RC(pin(1, out[0]), 0, "the new frame is ours (pinned as an empty L1)");
    unpin(out[0]);

    /* Two order-0 for one order-1, and back. */
    in[0] = spare_frame();
    in[1] = spare_frame();
    out[0] = PFN_A + 2;
    done = 0;
    CHECK_RC(exchange(in, 2, 0, out, 1, 1, 32, &done), 0, "exchange 2 x 0 -> order 1");
    CHECK(done == 2 && m2p(out[0]) == PFN_A + 2 && m2p(out[0] + 1) == PFN_A + 3,
          "order-1 extent: done %u, M2P 0x%x 0x%x", done, m2p(out[0]), m2p(out[0] + 1));
    in[0] = out[0];
    out[0] = PFN_A + 4;
    out[1] = PFN_A + 5;
    done = 0;
    CHECK_RC(exchange(in, 1, 1, out, 2, 0, 0, &done), 0, "exchange order 1 -> 2 x 0");
    CHECK(done == 1 && m2p(out[0]) == PFN_A + 4 && m2p(out[1]) == PFN_A + 5,
          "split: done %u", done);
    CHECK(current_pages() == pages, "page count moved: %ld -> %ld", pages, current_pages());

    /* Three chunks (with mm_preempt_stress: two continuations between). */
    in[0] = spare_frame();
    in[1] = spare_frame();
    in[2] = spare_frame();
    out[0] = PFN_A + 10;
    out[1] = PFN_A + 11;
    out[2] = PFN_A + 12;
    done = 0;
    CHECK_RC(exchange(in, 3, 0, out, 3, 0, 0, &done), 0, "three chunks");
    CHECK(done == 3 && m2p(out[0]) == PFN_A + 10 && m2p(out[2]) == PFN_A + 12,
          "three chunks: done %u", done);

    /* Refusals. */
    mapped[0] = 0x42;
    in[0] = va_to_mfn(mapped);
    out[0] = PFN_A;
    done = 0;
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 0, &done), -XEN_EINVAL, "a mapped frame");
    CHECK(done == 0 && mapped[0] == 0x42, "a refused exchange lost data");
    in[0] = l1_mfn_of((uint32_t)mapped);
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 0, NULL), -XEN_EINVAL, "an L1 table");
    in[0] = (uint32_t)(start_info->shared_info >> 12);
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 0, NULL), -XEN_EINVAL, "shared_info");
    in[0] = in[1] = spare_frame();
    out[0] = PFN_A;
    CHECK_RC(exchange(in, 2, 0, out, 1, 1, 0, NULL), -XEN_EINVAL, "a frame named twice");
    CHECK_RC(pin(1, in[0]), 0, "the frame named twice is still ours");
    unpin(in[0]);
    CHECK_RC(exchange(in, 2, 0, out, 1, 0, 0, NULL), -XEN_EINVAL, "sizes differ");
    CHECK_RC(exchange(in, 1, 10, out, 1, 10, 0, NULL), -XEN_EPERM, "order 10");
    done = 2;
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 0, &done), -XEN_EINVAL, "nr_exchanged past the end");
    in[0] = spare_frame();
    done = 0;
    CHECK_RC(exchange(in, 1, 0, out, 1, 0, 12, &done), -XEN_ENOMEM,
             "below 4 KiB: no such frame");
    CHECK(done == 0, "nr_exchanged %u after -ENOMEM", done);
    CHECK_RC(pin(1, in[0]), 0, "the input frame is still ours after -ENOMEM");
    unpin(in[0]);

    struct xen_memory_exchange x = {
        .in = { .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .nr_extents = 1, .domid = 0x1234 },
    };
    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EINVAL, "domids differ");
    x.out.domid = x.in.domid = 0x1234;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_ESRCH, "no such domain");
    x.in.domid = x.out.domid = DOMID_SELF;
    set_xen_guest_handle(x.in.extent_start, (uint32_t *)0xfffff000u);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EFAULT, "in list in the hole");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange, (void *)0xfffff000u), -XEN_EFAULT,
             "argument in the hole");

    /* A bad second extent: the first is done, the call stops there. */
    in[0] = spare_frame();
    in[1] = va_to_mfn(mapped);
    out[0] = PFN_A + 8;
    out[1] = PFN_A + 9;
    done = 0;
    CHECK_RC(exchange(in, 2, 0, out, 2, 0, 0, &done), -XEN_EINVAL, "second extent mapped");
    CHECK(done == 1 && m2p(out[0]) == PFN_A + 8, "stopped at %u", done);
    CHECK(current_pages() == pages, "page count moved: %ld -> %ld", pages, current_pages());
    test_success();
}
