#ifndef ASM_DESC_H
#define ASM_DESC_H
void desc_init(void);
void pic_disable(void);
#endif
