#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest. The root file system is the host's, read-only
# over 9p; everything that must be writable is a tmpfs.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp; do
	mount -t tmpfs tmpfs "$d"
done
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/utrace-gdb
mount -t utrace-gdb utrace-gdb /dev/utrace-gdb
mkdir -p "$HOME"
mount -t 9p -o trans=virtio,version=9p2000.L results /mnt
hostname utrace-gdb-guest

cd "$ug_root" || exit 1
case $ug_mode in
probe)
	echo "utrace-gdb: probe ok"
	;;
test)
	tests/guest/run.sh >/mnt/ktap.log 2>&1
	echo "utrace-gdb: guest tests finished"
	;;
bench)
	tests/guest/bench.sh >/mnt/bench.log 2>&1
	echo "utrace-gdb: benchmarks finished"
	;;
profile)
	tests/guest/profile.sh >/mnt/profile.log 2>&1
	echo "utrace-gdb: profile finished"
	;;
demo)
	tests/guest/demo.sh
	echo $? >/mnt/demo.rc
	if [ "$ug_interactive" = 1 ]; then
		echo "Guest shell: exit or Ctrl-D powers the guest off."
		setsid -c bash -i
	fi
	;;
esac
sync
busybox reboot -f
