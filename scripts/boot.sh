#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built kernel under QEMU with the host's root file system shared
# read-only over 9p, so gdb, gdbserver and strace run in the guest.
#
# Usage: boot.sh LANE MODE [RESULTS_DIR]
#   MODE test:  run tests/guest/run.sh, KTAP into RESULTS_DIR/ktap.log
#   MODE demo:  run tests/guest/demo.sh, then a shell if stdin is a tty
#   MODE bench: run tests/guest/bench.sh, its output into RESULTS_DIR/bench.log
#   MODE profile: run tests/guest/profile.sh, into RESULTS_DIR/profile.log
#   MODE probe: power off at once (used to check KVM)
# The kernel console goes to RESULTS_DIR/console.log (test, probe) or to
# the terminal (demo). UG_BOOT_TIMEOUT bounds the run (seconds).
# UG_QEMU_PLUGIN, if set, is a TCG plugin and its arguments for -plugin
# (scripts/profile.sh).

source "$(dirname "$0")/lib.sh"

lane=$1 mode=$2
results=${3:-$UG_CACHE/results-$lane}
kernel=$UG_CACHE/bzImage-$lane
[ -f "$kernel" ] || ug_die "no $lane kernel at $kernel: run scripts/build-kernel.sh $lane"
mkdir -p "$results"
results=$(cd "$results" && pwd)

# Under TCG on two host cores, KASAN's slow boot (ACPI while the other
# vCPU waits in stop_machine) trips the 20 s soft-lockup detector with
# nothing wrong; on the debug lane it waits 120 s instead, which still
# catches a real hang.
lane_args=
[ "$lane" = debug ] && lane_args=watchdog_thresh=60

qemu_cmd() {
	local accel=$1 m=$2
	local cpu=max plugin=
	[ "$accel" = kvm ] && cpu=host
	[ -n "${UG_QEMU_PLUGIN:-}" ] && plugin="-plugin $UG_QEMU_PLUGIN"
	echo qemu-system-x86_64 $plugin -accel "$accel" -cpu "$cpu" -smp 2 -m 2G \
		-nographic -no-reboot -nodefaults -serial mon:stdio \
		-kernel "$kernel" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
		-fsdev local,id=results,path="$results",security_model=none \
		-device virtio-9p-pci,fsdev=results,mount_tag=results \
		-append "'console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000 ro init=$UG_ROOT/tests/guest/init.sh panic=-1 loglevel=6 $lane_args ug_mode=$m ug_root=$UG_ROOT ug_bin=$UG_CACHE/guest-bin ug_interactive=$interactive ug_tests=${UG_TESTS:-} ug_strace_suite=${UG_STRACE_SUITE:-subset} ug_strace_shard=${UG_STRACE_SHARD:-} ug_trace=${UG_TRACE:-0} ug_case_timeout=${UG_CASE_TIMEOUT:-120} ug_lane=$lane'"
}

# KVM exists on these machines but can hang in nested guests: believe it
# only after it has booted our kernel once, and remember the answer for
# this host boot.
pick_accel() {
	local cache=$UG_CACHE/accel-$(cat /proc/sys/kernel/random/boot_id)
	if [ ! -s "$cache" ]; then
		local accel=tcg
		if [ -w /dev/kvm ] &&
			eval "timeout -k 2 20 $(qemu_cmd kvm probe)" </dev/null 2>&1 | grep -q 'utrace-gdb: probe ok'; then
			accel=kvm
		fi
		echo $accel >"$cache"
	fi
	cat "$cache"
}

interactive=0
[ "$mode" = demo ] && [ -t 0 ] && interactive=1
accel=${UG_ACCEL:-$(pick_accel)}
# A default run takes 10-15 minutes under TCG on 2 cores, and up to twice
# that on a busy shared machine. The debug lane (KASAN, lockdep) runs the
# tests several times slower, the 10,000-cycle stress test included.
default_limit=2400
[ "$lane" = debug ] && default_limit=3600
limit=${UG_BOOT_TIMEOUT:-$default_limit}
case $mode in
test | bench | profile | probe)
	ug_say "qemu: booting the $lane kernel ($accel), console in $results/console.log"
	rc=0
	eval "timeout -k 5 $limit $(qemu_cmd "$accel" "$mode")" </dev/null >"$results/console.log" 2>&1 || rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		printf 'error: the guest did not finish within %ss. Console tail:\n' "$limit" >&2
		tail -n 40 "$results/console.log" >&2
		exit 1
	fi
	;;
demo)
	ug_say "qemu: booting the $lane kernel ($accel)"
	rm -f "$results/demo.rc"
	eval "timeout -k 5 $limit $(qemu_cmd "$accel" "$mode")" || true
	[ -f "$results/demo.rc" ] || ug_die "the demo did not finish (no $results/demo.rc)"
	exit "$(cat "$results/demo.rc")"
	;;
*) ug_die "unknown mode '$mode'" ;;
esac
