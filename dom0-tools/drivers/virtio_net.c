/*
 * virtio-net: an Ethernet port behind the os_net.h interface, on the
 * legacy virtio PCI transport (virtio_pci.h): queue 0 receives, queue 1
 * transmits, completion by interrupt.
 *
 * Buffers.  Every receive and transmit buffer is a 2 KiB half of a page of
 * DMA memory -- never crossing a page, so each is machine-contiguous
 * whatever the P2M says -- holding the 10-byte legacy virtio_net_hdr at
 * offset 0 and the frame at offset 16.  A buffer is a chain of two
 * descriptors (header, frame), the layout every legacy device accepts
 * (ANY_LAYOUT is not needed).  RX_BUFS receive buffers are always posted;
 * each received frame is handed up (netport_receive) and its buffer posted
 * again at once.  Transmit copies the frame into a free buffer of TX_BUFS;
 * finished transmissions are reaped at the interrupt and, when every
 * buffer is in flight, by the sender itself before it answers -EAGAIN.
 *
 * Features taken: MAC (the device's address; without it a locally
 * administered one is made up from the PCI location), STATUS (link state
 * in the config space, changes by config interrupt; without it the link
 * is always up).  No checksum offload, no segmentation offload, no
 * mergeable buffers: frames are at most 1514 bytes either way.
 *
 * What the device writes is checked: a used length shorter than the
 * header plus an Ethernet header, or longer than the buffer, is counted
 * as an error and the buffer reposted.
 *
 * An unplugged device finishes no transmission: a watchdog runs while any
 * is in flight, and after WATCHDOG_NS without progress looks at the
 * device's vendor ID; gone, the port's link goes down for good (sending
 * is refused with -ENETDOWN) and its buffers stay allocated (nothing
 * proves the device will never write them).  An ISR reading all-ones
 * triggers the same check.
 */
#include "devices.h"
#include "virtio_pci.h"
#include "../kernel/kernel.h"
#include "../kernel/time.h"
#include <stdlib.h>
#include <errno.h>

#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1

#define CFG_MAC     0
#define CFG_STATUS  6

#define RXQ 0
#define TXQ 1

#define NET_HDR     10
#define FRAME_OFF   16
#define BUF_BYTES   2048u
#define RX_BUFS     64
#define TX_BUFS     64
#define WATCHDOG_NS (2 * NS_PER_S)

struct vnet {
    struct virtio_dev vd;
    struct os_net *port;
    uint8_t *rx_mem, *tx_mem;               /* RX_BUFS / TX_BUFS halves of pages */
    uint8_t rx_cookie[RX_BUFS];             /* cookies: &rx_cookie[i] is buffer i */
    uint8_t tx_cookie[TX_BUFS];
    bool tx_busy[TX_BUFS];
    unsigned int tx_inflight;
    uint64_t interrupts, spurious, rx_bad;
    uint64_t tx_done, watched;
    bool dead;
    struct ktimer watchdog;
};

static uint8_t *rx_buf(struct vnet *vn, unsigned int i) { return vn->rx_mem + i * BUF_BYTES; }
static uint8_t *tx_buf(struct vnet *vn, unsigned int i) { return vn->tx_mem + i * BUF_BYTES; }

static int post_rx(struct vnet *vn, unsigned int i)
{
    uint8_t *b = rx_buf(vn, i);
    struct virtq_buf bufs[2] = {
        { hw_dma_maddr(b), NET_HDR, true },
        { hw_dma_maddr(b + FRAME_OFF), BUF_BYTES - FRAME_OFF, true },
    };

    return virtq_add(&vn->vd.vq[RXQ], bufs, 2, &vn->rx_cookie[i]);
}

static void reap_tx(struct vnet *vn)
{
    void *c;

    while ((c = virtq_get(&vn->vd.vq[TXQ], NULL))) {
        unsigned int i = (unsigned int)((uint8_t *)c - vn->tx_cookie);
        vn->tx_busy[i] = false;
        vn->tx_inflight--;
        vn->tx_done++;
    }
}

static void gone(struct vnet *vn)
{
    vn->dead = true;
    ktimer_cancel(&vn->watchdog);
    vn->vd.pci->driver = "virtio-net (device gone)";
    kprintf("%s: the device is gone (unplugged): link down for good\n",
            netport_name(vn->port));
    hw_pci_removed(vn->vd.pci->bdf);      /* the hypervisor's device list, if it keeps one */
    netport_link(vn->port, false);
}

static void watchdog(void *arg)
{
    struct vnet *vn = arg;

    if (vn->dead)
        return;
    reap_tx(vn);
    if (vn->tx_inflight == 0)
        return;
    if (vn->tx_done == vn->watched && virtio_pci_gone(&vn->vd)) {
        gone(vn);
        return;
    }
    vn->watched = vn->tx_done;
    ktimer_set(&vn->watchdog, now_ns() + WATCHDOG_NS);
}

static void drain_rx(struct vnet *vn)
{
    unsigned int posted = 0;
    uint32_t len;
    void *c;

    while ((c = virtq_get(&vn->vd.vq[RXQ], &len))) {
        unsigned int i = (unsigned int)((uint8_t *)c - vn->rx_cookie);
        /* Header and frame are separate descriptors, so the frame's bytes
         * are len minus the header's. */
        if (len < NET_HDR + 14 || len > NET_HDR + (BUF_BYTES - FRAME_OFF))
            vn->rx_bad++;
        else
            netport_receive(vn->port, rx_buf(vn, i) + FRAME_OFF, len - NET_HDR);
        if (post_rx(vn, i) == 0)
            posted++;
    }
    if (posted)
        virtio_pci_kick(&vn->vd, RXQ);
}

static int vnet_send(void *priv, const void *frame, size_t len)
{
    struct vnet *vn = priv;
    unsigned int i;

    if (vn->dead)
        return -ENETDOWN;
    if (vn->tx_inflight == TX_BUFS)
        reap_tx(vn);
    for (i = 0; i < TX_BUFS && vn->tx_busy[i]; i++)
        ;
    if (i == TX_BUFS)
        return -EAGAIN;
    uint8_t *b = tx_buf(vn, i);
    memset(b, 0, NET_HDR);
    memcpy(b + FRAME_OFF, frame, len);
    struct virtq_buf bufs[2] = {
        { hw_dma_maddr(b), NET_HDR, false },
        { hw_dma_maddr(b + FRAME_OFF), (uint32_t)len, false },
    };
    int rc = virtq_add(&vn->vd.vq[TXQ], bufs, 2, &vn->tx_cookie[i]);
    if (rc)
        return -EAGAIN;
    vn->tx_busy[i] = true;
    vn->tx_inflight++;
    if (!vn->watchdog.armed) {
        vn->watched = vn->tx_done;
        ktimer_set(&vn->watchdog, now_ns() + WATCHDOG_NS);
    }
    virtio_pci_kick(&vn->vd, TXQ);
    return 0;
}

static unsigned int vnet_tx_free(void *priv)
{
    struct vnet *vn = priv;

    reap_tx(vn);
    return TX_BUFS - vn->tx_inflight;
}

static void vnet_stats(void *priv, struct os_net_stats *st)
{
    struct vnet *vn = priv;

    st->interrupts = vn->interrupts;
    st->spurious = vn->spurious;
    st->rx_errors += vn->rx_bad + vn->vd.vq[RXQ].device_errors + vn->vd.vq[TXQ].device_errors;
    st->tx_inflight = vn->tx_inflight;
}

static const struct netport_ops vnet_ops = {
    .send = vnet_send,
    .tx_free = vnet_tx_free,
    .stats = vnet_stats,
};

static bool link_up(struct vnet *vn)
{
    if (!virtio_has(&vn->vd, VIRTIO_NET_F_STATUS))
        return true;
    return virtio_cfg16(&vn->vd, CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

static bool vnet_irq(void *arg)
{
    struct vnet *vn = arg;

    if (vn->dead)
        return false;
    uint8_t isr = virtio_pci_isr(&vn->vd);

    if (!isr) {
        vn->spurious++;
        return false;
    }
    if (isr == 0xff && virtio_pci_gone(&vn->vd)) {
        gone(vn);
        return false;
    }
    vn->interrupts++;
    if (isr & VIRTIO_ISR_CONFIG) {
        bool up = link_up(vn);
        kprintf("%s: link %s\n", netport_name(vn->port), up ? "up" : "down");
        netport_link(vn->port, up);
    }
    drain_rx(vn);
    reap_tx(vn);
    return true;
}

bool virtio_net_probe(struct pci_dev *pci)
{
    uint32_t wanted = (1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS);
    struct os_net_info info = { .driver = "virtio-net", .mtu = 1500, .tx_slots = TX_BUFS };
    struct vnet *vn;
    int rc;

    if (!virtio_pci_match(pci, 1, "network"))
        return false;
    if (!(vn = calloc(1, sizeof(*vn))))
        return false;
    ktimer_init(&vn->watchdog, watchdog, vn);
    rc = virtio_pci_start(&vn->vd, pci, "virtio-net", wanted);
    if (!rc)
        rc = virtio_pci_queue(&vn->vd, RXQ);
    if (!rc)
        rc = virtio_pci_queue(&vn->vd, TXQ);
    if (!rc && (!(vn->rx_mem = hw_dma_alloc(RX_BUFS * BUF_BYTES / 4096)) ||
                !(vn->tx_mem = hw_dma_alloc(TX_BUFS * BUF_BYTES / 4096))))
        rc = -ENOMEM;
    if (rc)
        goto fail;
    if (virtio_has(&vn->vd, VIRTIO_NET_F_MAC)) {
        for (unsigned int i = 0; i < 6; i++)
            info.mac[i] = virtio_cfg8(&vn->vd, CFG_MAC + i);
    } else {
        uint8_t mac[6] = { 0x02, 0x4d, 0x49, (uint8_t)PCI_BUS(pci->bdf),
                           (uint8_t)PCI_SLOT(pci->bdf), (uint8_t)PCI_FUNC(pci->bdf) };
        memcpy(info.mac, mac, 6);
    }
    info.link_up = link_up(vn);
    if (!(vn->port = netport_register(&vnet_ops, vn, &info))) {
        rc = -ENOSPC;
        goto fail;
    }
    for (unsigned int i = 0; i < RX_BUFS; i++)
        if ((rc = post_rx(vn, i)))
            break;
    /* A port whose interrupt cannot be attached stays registered with the
     * link down: os_net_send refuses, nothing arrives. */
    if (rc || (rc = virtio_pci_go(&vn->vd, vnet_irq, vn))) {
        kprintf("%s: setup failed (%d): link down for good\n", netport_name(vn->port), rc);
        netport_link(vn->port, false);
        virtio_pci_stop(&vn->vd);
        pci->driver = "virtio-net (failed)";
        return true;
    }
    virtio_pci_kick(&vn->vd, RXQ);
    pci->driver = "virtio-net";
    kprintf("%s: virtio-net at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, "
            "queues %u/%u, IRQ %u\n", netport_name(vn->port),
            PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf),
            info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5],
            info.link_up ? "up" : "down", vn->vd.vq[RXQ].size, vn->vd.vq[TXQ].size,
            pci->irq_line);
    return true;
fail:
    kprintf("%02x:%02x.%x: virtio-net setup failed (%d)\n",
            PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf), rc);
    virtio_pci_stop(&vn->vd);
    hw_dma_free(vn->rx_mem, RX_BUFS * BUF_BYTES / 4096);
    hw_dma_free(vn->tx_mem, TX_BUFS * BUF_BYTES / 4096);
    free(vn);
    return false;
}
