#!/bin/bash
# Boot one QEMU test and judge it:  tests/qemu/run-test.sh NAME
#                                   tests/qemu/run-test.sh --list
#
# NAME is a line of tests/qemu/tests.list (its header documents the format).
# The hypervisor ($BUILD/mica.bin) is booted by QEMU's multiboot loader with
# the test guest as the first module and, with mod=, a data file as the
# second; with debug_exit the hypervisor ends the run through isa-debug-exit,
# so QEMU's exit status is (MICA_EXIT_* << 1) | 1.  The serial log goes to
# $BUILD/tests/logs/NAME.log.  Prints exactly one line, "PASS qemu.NAME" or
# "FAIL qemu.NAME: why" (then, on failure, the last 30 log lines indented so
# they never look like result lines); exit status 0 iff PASS.  QEMU runs
# under `timeout`, so this never hangs.
#
# Environment: QEMU (qemu-system-x86_64), QEMU_ACCEL ("-accel tcg -cpu max"),
# QEMU_MEM (256M), BUILD (build), QEMU_EXTRA (appended to QEMU's arguments).

set -u
cd "$(dirname "$0")/../.." || exit 2

QEMU=${QEMU:-qemu-system-x86_64}
QEMU_ACCEL=${QEMU_ACCEL:--accel tcg -cpu max}
QEMU_MEM=${QEMU_MEM:-256M}
BUILD=${BUILD:-build}
QEMU_EXTRA=${QEMU_EXTRA:-}
LIST=${TESTS_LIST:-tests/qemu/tests.list}
HV_BASE="console=com1 loglvl=debug debug_exit mm_audit"

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

# The test names, in file order.
list_tests() {
	local line
	while IFS= read -r line; do
		line=$(trim "$line")
		[[ -z $line || $line == \#* ]] && continue
		trim "${line%%|*}"
		echo
	done < "$LIST"
}

if [[ ${1:-} == --list ]]; then
	list_tests
	exit 0
fi
if [[ $# -ne 1 ]]; then
	echo "usage: $0 NAME | --list" >&2
	exit 2
fi
NAME=$1
LOG_DIR=$BUILD/tests/logs
LOG=''                      # set once QEMU has written a log worth showing
rm -f "$LOG_DIR/$NAME.log" "$LOG_DIR/$NAME.verdict"  # never leave stale results of an earlier run

fail() {
	echo "FAIL qemu.$NAME: $*"
	if [[ -s ${LOG:-} ]]; then
		tr -d '\r' < "$LOG" | tail -n 30 | sed 's/^/    | /'
	fi
	exit 1
}

# --- find and parse the test's line --------------------------------------
entry=
while IFS= read -r line; do
	line=$(trim "$line")
	[[ -z $line || $line == \#* ]] && continue
	[[ $(trim "${line%%|*}") == "$NAME" ]] && { entry=$line; break; }
done < "$LIST"
[[ -n $entry ]] || fail "no such test in $LIST"

disks=()
IFS='|' read -r -a fields <<< "$entry"
expect=$(trim "${fields[1]:-}")
timeout_s=$(trim "${fields[2]:-}")
hv='' guest='' mod='' elf=$NAME icount='' dom_success=0 input= dom0= session=
logs=() nologs=() doms=() steps=() qemu_args=()
for ((i = 3; i < ${#fields[@]}; i++)); do
	opt=$(trim "${fields[i]}")
	case $opt in
	hv=*)    hv=${opt#hv=} ;;
	disk=*)  disks+=("${opt#disk=}") ;;
	guest=*) guest=${opt#guest=} ;;
	mod=*)   mod=${opt#mod=}; mod=${mod//\$BUILD/$BUILD} ;;
	elf=*)   elf=${opt#elf=} ;;
	log=*)   logs+=("${opt#log=}") ;;
	dom=*)   doms+=("${opt#dom=}") ;;
	dom-initrd=*) doms+=("@initrd ${opt#dom-initrd=}") ;;
	input=*) input=${opt#input=} ;;
	input@*=*) steps+=("${opt#input@}") ;;
	dom-success=*) dom_success=${opt#dom-success=} ;;
	dom0)    dom0=1 ;;
	session=*) session=${opt#session=} ;;
	icount)  icount=0 ;;
	icount=*) icount=${opt#icount=} ;;
	nolog=*) nologs+=("${opt#nolog=}") ;;
	# shellcheck disable=SC2206  # split at blanks on purpose
	qemu=*)  q=${opt#qemu=}; qemu_args+=(${q//\$BUILD/$BUILD}) ;;
	"")      ;;
	*)       fail "bad option '$opt' in $LIST" ;;
	esac
done
case $expect in
success|skip|poweroff|reboot|crash|crash-exit|panic) ;;
*) fail "bad expectation '$expect' in $LIST" ;;
esac
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || fail "bad timeout '$timeout_s' in $LIST"
[[ $dom_success =~ ^[0-9]+$ ]] || fail "bad dom-success '$dom_success' in $LIST"
[[ -z $icount || $icount =~ ^[0-9]$ ]] || fail "bad icount shift '$icount' in $LIST"

# --- assemble the command line ------------------------------------------
IMAGE=$BUILD/mica.bin
ELF=$BUILD/tests/guest/$elf.elf
if [[ -n $dom0 ]]; then
	ELF=$BUILD/dom0/dom0.elf
	mod=${mod:-$BUILD/dom0/ramfs.cpio}	# mod= names another ramfs
fi
[[ -f $IMAGE ]] || fail "hypervisor image $IMAGE is missing (run make)"
[[ -f $ELF ]] || fail "guest image $ELF is missing (run make)"
[[ -z $mod || -f $mod ]] || fail "module $mod is missing"
[[ -z $session || -f $session ]] || fail "session file $session is missing"
command -v "$QEMU" > /dev/null || fail "$QEMU not found (run make deps)"

[[ " $hv " == *" dom0_mem="* ]] || hv="dom0_mem=32M${hv:+ $hv}"
append="$HV_BASE $hv"

# QEMU's multiboot -initrd: comma-separated modules, each "path args";
# a literal comma inside a module string is written as ",,".
qesc() { printf '%s' "${1//,/,,}"; }
initrd="$(qesc "$ELF")${guest:+ $(qesc "$guest")}"
[[ -n $mod ]] && initrd+=",$(qesc "$mod")"
# dom=NAME rest: an unprivileged domain from NAME.elf, its module line
# "domain rest" (docs/boot.md).
for d in ${doms[@]+"${doms[@]}"}; do
	if [[ $d == "@initrd "* ]]; then
		f=${d#"@initrd "}
		f=${f//\$BUILD/$BUILD}
		[[ -f $f ]] || fail "module $f is missing"
		initrd+=",$(qesc "$f initrd")"
		continue
	fi
	delf=${d%% *}
	drest=${d#"$delf"}
	if [[ $delf == */* ]]; then
		# a kernel that is not a test guest (the Linux guest: make linux)
		dimg=${delf//\$BUILD/$BUILD}
		[[ -f $dimg ]] || fail "kernel image $dimg is missing (run make linux)"
	else
		dimg=$BUILD/tests/guest/$delf.elf
		[[ -f $dimg ]] || fail "guest image $dimg is missing (run make)"
	fi
	initrd+=",$(qesc "$dimg domain$drest")"
done
extra=()
[[ -n $icount ]] && extra+=(-icount "shift=$icount,sleep=off")

# disk=FILE:SECTORS[:SEED]: a fresh raw image $BUILD/tests/disks/FILE made by
# tests/qemu/mkdisk.py before each run (zeros, or the blk test pattern of
# SEED), for a qemu=-drive ...,file=$BUILD/tests/disks/FILE of the same line.
for d in ${disks[@]+"${disks[@]}"}; do
	IFS=: read -r dfile dsectors dseed <<< "$d"
	[[ $dfile =~ ^[A-Za-z0-9_.-]+$ && $dsectors =~ ^[1-9][0-9]*$ && $dseed =~ ^[0-9]*$ ]] ||
		fail "bad disk '$d' in $LIST (FILE:SECTORS[:SEED])"
	mkdir -p "$BUILD/tests/disks"
	python3 tests/qemu/mkdisk.py "$BUILD/tests/disks/$dfile" "$dsectors" ${dseed:+"$dseed"} ||
		fail "cannot make disk image $dfile"
done

mkdir -p "$LOG_DIR"
LOG=$LOG_DIR/$NAME.log

# QEMU's stdin: input= after 2 seconds, then each input@MARKER=TEXT once
# MARKER is in the log (polled every 0.1 s, given up at the timeout).
feed_input() {
	local step marker text tries
	if [[ -n $input ]]; then sleep 2; printf '%s\r' "$input"; fi
	for step in ${steps[@]+"${steps[@]}"}; do
		marker=${step%%=*} text=${step#*=}
		for ((tries = timeout_s * 10; tries > 0; tries--)); do
			grep -qaF -- "$marker" "$LOG" 2> /dev/null && break
			sleep 0.1
		done
		((tries > 0)) || return
		printf '%b' "$text"
	done
}
# shellcheck disable=SC2086  # QEMU_ACCEL and QEMU_EXTRA are word lists
qemu_cmd=(timeout -k 5 "$timeout_s" "$QEMU" -machine pc $QEMU_ACCEL -m "$QEMU_MEM"
	-nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$IMAGE" -append "$append" -initrd "$initrd" ${extra[@]+"${extra[@]}"}
	${qemu_args[@]+"${qemu_args[@]}"} $QEMU_EXTRA)
verdict=
if [[ -n $session ]]; then
	# The session driver types at the console and checks what comes back.
	verdict=$LOG_DIR/$NAME.verdict
	python3 tests/qemu/dom0-session.py "$session" "$LOG" "$verdict" -- "${qemu_cmd[@]}"
	rc=$?
else
	"${qemu_cmd[@]}" < <(feed_input) > "$LOG" 2>&1
	rc=$?
fi

# --- judge -----------------------------------------------------------------
clean=$(tr -d '\r' < "$LOG")
# The initial domain's result lines are raw; other domains' are prefixed
# "(dN:name) " by the hypervisor.
results=$(grep -a 'Test result:' <<< "$clean" | grep -av '^(d[0-9]' |
	sed 's/.*Test result: *//; s/[[:space:]].*//')
dom_results=$(grep -a '^(d[0-9][0-9]*:[^)]*) Test result:' <<< "$clean" |
	sed 's/.*Test result: *//; s/[[:space:]].*//')
nresults=$(grep -c . <<< "$results")
last=$(tail -n 1 <<< "$results")

describe_rc() {
	case $1 in
	1)   echo "1 (poweroff)" ;;
	3)   echo "3 (reboot)" ;;
	5)   echo "5 (suspend)" ;;
	7)   echo "7 (crash)" ;;
	9)   echo "9 (watchdog)" ;;
	11)  echo "11 (soft_reset)" ;;
	127) echo "127 (hypervisor panic)" ;;
	0)   echo "0 (QEMU quit without debug-exit: triple fault or reset?)" ;;
	*)   echo "$1" ;;
	esac
}

if [[ -n $verdict ]]; then
	[[ -f $verdict ]] || fail "the session driver wrote no verdict"
	v=$(head -c 4000 "$verdict")
	[[ $v == ok ]] || fail "session: $v"
fi
[[ $rc -eq 124 || $rc -eq 137 ]] && fail "timeout after ${timeout_s}s"

case $expect in
success|skip|poweroff) want_rc=1 ;;
reboot) want_rc=3 ;;
crash|crash-exit) want_rc=7 ;;
panic) want_rc=127 ;;
esac
[[ $rc -eq $want_rc ]] ||
	fail "exit status $(describe_rc "$rc"), expected $(describe_rc "$want_rc")"

case $expect in
success|skip)
	want=${expect^^}
	[[ $nresults -ge 1 ]] || fail "no 'Test result:' line"
	[[ $nresults -eq 1 ]] || fail "$nresults 'Test result:' lines, expected one"
	[[ $last == "$want" ]] || fail "Test result: $last, expected $want"
	;;
*)
	grep -qE '^(FAILURE|ERROR)$' <<< "$results" && fail "guest reported a $last result"
	;;
esac
if [[ $expect == crash ]]; then
	grep -qa 'Test expects crash:' <<< "$clean" ||
		fail "crashed before the guest announced the expected crash"
	grep -qa 'crashed' <<< "$clean" || fail "no hypervisor 'crashed' line in the log"
fi
if grep -qE '^(FAILURE|ERROR)$' <<< "$dom_results"; then
	fail "an unprivileged domain reported $(grep -m1 -E '^(FAILURE|ERROR)$' <<< "$dom_results")"
fi
ndom_ok=$(grep -c '^SUCCESS$' <<< "$dom_results")
((ndom_ok >= dom_success)) ||
	fail "$ndom_ok unprivileged domains reported SUCCESS, expected $dom_success"
# The memory auditor runs at every domain teardown (mm_audit above).
grep -qa 'mm audit (.*): FAIL' <<< "$clean" && fail "memory audit failed"
grep -qa 'teardown: .*MEMORY LEAK' <<< "$clean" && fail "domain teardown leaked memory"
for s in ${logs[@]+"${logs[@]}"}; do
	grep -qaF -- "$s" <<< "$clean" || fail "log lacks '$s'"
done
for s in ${nologs[@]+"${nologs[@]}"}; do
	grep -qaF -- "$s" <<< "$clean" && fail "log has '$s'"
done

echo "PASS qemu.$NAME"
