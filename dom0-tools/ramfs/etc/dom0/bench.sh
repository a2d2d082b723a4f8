# The toolstack's benchmarks (scripts/bench.py boots Dom0 with
# script=/etc/dom0/bench.sh): bench-xl prints BENCH lines and a verdict.
bench-xl
poweroff
