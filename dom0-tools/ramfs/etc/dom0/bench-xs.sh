# xenstore through Dom0 (scripts/bench.py boots Dom0 with
# script=/etc/dom0/bench-xs.sh): the xs-bench guest times reads, writes
# and watch events over its ring to Dom0's xenstored, prints BENCH
# xs.dom0.* lines and its verdict, and powers off; @releaseDomain (its
# second firing) tells the script it has gone.
xl create -q /etc/xl/tests/xs-bench.cfg
xenstore-watch -n 2 @releaseDomain
poweroff
