#!/bin/bash
# make fuzz: long passes of the seeded hypercall fuzzer (tests/guest/fuzz.c,
# docs/reliability.md).
#
#   scripts/fuzz.sh [-s "SEEDS"] [-c CALLS] [-m "MODES"]
#
# SEEDS  seeds to run, e.g. "1 2 3" or "100-107" (default "1 2 3 4")
# CALLS  steps per run (default 100000)
# MODES  "domu" (an unprivileged fuzzer watched by domain 0), "priv" (the
#        privileged domain fuzzes domctl/sysctl too), or both (default)
#
# Each run is one boot of the QEMU test fuzz-domu or fuzz-priv
# (tests/qemu/tests.list) with seed= and calls= replaced; its log stays in
# $BUILD/tests/logs/fuzz-MODE-sSEED.log.  Prints one line per run and a
# total: calls made, errors returned, guest crashes (the fuzzer itself
# crashed or took an exception it did not expect), hypervisor faults (a
# panic), audit failures and companion failures.  Exits 1 if there was any
# hypervisor fault, audit failure, leak, companion failure or guest crash,
# or a run did not finish; the wall time of each run and of the whole
# pass is printed too.  A finding is reproduced by running its seed and calls
# again (add trace=1 to the fuzzer's command line to see every call).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
SEEDS="1 2 3 4" CALLS=100000 MODES="domu priv"
while getopts "s:c:m:" o; do
	case $o in
	s) SEEDS=$OPTARG ;;
	c) CALLS=$OPTARG ;;
	m) MODES=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[[ $CALLS =~ ^[0-9]+$ ]] || { echo "fuzz: bad CALLS '$CALLS'" >&2; exit 2; }
seeds=()
for s in $SEEDS; do
	if [[ $s =~ ^([0-9]+)-([0-9]+)$ ]]; then
		for ((k = BASH_REMATCH[1]; k <= BASH_REMATCH[2]; k++)); do seeds+=("$k"); done
	elif [[ $s =~ ^[0-9]+$ ]]; then
		seeds+=("$s")
	else
		echo "fuzz: bad seed '$s'" >&2; exit 2
	fi
done

list=$(mktemp)
trap 'rm -f "$list"' EXIT
# TCG manages some 10^4 steps a second; leave room for slow machines.
timeout_s=$((120 + CALLS / 500))
tot_wall=0 tot_calls=0 tot_err=0 tot_crash=0 tot_fault=0 tot_audit=0 tot_peer=0 bad=0
for mode in $MODES; do
	base=$(grep -E "^fuzz-$mode[[:space:]]" tests/qemu/tests.list) ||
		{ echo "fuzz: no test fuzz-$mode" >&2; exit 2; }
	for seed in "${seeds[@]}"; do
		name=fuzz-$mode-s$seed
		line=$(sed -E "s/^fuzz-$mode[[:space:]]+/$name /; s/seed=[0-9]+/seed=$seed/g; s/calls=[0-9]+/calls=$CALLS/g; s/\| *[0-9]+ *\|/| $timeout_s |/" <<< "$base")
		echo "$line" > "$list"
		t0=$(date +%s)
		verdict=$(TESTS_LIST=$list BUILD=$BUILD tests/qemu/run-test.sh "$name" | head -n 1)
		wall=$(($(date +%s) - t0)) tot_wall=$((tot_wall + $(date +%s) - t0))
		log=$BUILD/tests/logs/$name.log
		sum=$(tr -d '\r' < "$log" | grep -a 'fuzz: seed=[0-9]* calls=[0-9]* errors=' | tail -n 1)
		calls=$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<< "$sum")
		errs=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<< "$sum")
		crash=$(grep -ac 'd[0-9]* crashed\|unexpected exception\|Failure: step' "$log")
		fault=$(grep -ac 'PANIC\|panic:\|hypervisor fault' "$log")
		audit=$(grep -ac 'mm audit (.*): FAIL\|MEMORY LEAK' "$log")
		peer=$(grep -ac 'companion d[0-9]* stopped answering\|fuzz-peer.*Failure\|(d[0-9]*:companion) Failure' "$log")
		# A guest crash fails the pass too: the fuzzer keeps itself alive
		# by design (call_allowed), so a crash is a hypervisor bug or a
		# hole in call_allowed -- either way a finding to look at.
		[[ $verdict == PASS* ]] || bad=1
		[[ -n $calls ]] || { bad=1; calls=0 errs=0; }
		printf '%-16s calls %8s errors %8s guest-crashes %s hv-faults %s audit-failures %s companion-failures %s wall %ss  %s\n' \
			"$name" "$calls" "$errs" "$crash" "$fault" "$audit" "$peer" "$wall" "${verdict%%:*}"
		tot_calls=$((tot_calls + calls)) tot_err=$((tot_err + errs))
		tot_crash=$((tot_crash + crash)) tot_fault=$((tot_fault + fault))
		tot_audit=$((tot_audit + audit)) tot_peer=$((tot_peer + peer))
	done
done
echo "fuzz total: calls $tot_calls errors $tot_err guest-crashes $tot_crash hv-faults $tot_fault audit-failures $tot_audit companion-failures $tot_peer wall ${tot_wall}s"
((tot_fault == 0 && tot_audit == 0 && tot_peer == 0 && tot_crash == 0 && bad == 0))
