# make run-linux-net: two Linux guests on xenbr0 talking to each other and
# to Dom0 through netback (the QEMU test dom0-linux-net checks the same
# steps).  Each guest's /init asks Dom0's DHCP server for its address
# (udhcpc): linux-a gets its reservation 10.0.3.2 (/etc/dhcpd.conf),
# linux-b the first free address of the pool, 10.0.3.100.  `type` queues
# keys for the attached console; the boot takes a while under TCG, so
# each guest gets its time before the keys come.
echo Creating linux-a and linux-b, each with a vif on xenbr0; Dom0's DHCP server addresses them
xl create /etc/xl/linux-a.cfg
xl create /etc/xl/linux-b.cfg
sleep 40
type -d 2 'mkdir -p /tmp/www; echo hello from linux-a > /tmp/www/index.html; httpd -p 80 -h /tmp/www; cat /tmp/dhcp.eth0; ip -4 addr show eth0; ping -c 2 10.0.3.1\r'
type -d 8 '\x1d'
xl console linux-a
type -d 2 'ip -4 addr show eth0; ping -c 3 10.0.3.2; wget -q -O - http://10.0.3.2/\r'
type -d 12 '\x1d'
xl console linux-b
echo Dom0's DHCP server (dhcpd) and its leases:
dhcpd
dhcpd leases
echo Dom0's own interface on the bridge, 10.0.3.1, pings both:
net ping -i xenbr0 -a 10.0.3.1 -c 2 10.0.3.2
net ping -i xenbr0 -a 10.0.3.1 -c 2 10.0.3.100
xl network-list linux-a linux-b
vifs
bridge
echo The guests go on: xl console linux-a (Ctrl-] comes back), xl shutdown linux-b, poweroff ...
