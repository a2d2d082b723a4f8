# make run-linux-net: two Linux guests on xenbr0 talking to each other and
# to Dom0 through netback (the QEMU test dom0-linux-net checks the same
# steps).  `type` queues keys for the attached console; the boot takes a
# while under TCG, so each guest gets its time before the keys come.
echo Creating linux-a (10.0.3.2) and linux-b (10.0.3.3), each with a vif on xenbr0
xl create /etc/xl/linux-a.cfg
xl create /etc/xl/linux-b.cfg
sleep 30
type -d 2 'ifconfig eth0 10.0.3.2 netmask 255.255.255.0 up; mkdir -p /tmp/www; echo hello from linux-a > /tmp/www/index.html; httpd -p 80 -h /tmp/www; ifconfig eth0\r'
type -d 6 '\x1d'
xl console linux-a
type -d 2 'ifconfig eth0 10.0.3.3 netmask 255.255.255.0 up; ping -c 3 10.0.3.2; wget -q -O - http://10.0.3.2/\r'
type -d 12 '\x1d'
xl console linux-b
echo Dom0's own interface on the bridge, 10.0.3.1, pings both:
net ping -i xenbr0 -a 10.0.3.1 -c 2 10.0.3.2
net ping -i xenbr0 -a 10.0.3.1 -c 2 10.0.3.3
xl network-list linux-a linux-b
vifs
bridge
echo The guests go on: xl console linux-a (Ctrl-] comes back), xl shutdown linux-b, poweroff ...
