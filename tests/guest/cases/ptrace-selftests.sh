#!/bin/bash
# case-timeout: 200
# The kernel's own tools/testing/selftests/ptrace, built from the pinned
# 6.12 source. Each must end as it does on the stock kernel (make
# test-stock runs this case there): every test passes, except
# vmaccess's global.attach, which fails on stock 6.12 as well. It expects
# PTRACE_ATTACH to a process whose thread is in execve() to fail with
# EAGAIN, which only a de_thread() change never merged would give.
#
# It does not source ../lib.sh, which skips when the utrace test engine is
# missing: on a stock kernel this case must run, not skip.
BIN=${ug_bin:?}/selftests/ptrace

fail() {
	echo "FAIL: $*"
	exit 1
}

# What stock 6.12 gives, test by test (kselftest's "ok"/"not ok" lines).
expected_failures='global.attach'

failures=()
for t in get_syscall_info peeksiginfo vmaccess get_set_sud; do
	[ -x "$BIN/$t" ] || fail "$BIN/$t was not built"
	out=$(cd "$BIN" && timeout -k 5 60 "./$t" 2>&1)
	rc=$?
	echo "$out" | sed "s/^/$t: /"
	[ $rc = 124 ] || [ $rc = 137 ] && failures+=("$t timed out")
	# (No process substitution: the guest has no /dev/fd.)
	for name in $(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' <<<"$out"); do
		case " $expected_failures " in
		*" $name "*) echo "($name fails as on stock)" ;;
		*) failures+=("$name") ;;
		esac
	done
	# A test that passes where stock fails is a difference too.
	if [ $t = vmaccess ]; then
		for name in $expected_failures; do
			grep -q "^not ok [0-9]* $name\b" <<<"$out" || failures+=("$name passed; it fails on stock")
		done
	fi
	# peeksiginfo is not a kselftest harness test: its status says.
	[ $t = peeksiginfo ] && [ $rc != 0 ] && failures+=("peeksiginfo (status $rc)")
done
[ ${#failures[@]} = 0 ] || fail "not as on stock: ${failures[*]}"
exit 0
