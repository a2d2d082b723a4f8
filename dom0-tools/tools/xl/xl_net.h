/* xl network-attach, network-detach, network-list (xl_net.c). */
#ifndef XL_NET_H
#define XL_NET_H

int xl_cmd_network_attach(int argc, char **argv);
int xl_cmd_network_detach(int argc, char **argv);
int xl_cmd_network_list(int argc, char **argv);

#endif
