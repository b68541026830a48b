#!/bin/bash
# case-timeout: 400
# The kernel's own seccomp_bpf selftest, built from the pinned 6.12
# source. Its TRACE_syscall and TRACE_poke fixtures drive a tracee
# through ptrace's syscall stops and PTRACE_EVENT_SECCOMP stops, and
# change or skip its system calls there. It must end as on the stock
# kernel (make test-stock runs this case there): on stock 6.12 in this
# guest every test passes, but three that skip for the user and pid
# namespaces the guest kernel lacks.
#
# It does not source ../lib.sh, which skips when the utrace test engine is
# missing: on a stock kernel this case must run, not skip.
BIN=${ug_bin:?}/selftests/seccomp

fail() {
	echo "FAIL: $*"
	exit 1
}

# What stock 6.12 gives under this guest (kselftest's "not ok" lines):
# none.
expected_failures=''

[ -x "$BIN/seccomp_bpf" ] || fail "$BIN/seccomp_bpf was not built"
out=$(cd "$BIN" && timeout -k 5 360 ./seccomp_bpf 2>&1)
rc=$?
echo "$out"
[ $rc = 124 ] || [ $rc = 137 ] && fail "seccomp_bpf timed out"
grep -q '^# Totals:' <<<"$out" || fail "seccomp_bpf did not finish"

failures=()
for name in $(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' <<<"$out"); do
	case " $expected_failures " in
	*" $name "*) echo "($name fails as on stock)" ;;
	*) failures+=("$name") ;;
	esac
done
# A test that passes where stock fails is a difference too.
for name in $expected_failures; do
	grep -q "^not ok [0-9]* $name\b" <<<"$out" || failures+=("$name passed; it fails on stock")
done
[ ${#failures[@]} = 0 ] || fail "not as on stock: ${failures[*]}"
exit 0
