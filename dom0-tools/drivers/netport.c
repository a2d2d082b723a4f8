/*
 * The network-port registry and the os_net.h interface on Mica's Dom0.
 *
 * A port has at most one receiver (the tool attached to it: the `net`
 * command for a while, netback's bridge) and a few listeners (Dom0's DHCP
 * server on xenbr0), which see every frame too; frames arriving while
 * nobody takes them are counted and dropped.  Sending checks the length and
 * the link, then asks the driver, which copies the frame.  Names follow
 * Linux's (eth0, eth1, ...).
 */
#include "devices.h"
#include <stdio.h>
#include <string.h>
#include <errno.h>

#define MAX_PORTS 12         /* cards and software ports (bridges) together */

struct os_net {
    char name[16];
    const struct netport_ops *ops;
    void *priv;
    struct os_net_info info;
    struct os_net_stats st;
    os_net_rx_fn *rx;
    os_net_link_fn *link;
    void *arg;
    struct { os_net_rx_fn *rx; void *arg; } listeners[OS_NET_LISTENERS];
};

static struct os_net ports[MAX_PORTS];
static unsigned int nr_ports, nr_cards;

struct os_net *netport_register(const struct netport_ops *ops, void *priv,
                                const struct os_net_info *info)
{
    struct os_net *n;

    if (nr_ports == MAX_PORTS)
        return NULL;
    n = &ports[nr_ports];
    snprintf(n->name, sizeof(n->name), "eth%u", nr_cards++);
    nr_ports++;
    n->ops = ops;
    n->priv = priv;
    n->info = *info;
    n->info.name = n->name;
    return n;
}

const char *netport_name(struct os_net *n)
{
    return n->name;
}

void netport_receive(struct os_net *n, const void *frame, size_t len)
{
    if (len < 14 || len > OS_NET_MAX_FRAME) {
        n->st.rx_errors++;
        return;
    }
    bool taken = false;
    for (unsigned int i = 0; i < OS_NET_LISTENERS; i++)
        taken |= n->listeners[i].rx != NULL;
    if (!n->rx && !taken) {
        n->st.rx_dropped++;
        return;
    }
    n->st.rx_packets++;
    n->st.rx_bytes += len;
    /* (a listener may unlisten itself, or the receiver detach, in the call) */
    for (unsigned int i = 0; i < OS_NET_LISTENERS; i++)
        if (n->listeners[i].rx)
            n->listeners[i].rx(n->listeners[i].arg, frame, len);
    if (n->rx)
        n->rx(n->arg, frame, len);
}

void netport_link(struct os_net *n, bool up)
{
    if (n->info.link_up == up)
        return;
    n->info.link_up = up;
    n->st.link_changes++;
    if (n->link)
        n->link(n->arg, up);
}

unsigned int os_net_count(void)
{
    return nr_ports;
}

struct os_net *os_net_get(unsigned int index)
{
    return index < nr_ports ? &ports[index] : NULL;
}

struct os_net *os_net_find(const char *name)
{
    for (unsigned int i = 0; i < nr_ports; i++)
        if (!strcmp(ports[i].name, name))
            return &ports[i];
    return NULL;
}

void os_net_info(struct os_net *n, struct os_net_info *info)
{
    *info = n->info;
}

void os_net_stats(struct os_net *n, struct os_net_stats *st)
{
    *st = n->st;
    n->ops->stats(n->priv, st);
}

int os_net_attach(struct os_net *n, os_net_rx_fn *rx, os_net_link_fn *link, void *arg)
{
    if (n->rx)
        return -EBUSY;
    n->rx = rx;
    n->link = link;
    n->arg = arg;
    return 0;
}

void os_net_detach(struct os_net *n)
{
    n->rx = NULL;
    n->link = NULL;
    n->arg = NULL;
}

int os_net_listen(struct os_net *n, os_net_rx_fn *rx, void *arg)
{
    for (unsigned int i = 0; i < OS_NET_LISTENERS; i++)
        if (!n->listeners[i].rx) {
            n->listeners[i].rx = rx;
            n->listeners[i].arg = arg;
            return 0;
        }
    return -ENOSPC;
}

void os_net_unlisten(struct os_net *n, os_net_rx_fn *rx, void *arg)
{
    for (unsigned int i = 0; i < OS_NET_LISTENERS; i++)
        if (n->listeners[i].rx == rx && n->listeners[i].arg == arg) {
            n->listeners[i].rx = NULL;
            n->listeners[i].arg = NULL;
        }
}

int os_net_send(struct os_net *n, const void *frame, size_t len)
{
    int rc;

    if (len < 14 || len > OS_NET_MAX_FRAME)
        return -EMSGSIZE;
    if (!n->info.link_up)
        return -ENETDOWN;
    rc = n->ops->send(n->priv, frame, len);
    if (rc == -EAGAIN) {
        n->st.tx_busy++;
        return rc;
    }
    if (rc == 0) {
        n->st.tx_packets++;
        n->st.tx_bytes += len;
    }
    return rc;
}

unsigned int os_net_tx_free(struct os_net *n)
{
    return n->ops->tx_free(n->priv);
}

/* ---- software ports (os_net_soft_add) ---- */

struct soft {
    os_net_soft_send_fn *send;
    void *priv;
};
static struct soft softs[MAX_PORTS];

static int soft_send(void *priv, const void *frame, size_t len)
{
    struct soft *s = priv;

    return s->send(s->priv, frame, len);
}

static unsigned int soft_tx_free(void *priv)
{
    (void)priv;
    return 64;
}

static void soft_stats(void *priv, struct os_net_stats *st)
{
    (void)priv;
    (void)st;
}

static const struct netport_ops soft_ops = { soft_send, soft_tx_free, soft_stats };

struct os_net *os_net_soft_add(const char *name, const uint8_t mac[6],
                               os_net_soft_send_fn *send, void *priv)
{
    struct os_net_info info = { .driver = "bridge", .link_up = true, .mtu = 1500,
                                .tx_slots = 64 };
    struct os_net *n;

    if (!name || !*name || strlen(name) >= sizeof(ports[0].name) || os_net_find(name) ||
        nr_ports == MAX_PORTS)
        return NULL;
    softs[nr_ports] = (struct soft){ send, priv };
    memcpy(info.mac, mac, 6);
    n = &ports[nr_ports];
    n->ops = &soft_ops;
    n->priv = &softs[nr_ports];
    n->info = info;
    snprintf(n->name, sizeof(n->name), "%s", name);
    n->info.name = n->name;
    nr_ports++;
    return n;
}

void os_net_soft_receive(struct os_net *n, const void *frame, size_t len)
{
    netport_receive(n, frame, len);
}
