# Dom0's native devices (scripts/bench.py boots Dom0 with a raw disk on
# virtio-blk and QEMU's restricted user network on virtio-net, and
# script=/etc/dom0/bench-dev.sh): bench-dev prints BENCH lines for 64 KiB
# sequential writes and reads (4 and 16 in flight) and for ICMP echoes with
# the gateway, then its verdict.
bench-dev 16 1000
# PV block I/O: a guest's blkfront through blkback onto the same disk
# (bench-blk: blkback.seq_*_64k with persistent grants, _map without,
# _copy by grant copy, _q16 16 in flight).
bench-blk 16
poweroff
