#!/usr/bin/env python3
"""Run Mica's benchmarks and report exact, repeatable figures.

Every benchmark guest (build/tests/bench/bench-*.elf) is booted twice:

  icount  QEMU -icount shift=0,sleep=off: the guest-visible TSC advances by
          one per executed instruction, so a TSC delta *is* an instruction
          count -- exact and identical from run to run, on any host.
  host    plain TCG: the TSC follows the host clock; the guest reports the
          median of several repetitions.  Real time, noisy, host-dependent.

The hypervisor is booted with "bench", which adds bare-operation figures
measured in ring 0 at boot (bare.*) and the boot time (boot.*).

The Linux guest (make linux, make linux-native) is booted twice more, under
-icount only: the PV kernel as a Mica domain (linux-pv.*) and the same
kernel source built without paravirtualization, booted natively in the same
QEMU (linux-native.*).  Both run /bin/lxbench of their initramfs
(guest-linux-patches/user/lxbench.c); the ratio column of a linux-pv case
is PV over native, the analogue of Table 3 of the Xen paper.

Output: a table on stdout (with ratios to the bare operation each case
wraps, where there is one), $BUILD/bench/results.json, and a comparison of
the instruction counts against tests/bench/baseline.json that flags every
case whose count grew.  Benchmarks are never pass/fail; --smoke is a quick
check that the harness itself works (used by `make test`).

--phases HV runs the hot-path cases (bench-paths) on HV, a hypervisor
built with PHASES=1 (make bench-phases), next to the normal one, and prints
where each operation's instructions go, phase by phase (see
hypervisor/include/mica/phase.h): the instrumented hypervisor reports its
counters after the operation ran n and 2n times, and the difference,
less the marks' own instructions, divided by n is one operation's.

--update-baseline writes this run's instruction counts into the baseline;
with --only, the other cases keep theirs.

Usage: bench.py [--update-baseline] [--strict] [--smoke] [--only NAME]
                [--phases HV]
"""

import json
import os
import re
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
QEMU_MEM = os.environ.get("QEMU_MEM", "256M")
GIT_REV = os.environ.get("GIT_REV", "unknown")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "tests", "bench", "baseline.json")
TIMEOUT = 120

# case -> the bare operation it wraps (for the ratio column)
BARE = {
    "hypercall.null": "bare.int_iret_ring0",
    "hypercall.null_raw_int82": "bare.int_iret_ring0",
    "hypercall.null_net": "bare.int_iret_ring0",
    "hypercall.enosys": "bare.int_iret_ring0",
    "trap.int80_user": "bare.int_iret_ring0",
    "trap.pf_user": "bare.int_iret_ring0",
    # PV block I/O through blkback against Dom0's native virtio-blk figure
    # (docs/split-drivers.md; the goal: PV at least 90 % of native
    # throughput, i.e. a ratio of at most 1.11)
    "blkback.seq_write_64k": "blk.seq_write_64k",
    "blkback.seq_read_64k": "blk.seq_read_64k",
    "blkback.seq_write_64k_map": "blk.seq_write_64k",
    "blkback.seq_read_64k_map": "blk.seq_read_64k",
    "blkback.seq_write_64k_q16": "blk.seq_write_64k_q16",
    "blkback.seq_read_64k_q16": "blk.seq_read_64k_q16",
    "blkback.seq_write_64k_copy": "blk.seq_write_64k",
    "blkback.seq_read_64k_copy": "blk.seq_read_64k",
}

# The hot paths compared with Xen 4.21 (release build, 32-on-64, measured
# with an ABI-only probe guest in the same forms, docs/performance.md):
# case -> (Xen 4.21's instructions, Mica's goal).  Printed beside each case
# with the ratio Mica / Xen.
AGAINST_XEN = {
    "hypercall.null_net": (301, 100),
    "uvm.same_pte": (627, 250),
    "uvm.same_pte_invlpg": (693, 300),
    "mmu_update.same_batch1": (777, 300),
    "mmu_update.same_batch64": (366, 80),
    "mmu_update.same_batch512": (360, 60),
    "evtchn.send_pending": (427, 200),
    "evtchn.send_newly": (518, 250),
    "trap.int80_iret_hc": (681, 350),
    "trap.int80_iret_native": (289, 200),
    "trap.pf_k_iret_hc": (839, 450),
    "trap.pf_k_iret_native": (472, 300),
}

DESCRIPTIONS = {
    "hypercall.null_net": "xen_version(0): call into the hypercall page, net of the guest loop",
    "uvm.same_pte": "update_va_mapping of a kernel page to its current PTE, flags 0",
    "uvm.same_pte_invlpg": "update_va_mapping of a kernel page to its current PTE, UVMF_INVLPG",
    "mmu_update.same_batch1": "mmu_update rewriting 1 present L1 entry to its value (per entry)",
    "mmu_update.same_batch64": "mmu_update rewriting 64 present L1 entries to their values (per entry)",
    "mmu_update.same_batch512": "mmu_update rewriting 512 present L1 entries to their values (per entry)",
    "evtchn.send_pending": "EVTCHNOP_send, upcalls masked, the event already pending",
    "evtchn.send_newly": "EVTCHNOP_send, upcalls masked, the event newly pending",
    "trap.int80_iret_hc": "ring-3 int $0x80 -> ring-1 handler -> ring 3 by the iret hypercall",
    "trap.int80_iret_native": "ring-3 int $0x80 -> ring-1 handler -> ring 3 by a native iret",
    "trap.pf_k_iret_hc": "ring-1 #PF bounced to the ring-1 handler, back by the iret hypercall",
    "trap.pf_k_iret_native": "ring-1 #PF bounced to the ring-1 handler, back by a native iret",
    "bare.int_iret_ring0": "int/iretq round trip within ring 0 (boot)",
    "bare.cr3_write": "one CR3 write (boot)",
    "boot.entry_to_guest": "hypervisor entry to the first guest instruction",
    "hypercall.null": "xen_version(0) through the hypercall page",
    "hypercall.null_raw_int82": "xen_version(0) with a direct int $0x82",
    "hypercall.enosys": "unimplemented hypercall (entry/exit only)",
    "trap.int80_user": "int $0x80 from ring 3 to the guest kernel and back (iret hypercall)",
    "trap.pf_user": "#PF from ring 3 bounced to the guest kernel and back",
    "mmu_update.batch1": "mmu_update, per entry, batch of 1",
    "mmu_update.batch64": "mmu_update, per entry, batch of 64",
    "mmu_update.batch512": "mmu_update, per entry, batch of 512",
    "mmu_update.batch2048": "mmu_update, per entry, batch of 2048",
    "uvm.none": "update_va_mapping, no flush",
    "uvm.invlpg": "update_va_mapping, UVMF_INVLPG",
    "uvm.flush_all": "update_va_mapping, UVMF_TLB_FLUSH",
    "pin_unpin.l1_full": "pin + unpin of an L1 with 512 present entries",
    "evtchn.send_self": "EVTCHNOP_send to an IPI port of our own (masked)",
    "evtchn.pingpong_rtt": "event round trip d0 -> d1 -> d0 (send + poll each side)",
    "evtchn.send_ack_2l": "EVTCHNOP_send to our IPI port + the guest's 2-level acknowledgement",
    "evtchn.send_self_fifo": "EVTCHNOP_send to an IPI port of our own, FIFO ABI (masked)",
    "evtchn.send_ack_fifo": "EVTCHNOP_send + consuming the event from the FIFO queue",
    "evtchn.pingpong_rtt_fifo": "event round trip d0 (FIFO) -> d1 -> d0",
    "grant.map_unmap": "grant map (rw, at a VA) + unmap of one page, incl. the unmap TLB flush",
    "grant.copy_4k": "GNTTABOP_copy of a whole page from a grant to a local frame",
    "ring.rtt": "one request/response round trip over a granted ring with d1",
    "sched.domain_switch": "one block/wake domain switch (half the round trip)",
    "vcpu.ipi_rtt": "IPI round trip vCPU 0 -> vCPU 1 -> vCPU 0 of one domain (send + poll each side)",
    "vcpu.switch": "one block/wake switch between two vCPUs of a domain (half the IPI round trip)",
    "xs.read_rtt": "XS_READ round trip from a domU to xenstored in d0 over the ring",
    "xs.write_rtt": "XS_WRITE round trip (the store commit included)",
    "xs.watch_event": "XS_WRITE of a watched node until its WATCH_EVENT arrives",
    "xs.dom0.read_rtt": "XS_READ round trip from a domU through Mica's Dom0 (xenstored in its main loop)",
    "xs.dom0.write_rtt": "XS_WRITE round trip through Mica's Dom0",
    "xs.dom0.watch_event": "XS_WRITE of a watched node until its WATCH_EVENT arrives, through Mica's Dom0",
    "build.create_destroy_4m": "toolstack builder: build a 4 MiB domain + destroy it",
    "build.first_output_4m": "build start -> the new 4 MiB guest's first console byte",
    "xl.create_first_output_4m": "xl create in Dom0 -> the guest's first byte at the console backend",
    "xl.list_64": "xl list in Dom0 with 64 domains (table printed on the console)",
    "blk.seq_write_64k": "Dom0 virtio-blk: sequential 64 KiB writes, 4 in flight, per MiB",
    "blk.seq_read_64k": "Dom0 virtio-blk: sequential 64 KiB reads, 4 in flight, per MiB",
    "blk.seq_write_64k_q16": "Dom0 virtio-blk: the same writes, 16 in flight, per MiB",
    "blk.seq_read_64k_q16": "Dom0 virtio-blk: the same reads, 16 in flight, per MiB",
    "blk.seq_write_64k_ns": "the same writes: ns per MiB (host time in the host column)",
    "blk.seq_read_64k_ns": "the same reads: ns per MiB (host time in the host column)",
    "blkback.seq_write_64k": "PV through blkback, persistent grants: the same writes, per MiB",
    "blkback.seq_read_64k": "PV through blkback, persistent grants: the same reads, per MiB",
    "blkback.seq_write_64k_map": "PV, every page grant-mapped and unmapped per request",
    "blkback.seq_read_64k_map": "PV, every page grant-mapped and unmapped per request",
    "blkback.seq_write_64k_copy": "PV, data by grant copy (one GNTTABOP_copy per request)",
    "blkback.seq_read_64k_copy": "PV, data by grant copy (one GNTTABOP_copy per request)",
    "blkback.seq_write_64k_q16": "PV, persistent grants, 16 requests in flight",
    "blkback.seq_read_64k_q16": "PV, persistent grants, 16 requests in flight",
    "net.ping_rtt": "Dom0 virtio-net: ICMP echo round trip with QEMU's gateway, one at a time",
    "net.ping_rtt_ns": "the same round trip in ns (host time in the host column)",
    "net.echo_flood_per_packet": "Dom0 virtio-net: echoes 32 in flight, per packet sent or received",
    "net.echo_flood_ns_per_packet": "the same in ns per packet (host time in the host column)",
}

LINUX_CASES = {
    "null_syscall": "getppid() through the vDSO (SYSENTER where offered), as the C library calls it",
    "null_syscall_int80": "getppid() with int $0x80",
    "fork_exit": "fork(), the child exits at once, wait4() (per process)",
    "fork_exec": "fork(), the child execve()s a small static program that exits, wait4()",
    "page_fault": "demand-zero write fault on anonymous memory (per page)",
    "pipe_switch": "one hop of a byte between two processes over pipes (half a round trip)",
    "mmap_munmap": "mmap of 64 KiB anonymous, one store, munmap",
}
for _c, _d in LINUX_CASES.items():
    DESCRIPTIONS["linux-pv." + _c] = "Linux PV on Mica: " + _d
    DESCRIPTIONS["linux-native." + _c] = "the same kernel source, native: " + _d
    BARE["linux-pv." + _c] = "linux-native." + _c

# The Linux runs: pseudo-targets next to the benchmark guests.
LINUX_PV = "linux-pv"
LINUX_NATIVE = "linux-native"
LINUX_DIR = os.path.join(BUILD, "linux")
LINUX_MEM = "64M"           # the PV domain's memory and the native machine's
LINUX_TIMEOUT = 900

# extra boot modules some benchmark guests need (paths relative to BUILD)
EXTRA_MODULES = {
    "bench-evtchn": ["tests/guest/spin.elf domain name=pong mem=8M -- role=pong"],
    "bench-grant": ["tests/guest/grant-peer.elf domain name=backend mem=8M -- role=backend"],
    "bench-xenstore": ["tests/guest/xs-bench.elf domain name=client mem=8M"],
    "bench-build": ["tests/guest/pvconsole.elf"],
}

# extra hypervisor options some benchmark guests need
EXTRA_HV = {
    "bench-vcpu": "dom0_max_vcpus=2",
}

LINE = re.compile(r"BENCH (\S+) ([0-9]+(?:\.[0-9]+)?)\s*$")


# Mica's Dom0 runs the toolstack's benchmarks (bench-xl) from a boot script;
# 64 domains of 4 MiB need more memory than the other runs.  A second run
# times xenstore through Dom0 (a guest xl creates, over its ring).  A Dom0
# run is named DOM0_ELF#SCRIPT.
DOM0_ELF = os.path.join(BUILD, "dom0", "dom0.elf")
DOM0_SCRIPTS = ["/etc/dom0/bench.sh", "/etc/dom0/bench-xs.sh", "/etc/dom0/bench-dev.sh",
                "/etc/dom0/bench-net.sh"]
DOM0_BENCH_MEM = "512M"

# Dom0's native devices (bench-dev): a 32 MiB raw disk of zeros made for
# the run, and QEMU's user network restricted to this machine.
BENCH_DISK = os.path.join(BUILD, "bench", "bench-disk.img")
DOM0_EXTRA_QEMU = {
    "/etc/dom0/bench-dev.sh": [
        "-drive", "if=none,id=bd,file=%s,format=raw" % BENCH_DISK,
        "-device", "virtio-blk-pci,drive=bd,addr=04.0",
        "-netdev", "user,id=bn,restrict=on",
        "-device", "virtio-net-pci,netdev=bn,addr=05.0,romfile="],
}


# Dom0 runs that take longer than TIMEOUT (bench-dev.sh also creates the
# PV block benchmark's guests: bench-blk).
DOM0_TIMEOUT = {"/etc/dom0/bench-dev.sh": 900}


def run_guest(elf, icount, hv_bin=None):
    """Boot one benchmark guest; return {case: value} and the log."""
    hv = "console=com1 loglvl=info debug_exit bench dom0_mem=32M"
    extra_hv = EXTRA_HV.get(os.path.basename(elf)[:-4])
    if extra_hv:
        hv += " " + extra_hv
    extra_qemu = []
    if elf.split("#")[0] == DOM0_ELF:
        modules = [DOM0_ELF + " quiet script=" + elf.split("#")[1],
                   os.path.join(BUILD, "dom0", "ramfs.cpio")]
        mem = DOM0_BENCH_MEM
        extra_qemu = DOM0_EXTRA_QEMU.get(elf.split("#")[1], [])
        if extra_qemu:
            os.makedirs(os.path.dirname(BENCH_DISK), exist_ok=True)
            with open(BENCH_DISK, "wb") as f:
                f.truncate(32 << 20)
    else:
        modules = [elf] + [os.path.join(BUILD, m) for m in
                           EXTRA_MODULES.get(os.path.basename(elf)[:-4], [])]
        mem = QEMU_MEM
    cmd = [QEMU, "-machine", "pc", "-accel", "tcg", "-cpu", "max",
           "-m", mem, "-nographic", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", hv_bin or os.path.join(BUILD, "mica.bin"),
           "-append", hv,
           "-initrd", ",".join(modules)] + extra_qemu
    if icount:
        cmd[1:1] = ["-icount", "shift=0,sleep=off"]
    timeout = DOM0_TIMEOUT.get(elf.split("#")[1], TIMEOUT) if "#" in elf else TIMEOUT
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError("%s: timed out after %ds" % (elf, timeout))
    log = p.stdout.decode("utf-8", "replace")
    if p.returncode != 1 or "Test result: SUCCESS" not in log:
        tail = "\n".join(log.splitlines()[-15:])
        raise RuntimeError("%s: exit %d, no SUCCESS\n%s" % (elf, p.returncode, tail))
    vals = {}
    for line in log.splitlines():
        m = LINE.search(line)
        if m:
            vals[m.group(1)] = float(m.group(2))
    return vals, log


def run_linux(target):
    """Boot the Linux guest under -icount with mica.run=bench; return
    {linux-pv.case or linux-native.case: instructions per op} and the log."""
    initrd = os.path.join(LINUX_DIR, target[len("linux-"):], "initramfs.cpio.gz")
    cmd = [QEMU, "-icount", "shift=0,sleep=off", "-machine", "pc", "-accel", "tcg",
           "-cpu", "max", "-nographic", "-no-reboot"]
    if target == LINUX_PV:
        vmlinux = os.path.join(LINUX_DIR, "pv", "vmlinux")
        cmd += ["-m", QEMU_MEM,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-kernel", os.path.join(BUILD, "mica.bin"),
                "-append", "console=com1 loglvl=info debug_exit dom0_mem=32M",
                "-initrd", ",".join([
                    os.path.join(BUILD, "tests", "guest", "linux-host.elf") +
                    " timeout=%d" % LINUX_TIMEOUT,
                    vmlinux + " domain name=linux mem=%s -- mica.run=bench" % LINUX_MEM,
                    initrd + " initrd"])]
    else:
        # no power-off device without ACPI: /init reboots, -no-reboot ends QEMU
        cmd += ["-m", LINUX_MEM,
                "-kernel", os.path.join(LINUX_DIR, "native", "bzImage"),
                "-initrd", initrd,
                "-append", "console=ttyS0 mica.run=bench mica.end=reboot"]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=LINUX_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError("%s: timed out after %ds" % (target, LINUX_TIMEOUT))
    log = p.stdout.decode("utf-8", "replace")
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    with open(os.path.join(BUILD, "bench", target + ".log"), "w") as f:
        f.write(log)
    if "lxbench: done" not in log or "lxbench: " in log.replace("lxbench: done", ""):
        tail = "\n".join(log.splitlines()[-15:])
        raise RuntimeError("%s: lxbench did not finish cleanly\n%s" % (target, tail))
    vals = {}
    for line in log.splitlines():
        m = LINE.search(line)
        if m and m.group(1).startswith("linux."):
            vals[target + m.group(1)[len("linux"):]] = float(m.group(2))
    return vals, log


def linux_targets():
    """The Linux pseudo-targets whose kernels are built."""
    t = []
    if os.path.exists(os.path.join(LINUX_DIR, "pv", "vmlinux")):
        t.append(LINUX_PV)
    if os.path.exists(os.path.join(LINUX_DIR, "native", "bzImage")):
        t.append(LINUX_NATIVE)
    return t


def bench_elfs(only):
    d = os.path.join(BUILD, "tests", "bench")
    elfs = sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.startswith("bench-") and f.endswith(".elf"))
    if os.path.exists(DOM0_ELF):
        elfs += [DOM0_ELF + "#" + script for script in DOM0_SCRIPTS]
    elfs += linux_targets()
    if only:
        elfs = [e for e in elfs if only in os.path.basename(e)]
    return elfs


def collect(elfs, modes, failures=None):
    """Run every guest in every mode.  With a failures list, a run that
    fails is recorded there and the others still run (one broken case must
    not cost the whole table); without one, the first failure raises."""
    results = {m: {} for m in modes}
    for elf in elfs:
        for mode in modes:
            try:
                if elf in (LINUX_PV, LINUX_NATIVE):
                    if mode != "icount":
                        continue            # instruction counts only
                    vals, _ = run_linux(elf)
                else:
                    vals, _ = run_guest(elf, mode == "icount")
            except RuntimeError as e:
                if failures is None:
                    raise
                failures.append("%s (%s): %s" % (os.path.basename(elf), mode, e))
                print("bench: %s" % failures[-1], flush=True)
                continue
            for k, v in vals.items():
                # hypervisor boot figures repeat in every run; keep the first
                results[mode].setdefault(k, v)
    return results


PHASES_LINE = re.compile(r"PHASES (\S+) ([0-9]+) ([0-9]+) (.*)$")
# the order the phases are printed in: the path's order
PHASE_ORDER = ["entry", "trap", "dispatch", "handler", "mmu_batch", "mmu_copy",
               "mmu_table", "uvm_walk", "pt_entry", "flush", "evt_port", "evt_set",
               "bounce", "iret", "exit", "restore", "guest"]


def per_op_divisor(case):
    """Operations per loop iteration: entries per call for mmu batches."""
    m = re.search(r"batch([0-9]+)$", case)
    return int(m.group(1)) if m else 1


def parse_phases(log):
    """{case: {phase: instructions per operation}} from PHASES lines."""
    reports = {}
    for line in log.splitlines():
        m = PHASES_LINE.search(line)
        if not m:
            continue
        case, n, overhead = m.group(1), int(m.group(2)), int(m.group(3))
        counts = {}
        for item in m.group(4).split():
            name, val = item.split("=")
            raw, marks = val.split("/")
            counts[name] = (int(raw), int(marks))
        reports.setdefault(case, []).append((n, overhead, counts))
    out = {}
    for case, reps in reports.items():
        if len(reps) != 2:
            raise RuntimeError("phases: %s: %d reports, want 2" % (case, len(reps)))
        (n1, ov, c1), (n2, _, c2) = sorted(reps, key=lambda r: r[0])
        div = float(n2 - n1) * per_op_divisor(case)
        res = {}
        for ph in set(c1) | set(c2):
            r1, k1 = c1.get(ph, (0, 0))
            r2, k2 = c2.get(ph, (0, 0))
            v = ((r2 - r1) - (k2 - k1) * ov) / div
            if abs(v) >= 0.05:
                res[ph] = v
        out[case] = res
    return out


def report_phases(phases, figures):
    print("Where the instructions go (per operation; instrumented hypervisor, marks' "
          "own cost removed; 'guest' includes the loop's dec/jnz):")
    for case in sorted(phases):
        ph = phases[case]
        total = sum(ph.values())
        parts = ["%s %s" % (p, fmt(round(ph[p], 1))) for p in PHASE_ORDER if p in ph]
        parts += ["%s %s" % (p, fmt(round(ph[p], 1))) for p in sorted(ph) if p not in PHASE_ORDER]
        fig = figures.get(case)
        print("  %-26s sum %7s (figure %s)" % (case, fmt(round(total, 1)), fmt(fig)))
        print("      " + ", ".join(parts))


def pct(x):
    return ("%.1f" % x) if x >= 0.1 else ("%.4f" % x)


def fmt(v):
    return ("%.2f" % v).rstrip("0").rstrip(".") if v is not None else "-"


def report(results, baseline):
    icount = results.get("icount", {})
    host = results.get("host", {})
    cases = sorted(set(icount) | set(host))
    w = max([len(c) for c in cases] + [4])
    print("%-*s  %12s  %7s  %15s  %7s  %12s  %5s  %5s  %5s  %s" % (
        w, "case", "instructions", "ratio", "host-TSC median", "ratio", "baseline",
        "goal", "Xen", "/Xen", "note"))
    regressions = []
    for c in cases:
        ins, tsc = icount.get(c), host.get(c)
        ratio = hratio = "-"
        bare = BARE.get(c)
        if bare and ins is not None and icount.get(bare):
            # PV against native is close to 1: two decimals
            ratio = ("x%.2f" if c.startswith("linux-") else "x%.1f") % (ins / icount[bare])
        if bare and tsc is not None and host.get(bare):
            hratio = "x%.1f" % (tsc / host[bare])
        base = baseline.get(c)
        note = ""
        if base is not None and ins is not None:
            if ins > base:
                note = "REGRESSION +%s%%" % pct(100.0 * (ins - base) / base if base else 100)
                regressions.append(c)
            elif ins < base:
                note = "improved -%s%%" % pct(100.0 * (base - ins) / base)
        elif ins is not None:
            note = "new"
        goal = xen = xratio = ""
        if c in AGAINST_XEN:
            xen, goal = AGAINST_XEN[c]
            if ins is not None:
                xratio = "%.2f" % (ins / xen)
                if ins > goal:
                    note = (note + " " if note else "") + "above goal"
        print("%-*s  %12s  %7s  %15s  %7s  %12s  %5s  %5s  %5s  %s" % (
            w, c, fmt(ins), ratio, fmt(tsc), hratio, fmt(base), goal, xen, xratio, note))
    print()
    for c in cases:
        if c in DESCRIPTIONS:
            print("  %-*s  %s" % (w, c, DESCRIPTIONS[c]))
    return regressions


def write_json(results, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rows = []
    for mode, vals in results.items():
        unit = "instructions/op" if mode == "icount" else "host-tsc-ticks/op (median)"
        for case, v in sorted(vals.items()):
            rows.append({"case": case, "unit": unit, "value": v,
                         "mode": mode, "revision": GIT_REV})
    with open(path, "w") as f:
        json.dump({"revision": GIT_REV, "generated": int(time.time()),
                   "results": rows}, f, indent=2)
        f.write("\n")


def main(argv):
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1]
    smoke = "--smoke" in argv
    if "--phases" in argv:
        hv = argv[argv.index("--phases") + 1]
        try:
            elf = bench_elfs("bench-paths")[0]
            figures, _ = run_guest(elf, True)
            _, log = run_guest(elf, True, hv)
            phases = parse_phases(log)
            if not phases:
                raise RuntimeError("%s reported no phases: not built with PHASES=1?" % hv)
        except (RuntimeError, IndexError) as e:
            print("bench: phases: %s" % e)
            return 1
        report_phases(phases, figures)
        return 0
    try:
        if smoke:
            elfs = bench_elfs("bench-hypercall")
            if not elfs:
                raise RuntimeError("no benchmark guest built")
            results = collect(elfs[:1], ["icount"])
            need = ["hypercall.null", "bare.int_iret_ring0", "boot.entry_to_guest"]
            missing = [c for c in need if c not in results["icount"]]
            if missing:
                raise RuntimeError("cases missing from the output: %s" % missing)
            # the icount figures must be exact: run again, compare
            again = collect(elfs[:1], ["icount"])
            if again != results:
                raise RuntimeError("icount figures differ between two runs")
            write_json(results, os.path.join(BUILD, "bench", "smoke.json"))
            print("PASS bench.smoke")
            return 0
        elfs = bench_elfs(only)
        if not elfs:
            raise RuntimeError("no benchmark guests in %s/tests/bench" % BUILD)
        failures = []
        results = collect(elfs, ["icount", "host"], failures)
    except RuntimeError as e:
        print(("FAIL bench.smoke: " if smoke else "bench: ") + str(e))
        return 1
    baseline = {}
    if os.path.exists(BASELINE):
        with open(BASELINE) as f:
            baseline = json.load(f).get("instructions", {})
    regressions = report(results, baseline)
    out = os.path.join(BUILD, "bench", "results.json")
    write_json(results, out)
    print("\nresults: %s (revision %s)" % (out, GIT_REV))
    if "--update-baseline" in argv:
        # The cases of this run replace theirs; the others keep their
        # figures, so "--only NAME --update-baseline" updates just NAME's.
        merged = dict(baseline)
        merged.update(results["icount"])
        with open(BASELINE, "w") as f:
            json.dump({"note": "instruction counts under QEMU -icount shift=0; "
                               "regenerate with make bench BENCH_ARGS=--update-baseline",
                       "revision": GIT_REV,
                       "instructions": merged}, f, indent=2, sort_keys=True)
            f.write("\n")
        print("baseline updated: %s" % BASELINE)
    elif regressions:
        print("instruction counts grew in: %s" % ", ".join(regressions))
        if "--strict" in argv:
            return 2
    if failures:
        print("\n%d benchmark run(s) failed; their cases are missing above:" % len(failures))
        for f in failures:
            print("  " + f.splitlines()[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
