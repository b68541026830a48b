#!/bin/bash
# The gdb engine against gdbserver, in the same guest and the same run:
# time per breakpoint hit (2,000 hits), per stepi (2,000 steps) and to
# read 64 MiB. Each session's fixed cost (gdb start, attach, detach) is
# measured alone and subtracted. Prints "vs-gdbserver NAME OURS THEIRS"
# in microseconds; scripts/bench.sh prints the ratios. Skipped on a
# kernel without the device.
mountpoint -q /dev/utrace-gdb || exit 0

bin=${ug_bin:?}
fifo=$(mktemp -u)
mkfifo "$fifo"
"$bin/bench_target" >"$fifo" &
pid=$!
read -r _ <"$fifo"
rm -f "$fifo"

# micros TARGET GDB-ARGS...: wall time of one batch session, in µs.
micros() {
	local target=$1 t0 t1
	shift
	t0=$(date +%s%N)
	timeout -k 5 900 gdb -batch -nx -ex 'set confirm off' -ex "target remote $target" \
		"$@" -ex detach "$bin/bench_target" >/tmp/bench-gdb.log 2>&1 ||
		echo "bench-failed gdb session on $target: $(tail -n 3 /tmp/bench-gdb.log)" >&2
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

ours="/dev/utrace-gdb/$pid"
theirs="| exec gdbserver - --attach $pid"
hits=(-ex 'break marker' -ex 'ignore 1 2000' -ex continue -ex delete)
steps=(-ex 'stepi 2000')
dump=(-ex 'dump binary memory /dev/null buf buf+0x4000000')

# Interleaved, so that both see the same machine load.
for t in ours theirs; do
	eval "target=\$$t"
	base=$(micros "$target")
	echo "vs-gdbserver-raw $t base $base"
	echo "bench-us $t breakpoint-hit $((($(micros "$target" "${hits[@]}") - base) / 2000))"
	echo "bench-us $t stepi $((($(micros "$target" "${steps[@]}") - base) / 2000))"
	echo "bench-us $t read-64MiB $(($(micros "$target" "${dump[@]}") - base))"
done | tee /tmp/bench-vs.log >&2
for name in breakpoint-hit stepi read-64MiB; do
	echo "vs-gdbserver $name $(awk -v n=$name '$1 == "bench-us" && $2 == "ours" && $3 == n {print $4}' /tmp/bench-vs.log)" \
		"$(awk -v n=$name '$1 == "bench-us" && $2 == "theirs" && $3 == n {print $4}' /tmp/bench-vs.log)"
done
kill $pid
