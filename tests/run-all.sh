#!/bin/bash
# Run every test and print one verdict:
#
#   tests/run-all.sh [--host-only | --qemu-only] [host-test-binary...]
#
# Host test binaries print "PASS x" / "FAIL x: why" lines and exit non-zero
# on failure; a binary that exits non-zero without a FAIL line, dies from a
# signal, or prints no result at all adds one FAIL of its own.  Then every
# test of tests/qemu/tests.list runs through tests/qemu/run-test.sh, JOBS
# (default 2) at a time; each test's output is printed whole when it ends.
# The last line is always "N passed, N failed", counting every PASS/FAIL
# line; the exit status is 0 iff nothing failed.
#
# Environment: JOBS, HOST_TIMEOUT (seconds per host binary, default 300),
# and whatever run-test.sh reads (QEMU, QEMU_ACCEL, QEMU_MEM, BUILD).

set -u
# Host binaries may be given relative to the caller's directory.
args=()
for a in "$@"; do
	[[ $a == --* ]] && args+=("$a") || args+=("$(readlink -m -- "$a")")
done
set -- ${args[@]+"${args[@]}"}
cd "$(dirname "$0")/.." || exit 2

run_host=1 run_qemu=1
case ${1:-} in
--host-only) run_qemu=0; shift ;;
--qemu-only) run_host=0; shift ;;
esac
JOBS=${JOBS:-2}
HOST_TIMEOUT=${HOST_TIMEOUT:-300}
passed=0 failed=0

# Print a block of output and add its PASS/FAIL lines to the totals.
tally() {
	local out=$1 p f
	[[ -n $out ]] && printf '%s\n' "$out"
	p=$(grep -c '^PASS ' <<< "$out")
	f=$(grep -c '^FAIL ' <<< "$out")
	passed=$((passed + p))
	failed=$((failed + f))
}

# 32-bit host binaries (the -m32 ABI layout check) need the kernel's IA32
# emulation; some kernels are built without it (exec fails with ENOEXEC).
# There they run under QEMU's user-mode emulator instead, which
# scripts/install-deps.sh installs on such hosts.
is_elf32() { [[ $(od -An -tu1 -j4 -N1 "$1" 2>/dev/null) == *1 ]]; }
native_i386=
runner_for() {
	if ! is_elf32 "$1"; then
		runner=()
		return
	fi
	if [[ -z $native_i386 ]]; then
		python3 -c 'import os, sys; os.execv(sys.argv[1], sys.argv[1:])' "$1" \
			>/dev/null 2>&1 && native_i386=yes || native_i386=no
	fi
	if [[ $native_i386 == no ]] && command -v qemu-i386 >/dev/null; then
		runner=(qemu-i386)
	else
		runner=()
	fi
}

if ((run_host)); then
	for bin in "$@"; do
		name=$(basename "$bin")
		runner_for "$bin"
		out=$(timeout -k 5 "$HOST_TIMEOUT" ${runner[@]+"${runner[@]}"} "$bin" 2>&1)
		rc=$?
		tally "$out"
		if ((rc == 124 || rc == 137)); then
			tally "FAIL $name: timed out after ${HOST_TIMEOUT}s"
		elif ((rc > 128)); then
			tally "FAIL $name: killed by signal $((rc - 128))"
		elif ((rc != 0)) && ! grep -q '^FAIL ' <<< "$out"; then
			tally "FAIL $name: exited with status $rc without a FAIL line"
		elif ! grep -qE '^(PASS|FAIL) ' <<< "$out"; then
			tally "FAIL $name: printed no PASS/FAIL line"
		fi
	done
fi

if ((run_qemu)); then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	declare -A name_of=()
	running=0

	# Wait for one QEMU test to finish and print its output.
	reap() {
		local pid out
		wait -n -p pid
		out=$(cat "$tmp/${name_of[$pid]}.out")
		tally "$out"
		grep -qE '^(PASS|FAIL) ' <<< "$out" ||
			tally "FAIL qemu.${name_of[$pid]}: run-test.sh printed no verdict"
		unset "name_of[$pid]"
		running=$((running - 1))
	}

	mapfile -t names < <(tests/qemu/run-test.sh --list)
	for name in "${names[@]}"; do
		((running >= JOBS)) && reap
		tests/qemu/run-test.sh "$name" > "$tmp/$name.out" 2>&1 &
		name_of[$!]=$name
		running=$((running + 1))
	done
	while ((running > 0)); do
		reap
	done
fi

echo "$passed passed, $failed failed"
((failed == 0))
