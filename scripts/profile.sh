#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make profile: counts what the guest runs, ours against stock, for the
# paths make bench times. A QEMU plugin (scripts/profile/tb_count.c)
# counts the instructions and translation blocks of every kernel block;
# tests/guest/profile.sh runs each workload at two sizes between markers,
# and scripts/profile/report.py prints the difference per operation and
# the functions where the kernels differ most. Counts do not slow down
# on a busy host as make bench's times do, but for the loops that wait
# for another vCPU, which the report leaves out of its totals; under
# TCG a translation block (a branch, a call, a return) costs more than an
# instruction, and distinct blocks and code pages cost more again after
# each context switch, which empties QEMU's caches.

source "$(dirname "$0")/lib.sh"

ug_build_both_kernels

# The plugin API header is QEMU's own, from Debian's source of the QEMU
# that runs the guest: a plugin must match its version.
plugin_dir=$UG_CACHE/qemu-plugin
qemu_version=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)
fetch_header() {
	rm -rf "$plugin_dir" && mkdir -p "$plugin_dir/deb" &&
		(cd "$plugin_dir/deb" && apt-get source --download-only -qq "qemu=$qemu_version" &&
			tar -xf qemu_*.orig.tar.* --wildcards --strip-components=3 \
				'*/include/qemu/qemu-plugin.h') &&
		mv "$plugin_dir/deb/qemu-plugin.h" "$plugin_dir/" && rm -rf "$plugin_dir/deb" &&
		echo "$qemu_version" >"$plugin_dir/VERSION"
}
build_plugin() {
	gcc -O2 -Wall -Werror -shared -fPIC -I "$plugin_dir" -o "$plugin_dir/tb_count.so" \
		"$UG_ROOT/scripts/profile/tb_count.c" -lpthread
}
if [ ! -s "$plugin_dir/VERSION" ] || [ "$(cat "$plugin_dir/VERSION")" != "$qemu_version" ]; then
	ug_need_deb_src qemu
	ug_step "profile: fetching QEMU's plugin header ($qemu_version)" "$UG_LOGS/qemu-plugin.log" fetch_header
fi
ug_step "profile: building the QEMU plugin" "$UG_LOGS/qemu-plugin.log" build_plugin

for lane in default stock; do
	results=$UG_CACHE/profile-$lane
	rm -rf "$results" && mkdir -p "$results"
	# The marker: a system call nothing else in the guest makes.
	mark=$(nm "$UG_CACHE/build-$lane/vmlinux" | awk '$3 == "__x64_sys_sched_rr_get_interval" { print $1 }')
	[ -n "$mark" ] || ug_die "no sched_rr_get_interval in the $lane kernel"
	# Plugins are for TCG only.
	UG_ACCEL=tcg UG_QEMU_PLUGIN="$plugin_dir/tb_count.so,out=$results/tb,mark=$mark" \
		"$UG_ROOT/scripts/boot.sh" "$lane" profile "$results" ||
		ug_die "the $lane guest failed; console: $results/console.log"
	grep -q '^profile-failed' "$results/profile.log" &&
		ug_die "a workload failed on $lane: $results/profile.log"
done

ug_say "per operation, ours / stock (counts, not times)"
python3 "$UG_ROOT/scripts/profile/report.py" \
	"$UG_CACHE/profile-default" "$UG_CACHE/build-default/vmlinux" \
	"$UG_CACHE/profile-stock" "$UG_CACHE/build-stock/vmlinux" "${UG_PROFILE_TOP:-15}"
