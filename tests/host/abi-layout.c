/*
 * tests/host/abi-layout.c - pin the guest ABI in include/public/.
 *
 * Every number, size and offset of Xen's x86_32 PV ABI that the fact
 * sheet (shared/abi/xen-x86_32-pv.md) gives is checked with a static
 * assertion: the core ABI here, grants and the split-driver protocols
 * (console, rings, blkif, netif, xenstore) in abi-layout-io.c.  The file is built twice, with -m32 (the guest's view) and
 * -m64 (the hypervisor's view); if either build compiles, that view of
 * the ABI is right, and since both check the same numbers they agree with
 * each other.  main() adds a short run of the ring macros (init, push and
 * notify, final checks, wrap-around), which as macros are otherwise only
 * compiled where someone uses them, and the CR3 and trap_info helpers.
 *
 * Output: one line, "PASS abi-layout-m32" / "-m64", or FAIL lines.
 */
#include "abi-layout.h"

/* ---- basic types --------------------------------------------------- */
SIZE(xen_ulong_t, 4);
SIZE(xen_long_t, 4);
SIZE(xen_pfn_t, 4);
SIZE(domid_t, 2);
SIZE(evtchn_port_t, 4);
SIZE(grant_ref_t, 4);
SIZE(grant_handle_t, 4);
SIZE(xen_guest_handle_t, 4);
SIZE(XEN_GUEST_HANDLE(void), 4);
SIZE(uint64_aligned_t, 8);
SIZE(int64_aligned_t, 8);
EQ(_Alignof(uint64_aligned_t), 4);
EQ(_Alignof(int64_aligned_t), 4);
SIZE(xen_domain_handle_t, 16);
SIZE(RING_IDX, 4);

/* ---- hypercall numbers (sheet section 2) ---------------------------- */
EQ(__HYPERVISOR_set_trap_table, 0);
EQ(__HYPERVISOR_mmu_update, 1);
EQ(__HYPERVISOR_set_gdt, 2);
EQ(__HYPERVISOR_stack_switch, 3);
EQ(__HYPERVISOR_set_callbacks, 4);
EQ(__HYPERVISOR_fpu_taskswitch, 5);
EQ(__HYPERVISOR_sched_op_compat, 6);
EQ(__HYPERVISOR_platform_op, 7);
EQ(__HYPERVISOR_dom0_op, 7);
EQ(__HYPERVISOR_set_debugreg, 8);
EQ(__HYPERVISOR_get_debugreg, 9);
EQ(__HYPERVISOR_update_descriptor, 10);
EQ(__HYPERVISOR_memory_op, 12);
EQ(__HYPERVISOR_multicall, 13);
EQ(__HYPERVISOR_update_va_mapping, 14);
EQ(__HYPERVISOR_set_timer_op, 15);
EQ(__HYPERVISOR_event_channel_op_compat, 16);
EQ(__HYPERVISOR_xen_version, 17);
EQ(__HYPERVISOR_console_io, 18);
EQ(__HYPERVISOR_physdev_op_compat, 19);
EQ(__HYPERVISOR_grant_table_op, 20);
EQ(__HYPERVISOR_vm_assist, 21);
EQ(__HYPERVISOR_update_va_mapping_otherdomain, 22);
EQ(__HYPERVISOR_iret, 23);
EQ(__HYPERVISOR_vcpu_op, 24);
EQ(__HYPERVISOR_set_segment_base, 25);
EQ(__HYPERVISOR_mmuext_op, 26);
EQ(__HYPERVISOR_xsm_op, 27);
EQ(__HYPERVISOR_acm_op, 27);
EQ(__HYPERVISOR_nmi_op, 28);
EQ(__HYPERVISOR_sched_op, 29);
EQ(__HYPERVISOR_callback_op, 30);
EQ(__HYPERVISOR_xenoprof_op, 31);
EQ(__HYPERVISOR_event_channel_op, 32);
EQ(__HYPERVISOR_physdev_op, 33);
EQ(__HYPERVISOR_hvm_op, 34);
EQ(__HYPERVISOR_sysctl, 35);
EQ(__HYPERVISOR_domctl, 36);
EQ(__HYPERVISOR_kexec_op, 37);
EQ(__HYPERVISOR_tmem_op, 38);
EQ(__HYPERVISOR_argo_op, 39);
EQ(__HYPERVISOR_xenpmu_op, 40);
EQ(__HYPERVISOR_dm_op, 41);
EQ(__HYPERVISOR_hypfs_op, 42);
EQ(__HYPERVISOR_arch_0, 48);
EQ(__HYPERVISOR_mca, 48);
EQ(__HYPERVISOR_arch_1, 49);
EQ(__HYPERVISOR_paging_domctl_cont, 49);
EQ(__HYPERVISOR_arch_2, 50);
EQ(__HYPERVISOR_arch_3, 51);
EQ(__HYPERVISOR_arch_4, 52);
EQ(__HYPERVISOR_arch_5, 53);
EQ(__HYPERVISOR_arch_6, 54);
EQ(__HYPERVISOR_arch_7, 55);
EQ(MICA_NR_HYPERCALLS, 64);
_Static_assert(__HYPERVISOR_arch_7 < MICA_NR_HYPERCALLS, "hypercall table too small");

/* ---- hypercall page (section 1) ------------------------------------ */
EQ(MICA_HYPERCALL_VECTOR, 0x82);
EQ(MICA_HYPERCALL_SLOT_SIZE * MICA_HYPERCALL_SLOTS, 4096);
EQ(__HYPERVISOR_iret * MICA_HYPERCALL_SLOT_SIZE, 0x2E0);

/* ---- segments and layout (section 3) ------------------------------- */
EQ(FLAT_RING1_CS, 0xe019);
EQ(FLAT_RING1_DS, 0xe021);
EQ(FLAT_RING1_SS, 0xe021);
EQ(FLAT_RING3_CS, 0xe02b);
EQ(FLAT_RING3_DS, 0xe033);
EQ(FLAT_RING3_SS, 0xe033);
EQ(FLAT_KERNEL_CS, FLAT_RING1_CS);
EQ(FLAT_KERNEL_DS, FLAT_RING1_DS);
EQ(FLAT_KERNEL_SS, FLAT_RING1_SS);
EQ(FLAT_USER_CS, FLAT_RING3_CS);
EQ(FLAT_USER_DS, FLAT_RING3_DS);
EQ(FLAT_USER_SS, FLAT_RING3_SS);
EQ(FIRST_RESERVED_GDT_PAGE, 14);
EQ(FIRST_RESERVED_GDT_BYTE, 57344);
EQ(FIRST_RESERVED_GDT_BYTE, 0xE000);
EQ(FIRST_RESERVED_GDT_ENTRY, 7168);
/* The selectors are reserved-page entries +3..+6 (indexes 7171-7174). */
EQ(FLAT_RING1_CS >> 3, 7171);
EQ(FLAT_RING1_DS >> 3, 7172);
EQ(FLAT_RING3_CS >> 3, 7173);
EQ(FLAT_RING3_DS >> 3, 7174);
EQ(FLAT_RING1_CS & 3, 1);
EQ(FLAT_RING1_DS & 3, 1);
EQ(FLAT_RING3_CS & 3, 3);
EQ(FLAT_RING3_DS & 3, 3);
EQ(HYPERVISOR_VIRT_START, 0xF5800000);
EQ(MACH2PHYS_VIRT_START, 0xF5800000);
EQ(MACH2PHYS_VIRT_END, 0xF6800000);
EQ(MACH2PHYS_NR_ENTRIES, 4194304);
EQ(XEN_LEGACY_MAX_VCPUS, 32);
EQ(MAX_GUEST_CMDLINE, 1024);
EQ(XEN_PAGE_SIZE, 4096);
EQ(XEN_PAGE_SHIFT, 12);
/* Hole = L3 slot 3, L2 entries 428..511. */
EQ((HYPERVISOR_VIRT_START >> 30), 3);
EQ(((HYPERVISOR_VIRT_START >> 21) & 511), 428);

/* ---- start_info (section 4.1) --------------------------------------- */
SIZE(struct start_info, 1112);
SIZE(start_info_t, 1112);
OFF(struct start_info, magic, 0);
MSIZE(struct start_info, magic, 32);
OFF(struct start_info, nr_pages, 32);
OFF(struct start_info, shared_info, 36);
OFF(struct start_info, flags, 40);
OFF(struct start_info, store_mfn, 44);
OFF(struct start_info, store_evtchn, 48);
OFF(struct start_info, console.domU.mfn, 52);
OFF(struct start_info, console.domU.evtchn, 56);
OFF(struct start_info, console.dom0.info_off, 52);
OFF(struct start_info, console.dom0.info_size, 56);
OFF(struct start_info, pt_base, 60);
OFF(struct start_info, nr_pt_frames, 64);
OFF(struct start_info, mfn_list, 68);
OFF(struct start_info, mod_start, 72);
OFF(struct start_info, mod_len, 76);
OFF(struct start_info, cmd_line, 80);
MSIZE(struct start_info, cmd_line, 1024);
OFF(struct start_info, first_p2m_pfn, 1104);
OFF(struct start_info, nr_p2m_frames, 1108);
EQ(SIF_PRIVILEGED, 1);
EQ(SIF_INITDOMAIN, 2);
EQ(SIF_MULTIBOOT_MOD, 4);
EQ(SIF_MOD_START_PFN, 8);
EQ(SIF_VIRT_P2M_4TOOLS, 16);
EQ(SIF_PM_MASK, 0xFF00);
SIZE(struct xen_multiboot_mod_list, 16);
SIZE(struct dom0_vga_console_info, 40);
OFF(struct dom0_vga_console_info, u, 4);
OFF(struct dom0_vga_console_info, u.vesa_lfb.ext_lfb_base, 36);
EQ(XEN_VGATYPE_TEXT_MODE_3, 0x03);
EQ(XEN_VGATYPE_VESA_LFB, 0x23);
EQ(XEN_VGATYPE_EFI_LFB, 0x70);
_Static_assert(sizeof(MICA_GUEST_ABI) <= 32, "magic does not fit start_info.magic");

/* ---- vcpu_info, vcpu_time_info, shared_info (section 5) ------------- */
SIZE(struct vcpu_info, 64);
OFF(struct vcpu_info, evtchn_upcall_pending, 0);
OFF(struct vcpu_info, evtchn_upcall_mask, 1);
OFF(struct vcpu_info, evtchn_pending_sel, 4);
OFF(struct vcpu_info, arch, 8);
OFF(struct vcpu_info, arch.cr2, 8);
OFF(struct vcpu_info, arch.pad, 12);
OFF(struct vcpu_info, time, 32);
SIZE(struct arch_vcpu_info, 24);

SIZE(struct vcpu_time_info, 32);
OFF(struct vcpu_time_info, version, 0);
OFF(struct vcpu_time_info, pad0, 4);
OFF(struct vcpu_time_info, tsc_timestamp, 8);
OFF(struct vcpu_time_info, system_time, 16);
OFF(struct vcpu_time_info, tsc_to_system_mul, 24);
OFF(struct vcpu_time_info, tsc_shift, 28);
OFF(struct vcpu_time_info, flags, 29);
OFF(struct vcpu_time_info, pad1, 30);
EQ(XEN_PVCLOCK_TSC_STABLE_BIT, 1);
EQ(XEN_PVCLOCK_GUEST_STOPPED, 2);

SIZE(struct shared_info, 2344);
OFF(struct shared_info, vcpu_info, 0);
OFF(struct shared_info, vcpu_info[1], 64);
OFF(struct shared_info, evtchn_pending, 2048);
MSIZE(struct shared_info, evtchn_pending, 128);
OFF(struct shared_info, evtchn_mask, 2176);
MSIZE(struct shared_info, evtchn_mask, 128);
OFF(struct shared_info, wc_version, 2304);
OFF(struct shared_info, wc_sec, 2308);
OFF(struct shared_info, wc_nsec, 2312);
OFF(struct shared_info, arch, 2316);
OFF(struct shared_info, arch.max_pfn, 2316);
OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 2320);
OFF(struct shared_info, arch.nmi_reason, 2324);
OFF(struct shared_info, arch.p2m_cr3, 2328);
OFF(struct shared_info, arch.p2m_vaddr, 2332);
OFF(struct shared_info, arch.p2m_generation, 2336);
OFF(struct shared_info, arch.wc_sec_hi, 2340);
SIZE(struct arch_shared_info, 28);
_Static_assert(sizeof(struct shared_info) <= 4096, "shared_info exceeds a page");
EQ(EVTCHN_2L_NR_CHANNELS, 1024);
EQ(EVTCHN_2L_NR_CHANNELS, sizeof(((struct shared_info *)0)->evtchn_pending) * 8);

/* ---- mmu_update, mmuext_op, update_va_mapping (section 6) ---------- */
SIZE(struct mmu_update, 16);
OFF(struct mmu_update, ptr, 0);
OFF(struct mmu_update, val, 8);
EQ(MMU_NORMAL_PT_UPDATE, 0);
EQ(MMU_MACHPHYS_UPDATE, 1);
EQ(MMU_PT_UPDATE_PRESERVE_AD, 2);
EQ(MMU_PT_UPDATE_NO_TRANSLATE, 3);
SIZE(struct mmuext_op, 12);
OFF(struct mmuext_op, cmd, 0);
OFF(struct mmuext_op, arg1, 4);
OFF(struct mmuext_op, arg1.mfn, 4);
OFF(struct mmuext_op, arg1.linear_addr, 4);
OFF(struct mmuext_op, arg2, 8);
OFF(struct mmuext_op, arg2.nr_ents, 8);
OFF(struct mmuext_op, arg2.vcpumask, 8);
OFF(struct mmuext_op, arg2.src_mfn, 8);
EQ(MMUEXT_PIN_L1_TABLE, 0);
EQ(MMUEXT_PIN_L2_TABLE, 1);
EQ(MMUEXT_PIN_L3_TABLE, 2);
EQ(MMUEXT_PIN_L4_TABLE, 3);
EQ(MMUEXT_UNPIN_TABLE, 4);
EQ(MMUEXT_NEW_BASEPTR, 5);
EQ(MMUEXT_TLB_FLUSH_LOCAL, 6);
EQ(MMUEXT_INVLPG_LOCAL, 7);
EQ(MMUEXT_TLB_FLUSH_MULTI, 8);
EQ(MMUEXT_INVLPG_MULTI, 9);
EQ(MMUEXT_TLB_FLUSH_ALL, 10);
EQ(MMUEXT_INVLPG_ALL, 11);
EQ(MMUEXT_FLUSH_CACHE, 12);
EQ(MMUEXT_SET_LDT, 13);
EQ(MMUEXT_NEW_USER_BASEPTR, 15);
EQ(MMUEXT_CLEAR_PAGE, 16);
EQ(MMUEXT_COPY_PAGE, 17);
EQ(MMUEXT_FLUSH_CACHE_GLOBAL, 18);
EQ(MMUEXT_MARK_SUPER, 19);
EQ(MMUEXT_UNMARK_SUPER, 20);
EQ(UVMF_NONE, 0);
EQ(UVMF_TLB_FLUSH, 1);
EQ(UVMF_INVLPG, 2);
EQ(UVMF_FLUSHTYPE_MASK, 3);
EQ(UVMF_LOCAL, 0);
EQ(UVMF_MULTI, 0);
EQ(UVMF_ALL, 4);
EQ(DOMID_FIRST_RESERVED, 0x7FF0);
EQ(DOMID_SELF, 0x7FF0);
EQ(DOMID_IO, 0x7FF1);
EQ(DOMID_XEN, 0x7FF2);
EQ(DOMID_COW, 0x7FF3);
EQ(DOMID_INVALID, 0x7FF4);
EQ(DOMID_ANY, 0x7FF5);
EQ(DOMID_IDLE, 0x7FFF);

/* ---- traps and callbacks (section 7) -------------------------------- */
SIZE(struct trap_info, 8);
SIZE(trap_info_t, 8);
OFF(struct trap_info, vector, 0);
OFF(struct trap_info, flags, 1);
OFF(struct trap_info, cs, 2);
OFF(struct trap_info, address, 4);
EQ(TI_DPL_MASK, 3);
EQ(TI_IF_FLAG, 4);

SIZE(struct cpu_user_regs, 68);
OFF(struct cpu_user_regs, ebx, 0);
OFF(struct cpu_user_regs, ecx, 4);
OFF(struct cpu_user_regs, edx, 8);
OFF(struct cpu_user_regs, esi, 12);
OFF(struct cpu_user_regs, edi, 16);
OFF(struct cpu_user_regs, ebp, 20);
OFF(struct cpu_user_regs, eax, 24);
OFF(struct cpu_user_regs, error_code, 28);
OFF(struct cpu_user_regs, entry_vector, 30);
OFF(struct cpu_user_regs, eip, 32);
OFF(struct cpu_user_regs, cs, 36);
OFF(struct cpu_user_regs, saved_upcall_mask, 38);
OFF(struct cpu_user_regs, eflags, 40);
OFF(struct cpu_user_regs, esp, 44);
OFF(struct cpu_user_regs, ss, 48);
OFF(struct cpu_user_regs, es, 52);
OFF(struct cpu_user_regs, ds, 56);
OFF(struct cpu_user_regs, fs, 60);
OFF(struct cpu_user_regs, gs, 64);

SIZE(struct vcpu_guest_context, 2800);
OFF(struct vcpu_guest_context, fpu_ctxt, 0);
MSIZE(struct vcpu_guest_context, fpu_ctxt, 512);
OFF(struct vcpu_guest_context, flags, 512);
OFF(struct vcpu_guest_context, user_regs, 516);
OFF(struct vcpu_guest_context, user_regs.eip, 548);
OFF(struct vcpu_guest_context, trap_ctxt, 584);
MSIZE(struct vcpu_guest_context, trap_ctxt, 2048);
OFF(struct vcpu_guest_context, ldt_base, 2632);
OFF(struct vcpu_guest_context, ldt_ents, 2636);
OFF(struct vcpu_guest_context, gdt_frames, 2640);
MSIZE(struct vcpu_guest_context, gdt_frames, 64);
OFF(struct vcpu_guest_context, gdt_ents, 2704);
OFF(struct vcpu_guest_context, kernel_ss, 2708);
OFF(struct vcpu_guest_context, kernel_sp, 2712);
OFF(struct vcpu_guest_context, ctrlreg, 2716);
MSIZE(struct vcpu_guest_context, ctrlreg, 32);
OFF(struct vcpu_guest_context, debugreg, 2748);
MSIZE(struct vcpu_guest_context, debugreg, 32);
OFF(struct vcpu_guest_context, event_callback_cs, 2780);
OFF(struct vcpu_guest_context, event_callback_eip, 2784);
OFF(struct vcpu_guest_context, failsafe_callback_cs, 2788);
OFF(struct vcpu_guest_context, failsafe_callback_eip, 2792);
OFF(struct vcpu_guest_context, vm_assist, 2796);
EQ(VGCF_i387_valid, 1);
EQ(VGCF_in_kernel, 4);
EQ(VGCF_failsafe_disables_events, 8);
EQ(VGCF_syscall_disables_events, 16);
EQ(VGCF_online, 32);

SIZE(xen_callback_t, 8);
SIZE(struct callback_register, 12);
OFF(struct callback_register, type, 0);
OFF(struct callback_register, flags, 2);
OFF(struct callback_register, address.cs, 4);
OFF(struct callback_register, address.eip, 8);
SIZE(struct callback_unregister, 4);
OFF(struct callback_unregister, type, 0);
EQ(CALLBACKOP_register, 0);
EQ(CALLBACKOP_unregister, 1);
EQ(CALLBACKTYPE_event, 0);
EQ(CALLBACKTYPE_failsafe, 1);
EQ(CALLBACKTYPE_syscall, 2);
EQ(CALLBACKTYPE_sysenter_deprecated, 3);
EQ(CALLBACKTYPE_nmi, 4);
EQ(CALLBACKTYPE_sysenter, 5);
EQ(CALLBACKTYPE_syscall32, 7);
EQ(CALLBACKF_mask_events, 1);

/* ---- event channels (section 8) ------------------------------------- */
EQ(EVTCHNOP_bind_interdomain, 0);
EQ(EVTCHNOP_bind_virq, 1);
EQ(EVTCHNOP_bind_pirq, 2);
EQ(EVTCHNOP_close, 3);
EQ(EVTCHNOP_send, 4);
EQ(EVTCHNOP_status, 5);
EQ(EVTCHNOP_alloc_unbound, 6);
EQ(EVTCHNOP_bind_ipi, 7);
EQ(EVTCHNOP_bind_vcpu, 8);
EQ(EVTCHNOP_unmask, 9);
EQ(EVTCHNOP_reset, 10);
EQ(EVTCHNOP_init_control, 11);
EQ(EVTCHNOP_expand_array, 12);
EQ(EVTCHNOP_set_priority, 13);
SIZE(struct evtchn_bind_interdomain, 12);
OFF(struct evtchn_bind_interdomain, remote_dom, 0);
OFF(struct evtchn_bind_interdomain, remote_port, 4);
OFF(struct evtchn_bind_interdomain, local_port, 8);
SIZE(struct evtchn_bind_virq, 12);
OFF(struct evtchn_bind_virq, virq, 0);
OFF(struct evtchn_bind_virq, vcpu, 4);
OFF(struct evtchn_bind_virq, port, 8);
SIZE(struct evtchn_bind_pirq, 12);
OFF(struct evtchn_bind_pirq, pirq, 0);
OFF(struct evtchn_bind_pirq, flags, 4);
OFF(struct evtchn_bind_pirq, port, 8);
EQ(BIND_PIRQ__WILL_SHARE, 1);
SIZE(struct evtchn_close, 4);
SIZE(struct evtchn_send, 4);
SIZE(struct evtchn_status, 24);
OFF(struct evtchn_status, dom, 0);
OFF(struct evtchn_status, port, 4);
OFF(struct evtchn_status, status, 8);
OFF(struct evtchn_status, vcpu, 12);
OFF(struct evtchn_status, u, 16);
OFF(struct evtchn_status, u.unbound.dom, 16);
OFF(struct evtchn_status, u.interdomain.dom, 16);
OFF(struct evtchn_status, u.interdomain.port, 20);
OFF(struct evtchn_status, u.pirq, 16);
OFF(struct evtchn_status, u.virq, 16);
EQ(EVTCHNSTAT_closed, 0);
EQ(EVTCHNSTAT_unbound, 1);
EQ(EVTCHNSTAT_interdomain, 2);
EQ(EVTCHNSTAT_pirq, 3);
EQ(EVTCHNSTAT_virq, 4);
EQ(EVTCHNSTAT_ipi, 5);
SIZE(struct evtchn_alloc_unbound, 8);
OFF(struct evtchn_alloc_unbound, dom, 0);
OFF(struct evtchn_alloc_unbound, remote_dom, 2);
OFF(struct evtchn_alloc_unbound, port, 4);
SIZE(struct evtchn_bind_ipi, 8);
OFF(struct evtchn_bind_ipi, vcpu, 0);
OFF(struct evtchn_bind_ipi, port, 4);
SIZE(struct evtchn_bind_vcpu, 8);
OFF(struct evtchn_bind_vcpu, port, 0);
OFF(struct evtchn_bind_vcpu, vcpu, 4);
SIZE(struct evtchn_unmask, 4);
SIZE(struct evtchn_reset, 2);
SIZE(struct evtchn_init_control, 24);
SIZE(struct evtchn_expand_array, 8);
SIZE(struct evtchn_set_priority, 8);
OFF(struct evtchn_init_control, control_gfn, 0);
OFF(struct evtchn_init_control, offset, 8);
OFF(struct evtchn_init_control, vcpu, 12);
OFF(struct evtchn_init_control, link_bits, 16);
OFF(struct evtchn_set_priority, priority, 4);
SIZE(struct evtchn_fifo_control_block, 72);
OFF(struct evtchn_fifo_control_block, ready, 0);
OFF(struct evtchn_fifo_control_block, head, 8);
SIZE(event_word_t, 4);
EQ(EVTCHN_FIFO_NR_CHANNELS, 131072);
EQ(EVTCHN_FIFO_LINK_MASK, 0x1ffff);
EQ(EVTCHN_FIFO_PENDING, 31);
EQ(EVTCHN_FIFO_MASKED, 30);
EQ(EVTCHN_FIFO_LINKED, 29);
EQ(EVTCHN_FIFO_BUSY, 28);
EQ(EVTCHN_FIFO_MAX_QUEUES, 16);
SIZE(struct evtchn_op, 28);
OFF(struct evtchn_op, cmd, 0);
OFF(struct evtchn_op, u, 4);

EQ(VIRQ_TIMER, 0);
EQ(VIRQ_DEBUG, 1);
EQ(VIRQ_CONSOLE, 2);
EQ(VIRQ_DOM_EXC, 3);
EQ(VIRQ_TBUF, 4);
EQ(VIRQ_DEBUGGER, 6);
EQ(VIRQ_XENOPROF, 7);
EQ(VIRQ_CON_RING, 8);
EQ(VIRQ_PCPU_STATE, 9);
EQ(VIRQ_MEM_EVENT, 10);
EQ(VIRQ_ARGO, 11);
EQ(VIRQ_ENOMEM, 12);
EQ(VIRQ_XENPMU, 13);
EQ(VIRQ_ARCH_0, 16);
EQ(VIRQ_MCA, 16);
EQ(VIRQ_ARCH_7, 23);
EQ(NR_VIRQS, 24);

/* ---- timers and scheduling (section 9) ------------------------------ */
EQ(VCPUOP_initialise, 0);
EQ(VCPUOP_up, 1);
EQ(VCPUOP_down, 2);
EQ(VCPUOP_is_up, 3);
EQ(VCPUOP_get_runstate_info, 4);
EQ(VCPUOP_register_runstate_memory_area, 5);
EQ(VCPUOP_set_periodic_timer, 6);
EQ(VCPUOP_stop_periodic_timer, 7);
EQ(VCPUOP_set_singleshot_timer, 8);
EQ(VCPUOP_stop_singleshot_timer, 9);
EQ(VCPUOP_register_vcpu_info, 10);
EQ(VCPUOP_send_nmi, 11);
EQ(VCPUOP_get_physid, 12);
EQ(VCPUOP_register_vcpu_time_memory_area, 13);
EQ(VCPUOP_register_runstate_phys_area, 14);
EQ(VCPUOP_register_vcpu_time_phys_area, 15);
EQ(RUNSTATE_running, 0);
EQ(RUNSTATE_runnable, 1);
EQ(RUNSTATE_blocked, 2);
EQ(RUNSTATE_offline, 3);
EQ(VCPU_SSHOTTMR_future, 1);
SIZE(struct vcpu_runstate_info, 44);
OFF(struct vcpu_runstate_info, state, 0);
OFF(struct vcpu_runstate_info, state_entry_time, 4);
OFF(struct vcpu_runstate_info, time, 12);
SIZE(struct vcpu_register_runstate_memory_area, 8);
SIZE(struct vcpu_set_periodic_timer, 8);
SIZE(struct vcpu_set_singleshot_timer, 12);
OFF(struct vcpu_set_singleshot_timer, timeout_abs_ns, 0);
OFF(struct vcpu_set_singleshot_timer, flags, 8);
SIZE(struct vcpu_register_vcpu_info, 16);
OFF(struct vcpu_register_vcpu_info, mfn, 0);
OFF(struct vcpu_register_vcpu_info, offset, 8);
OFF(struct vcpu_register_vcpu_info, rsvd, 12);
SIZE(struct vcpu_get_physid, 8);
SIZE(struct vcpu_register_time_memory_area, 8);

EQ(SCHEDOP_yield, 0);
EQ(SCHEDOP_block, 1);
EQ(SCHEDOP_shutdown, 2);
EQ(SCHEDOP_poll, 3);
EQ(SCHEDOP_remote_shutdown, 4);
EQ(SCHEDOP_shutdown_code, 5);
EQ(SCHEDOP_watchdog, 6);
EQ(SCHEDOP_pin_override, 7);
EQ(SHUTDOWN_poweroff, 0);
EQ(SHUTDOWN_reboot, 1);
EQ(SHUTDOWN_suspend, 2);
EQ(SHUTDOWN_crash, 3);
EQ(SHUTDOWN_watchdog, 4);
EQ(SHUTDOWN_soft_reset, 5);
SIZE(struct sched_shutdown, 4);
SIZE(struct sched_poll, 16);
OFF(struct sched_poll, ports, 0);
OFF(struct sched_poll, nr_ports, 4);
OFF(struct sched_poll, timeout, 8);
SIZE(struct sched_remote_shutdown, 8);
OFF(struct sched_remote_shutdown, domain_id, 0);
OFF(struct sched_remote_shutdown, reason, 4);
SIZE(struct sched_watchdog, 8);
SIZE(struct sched_pin_override, 4);

/* ---- ELF notes (section 14) ----------------------------------------- */
EQ(XEN_ELFNOTE_INFO, 0);
EQ(XEN_ELFNOTE_ENTRY, 1);
EQ(XEN_ELFNOTE_HYPERCALL_PAGE, 2);
EQ(XEN_ELFNOTE_VIRT_BASE, 3);
EQ(XEN_ELFNOTE_PADDR_OFFSET, 4);
EQ(XEN_ELFNOTE_XEN_VERSION, 5);
EQ(XEN_ELFNOTE_GUEST_OS, 6);
EQ(XEN_ELFNOTE_GUEST_VERSION, 7);
EQ(XEN_ELFNOTE_LOADER, 8);
EQ(XEN_ELFNOTE_PAE_MODE, 9);
EQ(XEN_ELFNOTE_FEATURES, 10);
EQ(XEN_ELFNOTE_BSD_SYMTAB, 11);
EQ(XEN_ELFNOTE_HV_START_LOW, 12);
EQ(XEN_ELFNOTE_L1_MFN_VALID, 13);
EQ(XEN_ELFNOTE_SUSPEND_CANCEL, 14);
EQ(XEN_ELFNOTE_INIT_P2M, 15);
EQ(XEN_ELFNOTE_MOD_START_PFN, 16);
EQ(XEN_ELFNOTE_SUPPORTED_FEATURES, 17);
EQ(XEN_ELFNOTE_PHYS32_ENTRY, 18);
EQ(XEN_ELFNOTE_PHYS32_RELOC, 19);
EQ(XEN_ELFNOTE_CRASH_INFO, 0x1000001);
EQ(XEN_ELFNOTE_CRASH_REGS, 0x1000002);
EQ(XEN_ELFNOTE_DUMPCORE_NONE, 0x2000000);
EQ(XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION, 0x2000003);

/* ---- xen_version and features (section 15) -------------------------- */
EQ(XENVER_version, 0);
EQ(XENVER_extraversion, 1);
EQ(XENVER_compile_info, 2);
EQ(XENVER_capabilities, 3);
EQ(XENVER_changeset, 4);
EQ(XENVER_platform_parameters, 5);
EQ(XENVER_get_features, 6);
EQ(XENVER_pagesize, 7);
EQ(XENVER_guest_handle, 8);
EQ(XENVER_commandline, 9);
EQ(XENVER_build_id, 10);
EQ(XENVER_commandline2, 14);
SIZE(xen_extraversion_t, 16);
SIZE(struct xen_compile_info, 144);
OFF(struct xen_compile_info, compiler, 0);
OFF(struct xen_compile_info, compile_by, 64);
OFF(struct xen_compile_info, compile_domain, 80);
OFF(struct xen_compile_info, compile_date, 112);
SIZE(xen_capabilities_info_t, 1024);
SIZE(xen_changeset_info_t, 64);
SIZE(xen_commandline_t, 1024);
SIZE(struct xen_platform_parameters, 4);
SIZE(struct xen_feature_info, 8);
OFF(struct xen_feature_info, submap_idx, 0);
OFF(struct xen_feature_info, submap, 4);
SIZE(struct xen_varbuf, 4);
EQ(XENFEAT_writable_page_tables, 0);
EQ(XENFEAT_writable_descriptor_tables, 1);
EQ(XENFEAT_auto_translated_physmap, 2);
EQ(XENFEAT_supervisor_mode_kernel, 3);
EQ(XENFEAT_pae_pgdir_above_4gb, 4);
EQ(XENFEAT_mmu_pt_update_preserve_ad, 5);
EQ(XENFEAT_highmem_assist, 6);
EQ(XENFEAT_gnttab_map_avail_bits, 7);
EQ(XENFEAT_hvm_callback_vector, 8);
EQ(XENFEAT_hvm_safe_pvclock, 9);
EQ(XENFEAT_hvm_pirqs, 10);
EQ(XENFEAT_dom0, 11);
EQ(XENFEAT_memory_op_vnode_supported, 13);
EQ(XENFEAT_ARM_SMCCC_supported, 14);
EQ(XENFEAT_linux_rsdp_unrestricted, 15);
EQ(XENFEAT_not_direct_mapped, 16);
EQ(XENFEAT_direct_mapped, 17);
EQ(XENFEAT_runstate_phys_area, 18);
EQ(XENFEAT_vcpu_time_phys_area, 19);
EQ(XENFEAT_dm_msix_all_writes, 20);
EQ(XENFEAT_NR_SUBMAPS, 1);

/* ---- other hypercalls (section 16) ---------------------------------- */
EQ(VMASST_CMD_enable, 0);
EQ(VMASST_CMD_disable, 1);
EQ(VMASST_TYPE_4gb_segments, 0);
EQ(VMASST_TYPE_4gb_segments_notify, 1);
EQ(VMASST_TYPE_writable_pagetables, 2);
EQ(VMASST_TYPE_pae_extended_cr3, 3);
EQ(VMASST_TYPE_architectural_iopl, 4);
EQ(VMASST_TYPE_runstate_update_flag, 5);
EQ(VMASST_TYPE_m2p_strict, 32);
SIZE(struct multicall_entry, 32);
OFF(struct multicall_entry, op, 0);
OFF(struct multicall_entry, result, 4);
OFF(struct multicall_entry, args, 8);
MSIZE(struct multicall_entry, args, 24);
EQ(XENMEM_increase_reservation, 0);
EQ(XENMEM_decrease_reservation, 1);
EQ(XENMEM_maximum_ram_page, 2);
EQ(XENMEM_current_reservation, 3);
EQ(XENMEM_maximum_reservation, 4);
EQ(XENMEM_machphys_mfn_list, 5);
EQ(XENMEM_populate_physmap, 6);
EQ(XENMEM_add_to_physmap, 7);
EQ(XENMEM_memory_map, 9);
EQ(XENMEM_exchange, 11);
EQ(XENMEM_machphys_mapping, 12);
EQ(XENMEM_maximum_gpfn, 14);
EQ(MEMOP_EXTENT_SHIFT, 6);
EQ(MEMOP_CMD_MASK, 0x3f);
SIZE(struct xen_memory_reservation, 20);
OFF(struct xen_memory_reservation, extent_start, 0);
OFF(struct xen_memory_reservation, nr_extents, 4);
OFF(struct xen_memory_reservation, extent_order, 8);
OFF(struct xen_memory_reservation, mem_flags, 12);
OFF(struct xen_memory_reservation, domid, 16);
SIZE(struct xen_memory_exchange, 44);
OFF(struct xen_memory_exchange, out, 20);
OFF(struct xen_memory_exchange, nr_exchanged, 40);
SIZE(struct xen_machphys_mfn_list, 12);
OFF(struct xen_machphys_mfn_list, max_extents, 0);
OFF(struct xen_machphys_mfn_list, extent_start, 4);
OFF(struct xen_machphys_mfn_list, nr_extents, 8);
SIZE(struct xen_machphys_mapping, 12);
OFF(struct xen_machphys_mapping, v_start, 0);
OFF(struct xen_machphys_mapping, v_end, 4);
OFF(struct xen_machphys_mapping, max_mfn, 8);
SIZE(struct xen_add_to_physmap, 16);
SIZE(struct xen_memory_map, 8);
OFF(struct xen_memory_map, nr_entries, 0);
OFF(struct xen_memory_map, buffer, 4);
SIZE(struct xen_foreign_memory_map, 12);
SIZE(struct xen_e820_entry, 20);
OFF(struct xen_e820_entry, addr, 0);
OFF(struct xen_e820_entry, size, 8);
OFF(struct xen_e820_entry, type, 16);
EQ(PHYSDEVOP_irq_status_query, 5);
EQ(PHYSDEVOP_set_iopl, 6);
EQ(PHYSDEVOP_set_iobitmap, 7);
EQ(PHYSDEVOP_eoi, 12);
EQ(PHYSDEVOP_map_pirq, 13);
EQ(PHYSDEVOP_unmap_pirq, 14);
SIZE(struct physdev_set_iopl, 4);
SIZE(struct physdev_set_iobitmap, 8);
SIZE(struct physdev_irq_status_query, 8);
SIZE(struct physdev_apic, 12);
SIZE(struct physdev_irq, 8);
SIZE(struct physdev_eoi, 4);
SIZE(struct physdev_map_pirq, 36);
SIZE(struct physdev_op, 16);
OFF(struct physdev_op, cmd, 0);
OFF(struct physdev_op, u, 4);
EQ(PHYSDEVOP_IRQ_UNMASK_NOTIFY, 4);
EQ(PHYSDEVOP_pirq_eoi_gmfn_v1, 17);
EQ(PHYSDEVOP_setup_gsi, 21);
EQ(PHYSDEVOP_get_free_pirq, 23);
EQ(PHYSDEVOP_pci_device_add, 25);
EQ(PHYSDEVOP_pirq_eoi_gmfn_v2, 28);
EQ(MAP_PIRQ_TYPE_MSI, 0);
EQ(MAP_PIRQ_TYPE_GSI, 1);
EQ(MAP_PIRQ_TYPE_MSI_SEG, 3);
OFF(struct physdev_map_pirq, type, 4);
OFF(struct physdev_map_pirq, index, 8);
OFF(struct physdev_map_pirq, pirq, 12);
OFF(struct physdev_map_pirq, bus, 16);
OFF(struct physdev_map_pirq, devfn, 20);
OFF(struct physdev_map_pirq, entry_nr, 24);
OFF(struct physdev_map_pirq, table_base, 28);
SIZE(struct physdev_unmap_pirq, 8);
OFF(struct physdev_unmap_pirq, pirq, 4);
SIZE(struct physdev_pirq_eoi_gmfn, 4);
SIZE(struct physdev_get_free_pirq, 8);
SIZE(struct physdev_setup_gsi, 8);
OFF(struct physdev_setup_gsi, triggering, 4);
OFF(struct physdev_setup_gsi, polarity, 5);
SIZE(struct physdev_manage_pci, 2);
SIZE(struct physdev_manage_pci_ext, 16);
OFF(struct physdev_manage_pci_ext, is_extfn, 4);
OFF(struct physdev_manage_pci_ext, physfn, 12);
SIZE(struct physdev_pci_device, 4);
SIZE(struct physdev_pci_device_add, 12);
OFF(struct physdev_pci_device_add, flags, 4);
SIZE(struct physdev_restore_msi, 2);
SIZE(struct physdev_pci_mmcfg_reserved, 16);
OFF(struct physdev_pci_mmcfg_reserved, segment, 8);
OFF(struct physdev_pci_mmcfg_reserved, flags, 12);
EQ(XENNMI_register_callback, 0);
EQ(XENNMI_unregister_callback, 1);
SIZE(struct xennmi_callback, 8);
EQ(XEN_NMIREASON_io_error, 1);
EQ(XEN_NMIREASON_pci_serr, 2);
EQ(XEN_NMIREASON_unknown, 4);

/* ---- errno (section 1) ---------------------------------------------- */
EQ(XEN_EPERM, 1);
EQ(XEN_ENOENT, 2);
EQ(XEN_ESRCH, 3);
EQ(XEN_EINTR, 4);
EQ(XEN_EIO, 5);
EQ(XEN_E2BIG, 7);
EQ(XEN_EAGAIN, 11);
EQ(XEN_EWOULDBLOCK, 11);
EQ(XEN_ENOMEM, 12);
EQ(XEN_EACCES, 13);
EQ(XEN_EFAULT, 14);
EQ(XEN_EBUSY, 16);
EQ(XEN_EEXIST, 17);
EQ(XEN_ENODEV, 19);
EQ(XEN_EISDIR, 21);
EQ(XEN_EINVAL, 22);
EQ(XEN_ENOSPC, 28);
EQ(XEN_EROFS, 30);
EQ(XEN_EDEADLK, 35);
EQ(XEN_ENOSYS, 38);
EQ(XEN_ENOTEMPTY, 39);
EQ(XEN_ETIME, 62);
EQ(XEN_EOPNOTSUPP, 95);
EQ(XEN_EISCONN, 106);
EQ(XEN_ETIMEDOUT, 110);
EQ(XEN_ECONNREFUSED, 111);

/* ---- Mica exit codes ------------------------------------------------ */
EQ(MICA_EXIT_POWEROFF, SHUTDOWN_poweroff);
EQ(MICA_EXIT_REBOOT, SHUTDOWN_reboot);
EQ(MICA_EXIT_SUSPEND, SHUTDOWN_suspend);
EQ(MICA_EXIT_CRASH, SHUTDOWN_crash);
EQ(MICA_EXIT_WATCHDOG, SHUTDOWN_watchdog);
EQ(MICA_EXIT_SOFT_RESET, SHUTDOWN_soft_reset);
EQ(MICA_EXIT_PANIC, 0x3f);
EQ(MICA_EXIT_STATUS(MICA_EXIT_POWEROFF), 1);
EQ(MICA_EXIT_STATUS(MICA_EXIT_PANIC), 127);

/* ---- CR3 encoding (section 6.5) ------------------------------------- */
EQ(xen_pfn_to_cr3(0x12345), 0x12345000);
EQ(xen_pfn_to_cr3(0x123456), 0x23456001);
EQ(xen_cr3_to_pfn(0x23456001), 0x123456);
EQ(xen_cr3_to_pfn(xen_pfn_to_cr3(0xfffff123)), 0xfffff123);

/* ---- runtime checks ------------------------------------------------- */

int abi_failures;

static void check_trap_info(void)
{
    struct trap_info ti = { .vector = 0x80, .flags = 0, .cs = FLAT_KERNEL_CS, .address = 1 };

    TI_SET_DPL(&ti, 3);
    TI_SET_IF(&ti, 1);
    CHECK(TI_GET_DPL(&ti) == 3 && TI_GET_IF(&ti) == TI_IF_FLAG && ti.flags == 7);
    TI_SET_DPL(&ti, 1);
    TI_SET_IF(&ti, 0);
    CHECK(TI_GET_DPL(&ti) == 1 && !TI_GET_IF(&ti) && ti.flags == 1);
}

static void check_guest_handle(void)
{
    struct sched_poll poll = { 0 };
    static evtchn_port_t ports[2];

    set_xen_guest_handle(poll.ports, ports);
    CHECK(poll.ports == (uint32_t)(uintptr_t)ports);
}


int main(void)
{
    check_trap_info();
    check_guest_handle();
    abi_check_rings();
    abi_check_ctl_handles();
    CHECK(xsd_errors[0].errnum == XEN_EINVAL);
    CHECK(xsd_errors[15].errnum == XEN_EPERM);

    if (abi_failures)
        return 1;
#if defined(__x86_64__)
    printf("PASS abi-layout-m64\n");
#else
    printf("PASS abi-layout-m32\n");
#endif
    return 0;
}
