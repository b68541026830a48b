#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Idempotent set-up: Debian packages, rust-src, bindgen-cli and the pinned
# kernel source. Each piece is skipped when it is already present.

source "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=0.73.2
APT_PACKAGES="build-essential flex bison bc libelf-dev libssl-dev cpio
	libclang-dev clang lld qemu-system-x86 gdb gdbserver strace xz-utils
	busybox-static python3 kmod llvm libcap-dev gawk dpkg-dev libunwind-dev"

missing_packages() {
	local p
	for p in $APT_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf '%s ' "$p"
	done
}

apt_install() {
	[ "$(id -u)" = 0 ] || ug_die "installing $* needs root (apt-get); run as root or install them by hand"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

need=$(missing_packages)
if [ -n "$need" ]; then
	ug_step "apt: installing $need" "$UG_LOGS/setup-apt.log" apt_install $need
fi

command -v rustup >/dev/null || ug_die "rustup not found: install the Rust toolchain with rustup first"
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
	ug_step "rustup: adding rust-src" "$UG_LOGS/setup-rust-src.log" rustup component add rust-src
fi

if ! bindgen --version 2>/dev/null | grep -q "$BINDGEN_VERSION"; then
	ug_step "cargo: installing bindgen-cli $BINDGEN_VERSION" "$UG_LOGS/setup-bindgen.log" \
		cargo install --locked --version "$BINDGEN_VERSION" bindgen-cli
fi

# The kernel source: Debian's linux-source-6.12 at the pinned version, or
# the newest one offered, with a clear message.
fetch_kernel_source() {
	local want="$UG_KVER_PIN" ver deb
	mkdir -p "$UG_SRC/deb"
	cd "$UG_SRC/deb"
	if ! apt-get download "linux-source-6.12=$want*" 2>/dev/null; then
		ver=$(apt-cache policy linux-source-6.12 | awk '/Candidate:/ {print $2}')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
			{ echo "linux-source-6.12 is not offered by apt (is bookworm-backports in sources.list?)"; return 1; }
		echo "NOTE: linux-source-6.12 $want is not offered; falling back to $ver" | tee "$UG_SRC/FALLBACK"
		apt-get download "linux-source-6.12=$ver"
	fi
	deb=$(ls -t linux-source-6.12_*.deb | head -n 1)
	rm -rf extract && mkdir extract
	dpkg-deb -x "$deb" extract
	rm -rf "$UG_SRC/linux" && mkdir -p "$UG_SRC/linux"
	tar -xf extract/usr/src/linux-source-6.12.tar.xz -C "$UG_SRC/linux" --strip-components=1
	rm -rf extract
	make -s -C "$UG_SRC/linux" kernelversion >"$UG_SRC/VERSION"
}

if [ ! -s "$UG_SRC/VERSION" ]; then
	ug_step "kernel source: fetching linux-source-6.12 ($UG_KVER_PIN pinned)" \
		"$UG_LOGS/setup-kernel-source.log" fetch_kernel_source
	[ -f "$UG_SRC/FALLBACK" ] && cat "$UG_SRC/FALLBACK"
fi
ug_say "set-up complete: kernel $(cat "$UG_SRC/VERSION"), $(rustc --version), bindgen $(bindgen --version | awk '{print $2}')"
