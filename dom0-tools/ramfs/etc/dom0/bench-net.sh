# PV network throughput (scripts/bench.py boots Dom0 with
# script=/etc/dom0/bench-net.sh): netfront test guests send 20000 frames
# of 1514 bytes through netback and xenbr0, to a sink guest (domU -> domU)
# and to Dom0's interface on the bridge (domU -> Dom0); each prints BENCH
# netback.* lines and its verdict and powers off; @releaseDomain (its
# second firing) tells the script it has gone.
xl create -q /etc/xl/tests/net-sink.cfg
xl create -q /etc/xl/tests/net-bench.cfg
xenstore-watch -n 2 @releaseDomain
xl create -q /etc/xl/tests/net-bench0.cfg
xenstore-watch -n 2 @releaseDomain
vifs
bridge
xl shutdown -w net-sink
poweroff
