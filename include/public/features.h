/*
 * public/features.h - XENFEAT_* bits, reported by XENVER_get_features.
 *
 * Each number is a bit position in submap 0.  A guest names the same
 * features (by these names without the prefix) in its ELF FEATURES note;
 * a leading '!' there means "required".  What a 32-bit PV guest is told
 * under Xen 4.2: pae_pgdir_above_4gb iff it enabled
 * VMASST_TYPE_pae_extended_cr3; mmu_pt_update_preserve_ad, highmem_assist
 * and gnttab_map_avail_bits always; dom0 for the control domain.
 */
#ifndef MICA_PUBLIC_FEATURES_H
#define MICA_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables        0
#define XENFEAT_writable_descriptor_tables  1
#define XENFEAT_auto_translated_physmap     2
#define XENFEAT_supervisor_mode_kernel      3
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7
#define XENFEAT_hvm_callback_vector         8
#define XENFEAT_hvm_safe_pvclock            9
#define XENFEAT_hvm_pirqs                   10
#define XENFEAT_dom0                        11
/*                                          12 is unused */
#define XENFEAT_memory_op_vnode_supported   13
#define XENFEAT_ARM_SMCCC_supported         14
#define XENFEAT_linux_rsdp_unrestricted     15
#define XENFEAT_not_direct_mapped           16
#define XENFEAT_direct_mapped               17
#define XENFEAT_runstate_phys_area          18
#define XENFEAT_vcpu_time_phys_area         19
#define XENFEAT_dm_msix_all_writes          20

#define XENFEAT_NR_SUBMAPS                  1

#endif /* MICA_PUBLIC_FEATURES_H */
