/*
 * tests/host/abi-layout-io.c - pin grant tables and the split-driver
 * protocols of include/public/ (sheet sections 10-13): grant entries and
 * ops, the console ring, the shared-ring layout with blkif and netif, and
 * the xenstore wire format and ring.  Also runs the ring macros at run time
 * (init, push and notify, final checks, wrap-around at 2^32).
 */
#include "abi-layout.h"

/* ---- grant tables (section 10) -------------------------------------- */
EQ(GNTTABOP_map_grant_ref, 0);
EQ(GNTTABOP_unmap_grant_ref, 1);
EQ(GNTTABOP_setup_table, 2);
EQ(GNTTABOP_dump_table, 3);
EQ(GNTTABOP_transfer, 4);
EQ(GNTTABOP_copy, 5);
EQ(GNTTABOP_query_size, 6);
EQ(GNTTABOP_unmap_and_replace, 7);
EQ(GNTTABOP_set_version, 8);
EQ(GNTTABOP_get_status_frames, 9);
EQ(GNTTABOP_get_version, 10);
EQ(GNTTABOP_swap_grant_ref, 11);
EQ(GNTTABOP_cache_flush, 12);
SIZE(struct gnttab_map_grant_ref, 32);
OFF(struct gnttab_map_grant_ref, host_addr, 0);
OFF(struct gnttab_map_grant_ref, flags, 8);
OFF(struct gnttab_map_grant_ref, ref, 12);
OFF(struct gnttab_map_grant_ref, dom, 16);
OFF(struct gnttab_map_grant_ref, status, 18);
OFF(struct gnttab_map_grant_ref, handle, 20);
OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24);
SIZE(struct gnttab_unmap_grant_ref, 24);
OFF(struct gnttab_unmap_grant_ref, host_addr, 0);
OFF(struct gnttab_unmap_grant_ref, dev_bus_addr, 8);
OFF(struct gnttab_unmap_grant_ref, handle, 16);
OFF(struct gnttab_unmap_grant_ref, status, 20);
SIZE(struct gnttab_setup_table, 16);
OFF(struct gnttab_setup_table, dom, 0);
OFF(struct gnttab_setup_table, nr_frames, 4);
OFF(struct gnttab_setup_table, status, 8);
OFF(struct gnttab_setup_table, frame_list, 12);
SIZE(struct gnttab_dump_table, 4);
OFF(struct gnttab_dump_table, dom, 0);
OFF(struct gnttab_dump_table, status, 2);
SIZE(struct gnttab_transfer, 16);
OFF(struct gnttab_transfer, mfn, 0);
OFF(struct gnttab_transfer, domid, 4);
OFF(struct gnttab_transfer, ref, 8);
OFF(struct gnttab_transfer, status, 12);
SIZE(struct gnttab_copy, 24);
OFF(struct gnttab_copy, source.u.ref, 0);
OFF(struct gnttab_copy, source.u.gmfn, 0);
OFF(struct gnttab_copy, source.domid, 4);
OFF(struct gnttab_copy, source.offset, 6);
OFF(struct gnttab_copy, dest.u.ref, 8);
OFF(struct gnttab_copy, dest.domid, 12);
OFF(struct gnttab_copy, dest.offset, 14);
OFF(struct gnttab_copy, len, 16);
OFF(struct gnttab_copy, flags, 18);
OFF(struct gnttab_copy, status, 20);
EQ(GNTCOPY_source_gref, 1);
EQ(GNTCOPY_dest_gref, 2);
SIZE(struct gnttab_query_size, 16);
OFF(struct gnttab_query_size, dom, 0);
OFF(struct gnttab_query_size, nr_frames, 4);
OFF(struct gnttab_query_size, max_nr_frames, 8);
OFF(struct gnttab_query_size, status, 12);
SIZE(struct gnttab_unmap_and_replace, 24);
OFF(struct gnttab_unmap_and_replace, host_addr, 0);
OFF(struct gnttab_unmap_and_replace, new_addr, 8);
OFF(struct gnttab_unmap_and_replace, handle, 16);
OFF(struct gnttab_unmap_and_replace, status, 20);
SIZE(struct gnttab_set_version, 4);
SIZE(struct gnttab_get_status_frames, 12);
SIZE(struct gnttab_get_version, 8);
OFF(struct gnttab_get_version, dom, 0);
OFF(struct gnttab_get_version, pad, 2);
OFF(struct gnttab_get_version, version, 4);
SIZE(struct gnttab_swap_grant_ref, 12);
SIZE(struct gnttab_cache_flush, 16);
SIZE(struct grant_entry_v1, 8);
SIZE(grant_entry_v1_t, 8);
OFF(struct grant_entry_v1, flags, 0);
OFF(struct grant_entry_v1, domid, 2);
OFF(struct grant_entry_v1, frame, 4);
SIZE(union grant_entry_v2, 16);
OFF(union grant_entry_v2, full_page.frame, 8);
OFF(union grant_entry_v2, sub_page.frame, 8);
EQ(GNTTAB_V1_ENTRIES_PER_FRAME, 512);
EQ(GTF_invalid, 0);
EQ(GTF_permit_access, 1);
EQ(GTF_accept_transfer, 2);
EQ(GTF_transitive, 3);
EQ(GTF_type_mask, 3);
EQ(GTF_readonly, 0x4);
EQ(GTF_reading, 0x8);
EQ(GTF_writing, 0x10);
EQ(GTF_PWT, 0x20);
EQ(GTF_PCD, 0x40);
EQ(GTF_PAT, 0x80);
EQ(GTF_sub_page, 0x100);
EQ(GTF_transfer_committed, 0x4);
EQ(GTF_transfer_completed, 0x8);
EQ(GNTMAP_device_map, 1);
EQ(GNTMAP_host_map, 2);
EQ(GNTMAP_readonly, 4);
EQ(GNTMAP_application_map, 8);
EQ(GNTMAP_contains_pte, 16);
EQ(_GNTMAP_guest_avail0, 16);
EQ(GNTST_okay, 0);
EQ(GNTST_general_error, -1);
EQ(GNTST_bad_domain, -2);
EQ(GNTST_bad_gntref, -3);
EQ(GNTST_bad_handle, -4);
EQ(GNTST_bad_virt_addr, -5);
EQ(GNTST_bad_dev_addr, -6);
EQ(GNTST_no_device_space, -7);
EQ(GNTST_permission_denied, -8);
EQ(GNTST_bad_page, -9);
EQ(GNTST_bad_copy_arg, -10);
EQ(GNTST_address_too_big, -11);
EQ(GNTST_eagain, -12);
EQ(GNTST_no_space, -13);
EQ(GNTTAB_NR_RESERVED_ENTRIES, 8);
EQ(GNTTAB_RESERVED_CONSOLE, 0);
EQ(GNTTAB_RESERVED_XENSTORE, 1);

/* ---- console (section 11) ------------------------------------------- */
EQ(CONSOLEIO_write, 0);
EQ(CONSOLEIO_read, 1);
OFF(struct xencons_interface, in, 0);
MSIZE(struct xencons_interface, in, 1024);
OFF(struct xencons_interface, out, 1024);
MSIZE(struct xencons_interface, out, 2048);
OFF(struct xencons_interface, in_cons, 3072);
OFF(struct xencons_interface, in_prod, 3076);
OFF(struct xencons_interface, out_cons, 3080);
OFF(struct xencons_interface, out_prod, 3084);
OFF(struct xencons_interface, connection, 3088);
SIZE(struct xencons_interface, 3092);
EQ(XENCONSOLE_CONNECTED, 0);
EQ(XENCONSOLE_DISCONNECTED, 1);

/* ---- rings, blkif, netif (section 12) ------------------------------- */
OFF(struct blkif_sring, req_prod, 0);
OFF(struct blkif_sring, req_event, 4);
OFF(struct blkif_sring, rsp_prod, 8);
OFF(struct blkif_sring, rsp_event, 12);
OFF(struct blkif_sring, pvt, 16);
OFF(struct blkif_sring, pvt.netif.smartpoll_active, 16);
OFF(struct blkif_sring, __pad, 20);
MSIZE(struct blkif_sring, __pad, 44);
OFF(struct blkif_sring, ring, 64);
OFF(struct netif_tx_sring, ring, 64);
OFF(struct netif_rx_sring, ring, 64);

SIZE(struct blkif_request_segment, 8);
OFF(struct blkif_request_segment, gref, 0);
OFF(struct blkif_request_segment, first_sect, 4);
OFF(struct blkif_request_segment, last_sect, 5);
SIZE(struct blkif_request, 108);
OFF(struct blkif_request, operation, 0);
OFF(struct blkif_request, nr_segments, 1);
OFF(struct blkif_request, handle, 2);
OFF(struct blkif_request, id, 4);
OFF(struct blkif_request, sector_number, 12);
OFF(struct blkif_request, seg, 20);
SIZE(struct blkif_request_discard, 28);
OFF(struct blkif_request_discard, operation, 0);
OFF(struct blkif_request_discard, flag, 1);
OFF(struct blkif_request_discard, handle, 2);
OFF(struct blkif_request_discard, id, 4);
OFF(struct blkif_request_discard, sector_number, 12);
OFF(struct blkif_request_discard, nr_sectors, 20);
SIZE(struct blkif_request_indirect, 64);
OFF(struct blkif_request_indirect, operation, 0);
OFF(struct blkif_request_indirect, indirect_op, 1);
OFF(struct blkif_request_indirect, nr_segments, 2);
OFF(struct blkif_request_indirect, id, 4);
OFF(struct blkif_request_indirect, sector_number, 12);
OFF(struct blkif_request_indirect, handle, 20);
OFF(struct blkif_request_indirect, indirect_grefs, 24);
OFF(struct blkif_request_indirect, _pad2, 56);
SIZE(struct blkif_response, 12);
OFF(struct blkif_response, id, 0);
OFF(struct blkif_response, operation, 8);
OFF(struct blkif_response, status, 10);
SIZE(union blkif_sring_entry, 108);
EQ(__CONST_RING_SIZE(blkif, 4096), 32);
EQ(BLKIF_OP_READ, 0);
EQ(BLKIF_OP_WRITE, 1);
EQ(BLKIF_OP_WRITE_BARRIER, 2);
EQ(BLKIF_OP_FLUSH_DISKCACHE, 3);
EQ(BLKIF_OP_RESERVED_1, 4);
EQ(BLKIF_OP_DISCARD, 5);
EQ(BLKIF_OP_INDIRECT, 6);
EQ(BLKIF_RSP_OKAY, 0);
EQ(BLKIF_RSP_ERROR, -1);
EQ(BLKIF_RSP_EOPNOTSUPP, -2);
EQ(BLKIF_MAX_SEGMENTS_PER_REQUEST, 11);
EQ(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST, 8);
EQ(BLKIF_DISCARD_SECURE, 1);
EQ(VDISK_CDROM, 1);
EQ(VDISK_REMOVABLE, 2);
EQ(VDISK_READONLY, 4);

SIZE(struct netif_tx_request, 12);
OFF(struct netif_tx_request, gref, 0);
OFF(struct netif_tx_request, offset, 4);
OFF(struct netif_tx_request, flags, 6);
OFF(struct netif_tx_request, id, 8);
OFF(struct netif_tx_request, size, 10);
SIZE(struct netif_tx_response, 4);
OFF(struct netif_tx_response, id, 0);
OFF(struct netif_tx_response, status, 2);
SIZE(struct netif_rx_request, 8);
OFF(struct netif_rx_request, id, 0);
OFF(struct netif_rx_request, pad, 2);
OFF(struct netif_rx_request, gref, 4);
SIZE(struct netif_rx_response, 8);
OFF(struct netif_rx_response, id, 0);
OFF(struct netif_rx_response, offset, 2);
OFF(struct netif_rx_response, flags, 4);
OFF(struct netif_rx_response, status, 6);
SIZE(struct netif_extra_info, 8);
OFF(struct netif_extra_info, type, 0);
OFF(struct netif_extra_info, flags, 1);
OFF(struct netif_extra_info, u, 2);
OFF(struct netif_extra_info, u.gso.size, 2);
OFF(struct netif_extra_info, u.gso.type, 4);
OFF(struct netif_extra_info, u.gso.pad, 5);
OFF(struct netif_extra_info, u.gso.features, 6);
MSIZE(struct netif_extra_info, u.mcast.addr, 6);
EQ(__CONST_RING_SIZE(netif_tx, 4096), 256);
EQ(__CONST_RING_SIZE(netif_rx, 4096), 256);
EQ(NETTXF_csum_blank, 1);
EQ(NETTXF_data_validated, 2);
EQ(NETTXF_more_data, 4);
EQ(NETTXF_extra_info, 8);
EQ(NETRXF_data_validated, 1);
EQ(NETRXF_csum_blank, 2);
EQ(NETRXF_more_data, 4);
EQ(NETRXF_extra_info, 8);
EQ(NETRXF_gso_prefix, 16);
EQ(NETIF_RSP_OKAY, 0);
EQ(NETIF_RSP_ERROR, -1);
EQ(NETIF_RSP_DROPPED, -2);
EQ(NETIF_RSP_NULL, 1);
EQ(XEN_NETIF_MAX_TX_SIZE, 0xFFFF);
EQ(XEN_NETIF_NR_SLOTS_MIN, 18);

/* ---- xenstore (section 13) ------------------------------------------ */
SIZE(struct xsd_sockmsg, 16);
OFF(struct xsd_sockmsg, type, 0);
OFF(struct xsd_sockmsg, req_id, 4);
OFF(struct xsd_sockmsg, tx_id, 8);
OFF(struct xsd_sockmsg, len, 12);
EQ(XS_CONTROL, 0);
EQ(XS_DEBUG, 0);
EQ(XS_DIRECTORY, 1);
EQ(XS_READ, 2);
EQ(XS_GET_PERMS, 3);
EQ(XS_WATCH, 4);
EQ(XS_UNWATCH, 5);
EQ(XS_TRANSACTION_START, 6);
EQ(XS_TRANSACTION_END, 7);
EQ(XS_INTRODUCE, 8);
EQ(XS_RELEASE, 9);
EQ(XS_GET_DOMAIN_PATH, 10);
EQ(XS_WRITE, 11);
EQ(XS_MKDIR, 12);
EQ(XS_RM, 13);
EQ(XS_SET_PERMS, 14);
EQ(XS_WATCH_EVENT, 15);
EQ(XS_ERROR, 16);
EQ(XS_IS_DOMAIN_INTRODUCED, 17);
EQ(XS_RESUME, 18);
EQ(XS_SET_TARGET, 19);
EQ(XS_RESTRICT, 20);
EQ(XS_RESET_WATCHES, 21);
EQ(XS_DIRECTORY_PART, 22);
EQ(XS_GET_FEATURE, 23);
EQ(XS_SET_FEATURE, 24);
EQ(XS_GET_QUOTA, 25);
EQ(XS_SET_QUOTA, 26);
EQ(XS_INVALID, 0xFFFF);
EQ(XENSTORE_PAYLOAD_MAX, 4096);
EQ(XENSTORE_ABS_PATH_MAX, 3072);
EQ(XENSTORE_REL_PATH_MAX, 2048);
EQ(XENSTORE_RING_SIZE, 1024);
EQ(sizeof(xsd_errors) / sizeof(xsd_errors[0]), 16);
OFF(struct xenstore_domain_interface, req, 0);
OFF(struct xenstore_domain_interface, rsp, 1024);
OFF(struct xenstore_domain_interface, req_cons, 2048);
OFF(struct xenstore_domain_interface, req_prod, 2052);
OFF(struct xenstore_domain_interface, rsp_cons, 2056);
OFF(struct xenstore_domain_interface, rsp_prod, 2060);
OFF(struct xenstore_domain_interface, server_features, 2064);
OFF(struct xenstore_domain_interface, connection, 2068);
OFF(struct xenstore_domain_interface, error, 2072);
OFF(struct xenstore_domain_interface, evtchn_port, 2076);
SIZE(struct xenstore_domain_interface, 2080);
EQ(XENSTORE_SERVER_FEATURE_RECONNECTION, 1);
EQ(XENSTORE_SERVER_FEATURE_ERROR, 2);
EQ(XENSTORE_SERVER_FEATURE_WATCHDEPTH, 4);
EQ(XENSTORE_SERVER_FEATURE_DOMID_ANY, 8);
EQ(XENSTORE_CONNECTED, 0);
EQ(XENSTORE_RECONNECT, 1);
EQ(XENSTORE_ERROR_NONE, 0);
EQ(XENSTORE_ERROR_COMM, 1);
EQ(XENSTORE_ERROR_RINGIDX, 2);
EQ(XENSTORE_ERROR_PROTO, 3);
EQ(XenbusStateUnknown, 0);
EQ(XenbusStateInitialising, 1);
EQ(XenbusStateInitWait, 2);
EQ(XenbusStateInitialised, 3);
EQ(XenbusStateConnected, 4);
EQ(XenbusStateClosing, 5);
EQ(XenbusStateClosed, 6);
EQ(XenbusStateReconfiguring, 7);
EQ(XenbusStateReconfigured, 8);

/* ---- ring macros at run time -------------------------------------- */

/* A page-aligned shared ring page and both ends of a blkif ring. */
static union {
    struct blkif_sring sring;
    uint8_t page[4096];
} __attribute__((aligned(4096))) blk_page;

static void check_ring_once(RING_IDX start)
{
    struct blkif_sring *s = &blk_page.sring;
    struct blkif_front_ring front;
    struct blkif_back_ring back;
    struct blkif_request req;
    struct blkif_response *rsp;
    unsigned int i;
    int notify, work;

    SHARED_RING_INIT(s);
    s->req_prod = s->rsp_prod = start;
    s->req_event = s->rsp_event = start + 1;
    FRONT_RING_ATTACH(&front, s, start, 4096);
    BACK_RING_ATTACH(&back, s, start, 4096);
    CHECK(RING_SIZE(&front) == 32 && RING_SIZE(&back) == 32);
    CHECK(RING_FREE_REQUESTS(&front) == 32 && !RING_FULL(&front));

    /* Backend idles: nothing to do, asks for a notification. */
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    CHECK(!work && s->req_event == start + 1);

    /* Front fills the ring; the first push must notify. */
    for (i = 0; i < 32; i++) {
        struct blkif_request *r = RING_GET_REQUEST(&front, front.req_prod_pvt);
        r->operation = BLKIF_OP_READ;
        r->id = 1000 + i;
        front.req_prod_pvt++;
    }
    CHECK(RING_FULL(&front));
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    CHECK(notify);
    CHECK(!RING_REQUEST_PROD_OVERFLOW(&back, s->req_prod));

    /* Backend consumes and answers everything. */
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    CHECK(work == 32);
    for (i = 0; i < 32; i++) {
        CHECK(!RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons));
        RING_COPY_REQUEST(&back, back.req_cons, &req);
        back.req_cons++;
        CHECK(req.id == 1000 + i);
        rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
        rsp->id = req.id;
        rsp->status = BLKIF_RSP_OKAY;
        back.rsp_prod_pvt++;
    }
    CHECK(RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons + 32));
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    CHECK(notify);
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    CHECK(!work);

    /* Front consumes the responses, then waits for more. */
    RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
    CHECK(work == 32);
    for (i = 0; i < 32; i++) {
        struct blkif_response r;
        RING_COPY_RESPONSE(&front, front.rsp_cons, &r);
        CHECK(r.id == 1000 + i && r.status == BLKIF_RSP_OKAY);
        front.rsp_cons++;
    }
    CHECK(RING_FREE_REQUESTS(&front) == 32);
    RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
    CHECK(!work && s->rsp_event == front.rsp_cons + 1);

    /* One more response crosses rsp_event: notify; a second does not. */
    RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = 1;
    back.rsp_prod_pvt++;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    CHECK(notify);
    RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = 2;
    back.rsp_prod_pvt++;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    CHECK(!notify);
    CHECK(RING_HAS_UNCONSUMED_RESPONSES(&front) == 2);
    CHECK(!RING_RESPONSE_PROD_OVERFLOW(&front, s->rsp_prod));

    /* Plain pushes publish without deciding. */
    RING_PUSH_REQUESTS(&front);
    RING_PUSH_RESPONSES(&back);
}

void abi_check_rings(void)
{
    check_ring_once(0);
    check_ring_once(0xfffffff0u);   /* indexes wrap mid-way */
    check_ring_once(0xffffffffu);
    {
        static union {
            struct netif_tx_sring s;
            uint8_t page[4096];
        } tx;
        struct netif_tx_front_ring f;

        SHARED_RING_INIT(&tx.s);
        FRONT_RING_INIT(&f, &tx.s, 4096);
        CHECK(RING_SIZE(&f) == 256);
        CHECK(tx.s.req_event == 1 && tx.s.rsp_event == 1);
    }
}
