/*
 * The hypervisor's descriptor tables (arch/x86/desc.c): the GDT area with
 * its reserved page, the 64-bit TSS and its IST stacks, the IDT, and the
 * legacy PICs moved off the exception vectors.  Set up once at boot.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H
void desc_init(void);
void pic_disable(void);
#endif
