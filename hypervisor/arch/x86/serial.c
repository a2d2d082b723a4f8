/*
 * 16550 UART console (COM1 by default).
 *
 * Output is polled: the hypervisor prints rarely, and a polled UART works
 * from the very first instruction of C and from a fault handler, when
 * nothing else may be trusted.  Input is polled too (console_io read).
 * "console=none" silences the serial line; "com1=<baud>" sets the rate
 * (the line is always 8n1).
 */
#include <mica/types.h>
#include <mica/printk.h>
#include <asm/x86.h>

#define UART_RBR 0   /* receive buffer (DLAB=0) */
#define UART_THR 0   /* transmit holding (DLAB=0) */
#define UART_DLL 0   /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

static uint16_t uart_base = 0x3f8;
static bool uart_enabled = true;

void serial_init(uint16_t base, uint32_t baud);
void serial_init(uint16_t base, uint32_t baud)
{
    uint32_t div;

    if (base == 0) {
        uart_enabled = false;
        return;
    }
    uart_base = base;
    uart_enabled = true;
    if (baud == 0 || baud > 115200)
        baud = 115200;
    div = 115200 / baud;
    if (div == 0)
        div = 1;
    outb(uart_base + UART_IER, 0x00);          /* no interrupts */
    outb(uart_base + UART_LCR, 0x80);          /* DLAB */
    outb(uart_base + UART_DLL, div & 0xff);
    outb(uart_base + UART_DLM, (div >> 8) & 0xff);
    outb(uart_base + UART_LCR, 0x03);          /* 8n1 */
    outb(uart_base + UART_FCR, 0x07);          /* FIFO on, cleared */
    outb(uart_base + UART_MCR, 0x03);          /* DTR, RTS */
}

static void uart_putc(char c)
{
    unsigned int spins = 0;
    /* Bounded wait: a missing UART must not hang the hypervisor. */
    while (!(inb(uart_base + UART_LSR) & LSR_THRE) && ++spins < 100000)
        cpu_relax();
    outb(uart_base + UART_THR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
    if (!uart_enabled)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

int arch_console_getc(void)
{
    if (!uart_enabled)
        return -1;
    uint8_t lsr = inb(uart_base + UART_LSR);
    if (lsr == 0xff || !(lsr & LSR_DR))
        return -1;
    return inb(uart_base + UART_RBR);
}

