#!/bin/bash
# case-timeout: 120
# ptrace decides a set-user-ID exec from its tracer's credentials, as it
# always has, now that ptrace is a utrace engine: under root's strace,
# nobody's process that execs a set-user-ID root program runs it as root;
# under nobody's own strace it runs as nobody. The same on stock.
#
# It does not source ../lib.sh, which skips when the utrace test engine is
# missing: on a stock kernel this case must run, not skip.
BIN=${ug_bin:?}

fail() {
	echo "FAIL: $*"
	exit 1
}

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
dir=$(mktemp -d)
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
# Under /tmp: nobody cannot reach the guest binaries under /root.
cp "$BIN/print_euid" "$dir/" || fail "cannot copy print_euid"
suid=$dir/print_euid
chmod 4755 "$suid"

euid=$("${nobody[@]}" "$suid")
if [ "$euid" != "euid=0" ]; then
	echo "set-user-ID programs do not run as root here ($euid)"
	exit 77
fi

# Root's strace: CAP_SYS_PTRACE vouches for the exec (ptracer_capable()).
euid=$(strace -f -o /dev/null "${nobody[@]}" "$suid") ||
	fail "strace as root failed"
[ "$euid" = "euid=0" ] || fail "under root's strace: $euid, expected euid=0"

# nobody's strace: nothing vouches, the program runs as nobody.
euid=$("${nobody[@]}" strace -o /dev/null "$suid") ||
	fail "strace as nobody failed"
[ "$euid" = "euid=65534" ] || fail "under nobody's strace: $euid, expected euid=65534"
echo "ok: root's strace keeps the privileges, nobody's does not"
