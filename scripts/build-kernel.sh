#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build a kernel lane: "default" (our subsystem), "debug" (ours plus
# lockdep, KASAN...) or "stock" (the same pinned 6.12 and config, none of
# our code). Incremental: the build trees live under $UG_CACHE.
#
# Usage: build-kernel.sh [default|debug|stock]

source "$(dirname "$0")/lib.sh"

lane=${1:-default}
case $lane in
default) fragments="base utrace test" ;;
debug) fragments="base utrace test debug" ;;
stock) fragments="base" ;;
*) ug_die "unknown lane '$lane' (default, debug or stock)" ;;
esac

[ -n "${UG_SETUP_DONE:-}" ] || "$UG_ROOT/scripts/setup.sh"
export UG_SETUP_DONE=1

pristine=$UG_SRC/linux
tree=$UG_CACHE/tree
out=$UG_CACHE/build-$lane
jobs=${UG_JOBS:-$(($(nproc) + 1))}
export LLVM=1
mkdir -p "$out"

# The patched tree: hard links to the pristine source, with patches/
# applied on top (patch replaces a file rather than writing through the
# link). Re-made only when the series or the source changes.
series_id() {
	(cat "$UG_SRC/VERSION" && cd "$UG_ROOT/patches" && cat series $(cat series)) | sha256sum | cut -c1-16
}

# The files the series changes.
patched_files() {
	(cd "$UG_ROOT/patches" && sed -n 's|^+++ b/||p' $(cat series)) | sort -u
}

# Keeps rebuilds small when the series changes: a file whose content is
# the same as in the old tree keeps its old time stamp, and a file the
# series no longer touches gets a new one, or make would keep the objects
# built from the patched version.
carry_timestamps() {
	local f now
	now=$(patched_files)
	for f in $(cat "$tree/.utrace-gdb-files" 2>/dev/null) $now; do
		[ -f "$tree/$f" ] && [ -f "$tree.new/$f" ] || continue
		if ! grep -qx "$f" <<<"$now"; then
			# Unpatched now: a private copy with a new time stamp, so
			# the hard link to the pristine file keeps its own.
			cp --remove-destination "$pristine/$f" "$tree.new/$f"
		elif cmp -s "$tree/$f" "$tree.new/$f"; then
			touch -r "$tree/$f" "$tree.new/$f"
		fi
	done
}

make_tree() {
	local p
	rm -rf "$tree.new"
	cp -al "$pristine" "$tree.new"
	for p in $(cat "$UG_ROOT/patches/series"); do
		echo "applying $p"
		patch -d "$tree.new" -p1 --no-backup-if-mismatch -s <"$UG_ROOT/patches/$p"
	done
	[ -d "$tree" ] && carry_timestamps
	patched_files >"$tree.new/.utrace-gdb-files"
	rm -rf "$tree"
	mv "$tree.new" "$tree"
	series_id >"$tree/.utrace-gdb-series"
}

if [ "$lane" = stock ]; then
	srctree=$pristine
else
	srctree=$tree
	if [ "$(cat "$tree/.utrace-gdb-series" 2>/dev/null)" != "$(series_id)" ]; then
		ug_step "patches: applying patches/series to a copy of $(cat "$UG_SRC/VERSION")" \
			"$UG_LOGS/patch.log" make_tree
	fi
	ln -sfn "$UG_ROOT" "$tree/utrace_gdb"
fi

kmake() {
	make -C "$srctree" O="$out" LLVM=1 "$@"
}

# The configuration: tinyconfig plus our fragments, re-made when a
# fragment changes. Every option a fragment asks for must survive.
config_id() {
	(cd "$UG_ROOT/config" && cat $(printf '%s.config ' $fragments)) | sha256sum | cut -c1-16
}

make_config() {
	local f
	kmake tinyconfig
	(cd "$out" && "$srctree/scripts/kconfig/merge_config.sh" -m .config \
		$(printf "$UG_ROOT/config/%s.config " $fragments))
	kmake olddefconfig
	local dropped
	dropped=$(cd "$UG_ROOT/config" && cat $(printf '%s.config ' $fragments) |
		grep -E '^CONFIG_[A-Z0-9_]+=|^# CONFIG_[A-Z0-9_]+ is not set' |
		grep -vxF -f "$out/.config" || true)
	if [ -n "$dropped" ]; then
		printf 'config: Kconfig dropped these (a dependency is missing):\n%s\n' "$dropped"
		return 1
	fi
	config_id >"$out/.utrace-gdb-config"
}

if [ "$(cat "$out/.utrace-gdb-config" 2>/dev/null)" != "$(config_id)" ] || [ ! -f "$out/.config" ]; then
	ug_step "config: tinyconfig + $fragments" "$UG_LOGS/config-$lane.log" make_config
fi

if [ "$lane" != stock ]; then
	mkdir -p "$out/utrace_gdb"
	ug_step "crates: resolving the kernel crates from Cargo.lock" "$UG_LOGS/crates-$lane.log" \
		python3 "$UG_ROOT/scripts/kernel-crates.py" --out "$out/utrace_gdb"
fi

# The build, with a line of progress every 30 seconds.
build_log=$UG_LOGS/build-$lane.log
ug_say "build: $lane kernel in $out (-j$jobs, log $build_log)"
kmake -j"$jobs" bzImage >"$build_log" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
	for _ in $(seq 30); do
		sleep 1
		kill -0 $pid 2>/dev/null || break
	done
	kill -0 $pid 2>/dev/null && ug_say "  ... $(grep -c '^ ' "$build_log") steps, last: $(tail -n 1 "$build_log" | cut -c1-70)"
done
if ! wait $pid; then
	printf '\nerror: the %s kernel build failed. Errors from %s:\n' "$lane" "$build_log" >&2
	grep -E -B2 -A8 'error(\[E[0-9]+\])?:|Error [0-9]' "$build_log" | head -n 60 >&2
	printf '\nfull log: %s\n' "$build_log" >&2
	exit 1
fi
ln -sfn "$out/arch/x86/boot/bzImage" "$UG_CACHE/bzImage-$lane"
ug_say "build: done, $UG_CACHE/bzImage-$lane"
