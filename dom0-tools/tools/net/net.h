/* The `net` shell command (net.c): Dom0's network ports through os_net.h. */
#ifndef DOM0_TOOLS_NET_H
#define DOM0_TOOLS_NET_H

int net_main(int argc, char **argv);

#endif
