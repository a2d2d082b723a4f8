/*
 * dhcpd (dhcpd.c): Dom0's DHCP server on its bridge interface, and the
 * shell's `dhcpd` command.  docs/split-drivers.md, "Addresses".
 */
#ifndef DHCPD_H
#define DHCPD_H

/* Start serving with /etc/dhcpd.conf (the defaults without one): 0 or
 * -errno, the reason printed. */
int dhcpd_init(void);
int dhcpd_shell_cmd(int argc, char **argv);

#endif
