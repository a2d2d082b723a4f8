/*
 * The OS interface: network ports (see os_loop.h for the whole).
 *
 * What a tool -- the `net` shell command today, netback and its bridge
 * too -- sees of a network card: an Ethernet port with a MAC
 * address and a link state, that sends frames and hands received ones to
 * one receiver.  The driver behind it (virtio-net, drivers/virtio_net.c;
 * e1000 later) is invisible.
 *
 * Frames are whole Ethernet frames without the FCS: destination MAC
 * first, 14 to OS_NET_MAX_FRAME bytes.
 *
 * Sending copies the frame into the driver's own DMA buffer, so the caller
 * may reuse its memory at once (netback copies from guests with
 * GNTTABOP_copy anyway; a zero-copy path would pass mapped pages and is
 * not needed yet).  os_net_send() answers 0 (queued for the device),
 * -EAGAIN (every transmit buffer is in flight: try again from a later
 * turn of the loop; os_net_tx_free() counts the free ones), -EMSGSIZE, -ENETDOWN (the link is down).
 *
 * Receiving: the port's one receiver (os_net_attach) is called from the
 * main loop for each frame, which is valid only during the call; frames
 * that arrive while nobody is attached are counted and dropped.  The
 * receiver may send from inside the call.
 *
 * Link changes (the device's config-change interrupt) call link_fn.
 */
#ifndef DOM0_OS_NET_H
#define DOM0_OS_NET_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define OS_NET_MAX_FRAME    1514u

struct os_net;

struct os_net_info {
    const char *name;           /* "eth0", ... */
    const char *driver;         /* "virtio-net" */
    uint8_t mac[6];
    bool link_up;
    unsigned int mtu;           /* 1500 */
    unsigned int tx_slots;      /* transmit buffers */
};

struct os_net_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped;  /* dropped: no receiver */
    uint64_t rx_errors;                         /* bad lengths from the device */
    uint64_t tx_packets, tx_bytes, tx_busy;     /* busy: -EAGAIN answers */
    uint64_t interrupts, spurious, link_changes;
    unsigned int tx_inflight;
};

typedef void os_net_rx_fn(void *arg, const void *frame, size_t len);
typedef void os_net_link_fn(void *arg, bool up);

unsigned int os_net_count(void);
struct os_net *os_net_get(unsigned int index);
struct os_net *os_net_find(const char *name);
void os_net_info(struct os_net *n, struct os_net_info *info);
void os_net_stats(struct os_net *n, struct os_net_stats *st);

/* Become the port's receiver: 0, or -EBUSY if it has one. */
int os_net_attach(struct os_net *n, os_net_rx_fn *rx, os_net_link_fn *link, void *arg);
void os_net_detach(struct os_net *n);

/*
 * Listeners.  Besides its one receiver, a port hands every frame it
 * receives to up to OS_NET_LISTENERS listeners, as packet sockets see an
 * interface's frames next to Linux's stack: Dom0's DHCP server listens
 * on xenbr0 whoever is the receiver (`net ping -i xenbr0` for a while).
 * Listeners are called first, in order; a frame counts as dropped only
 * when nobody took it.  A listener may send from inside the call.
 * 0, or -ENOSPC when every slot is taken; unlisten forgets (rx, arg).
 */
#define OS_NET_LISTENERS    2
int os_net_listen(struct os_net *n, os_net_rx_fn *rx, void *arg);
void os_net_unlisten(struct os_net *n, os_net_rx_fn *rx, void *arg);

int os_net_send(struct os_net *n, const void *frame, size_t len);
/* Transmit buffers free now. */
unsigned int os_net_tx_free(struct os_net *n);

/*
 * Software ports.  A tool may add a port of its own that other tools use
 * like a card: netback gives Dom0 an interface on each of its bridges (as
 * Linux's bridge device is one), so `net ping -i xenbr0` talks to the
 * guests.  Frames sent on it go to send(priv, frame, len) (valid during
 * the call; 0 or -errno as os_net_send); the tool hands frames to the
 * port's receiver with os_net_soft_receive().  Its link is always up.
 * NULL if the name is taken or no port is free.
 */
typedef int os_net_soft_send_fn(void *priv, const void *frame, size_t len);
struct os_net *os_net_soft_add(const char *name, const uint8_t mac[6],
                               os_net_soft_send_fn *send, void *priv);
void os_net_soft_receive(struct os_net *n, const void *frame, size_t len);

#endif
