# The demo of `make run`, without a person: make run DOM0_ARGS=script=/etc/dom0/demo.sh
# (the QEMU test dom0-demo boots it).  `type` queues keys as if typed:
# a line for the guest once its console is attached, then Ctrl-] to detach.
type -d 2 'hi\r'
type -d 3 '\x1d'
xl create /etc/xl/hello.cfg -c
xl list
xl destroy hello
xl list
poweroff
