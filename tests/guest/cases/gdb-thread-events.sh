#!/bin/bash
# case-timeout: 240
# QThreadEvents, spoken straight to the device: with thread events on, a
# new thread stops the process with a `create` stop reply naming it, the
# thread list has it, and its end is a `w00` reply naming it; the stop
# the crate would send for either never reaches gdb. gdbserver gives the
# same create stop (see below for why no more). gdb 13 asks for thread
# events only in non-stop mode; newer gdb asks in all-stop when it steps
# a thread that may exit. After detach the process runs on.
. "$(dirname "$0")/../gdb-lib.sh"

command -v python3 >/dev/null || { echo "no python3 in the guest"; exit 77; }

PY=$(mktemp)
cat >"$PY" <<'PYEOF'
"""usage: THIS PID GO-ADDRESS (device | gdbserver)"""
import os
import re
import select
import subprocess
import sys
import time

TIMEOUT = 20.0


def fail(msg):
    print('FAIL: ' + msg, flush=True)
    sys.exit(1)


class Line:
    def __init__(self, rfd, wfd):
        self.rfd, self.wfd, self.buf = rfd, wfd, b''
        # Each packet is acknowledged until no-ack mode is on.
        self.acking = True

    def send(self, body):
        packet = b'$%s#%02x' % (body, sum(body) & 0xff)
        print('->', packet, flush=True)
        os.write(self.wfd, packet)

    def packet(self):
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = re.search(rb'\$([^#]*)#[0-9a-f]{2}', self.buf)
            if m:
                self.buf = self.buf[m.end():]
                print('<-', m.group(1), flush=True)
                if self.acking:
                    os.write(self.wfd, b'+')
                return m.group(1)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.rfd], [], [], left)[0]:
                fail('no reply within %ds' % TIMEOUT)
            data = os.read(self.rfd, 65536)
            if not data:
                fail('the line hung up')
            self.buf += data

    def ask(self, body):
        self.send(body)
        return self.packet()


def main():
    pid, go, kind = int(sys.argv[1]), int(sys.argv[2], 16), sys.argv[3]
    if kind == 'device':
        fd = os.open('/dev/utrace-gdb/%d' % pid, os.O_RDWR)
        session(Line(fd, fd), pid, go, kind)
        return
    server = subprocess.Popen(['gdbserver', '-', '--attach', str(pid)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        session(Line(server.stdout.fileno(), server.stdin.fileno()), pid, go, kind)
        server.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    finally:
        # It would serve the next connection on stdio for ever.
        server.kill()


def session(line, pid, go, kind):
    reply = line.ask(b'qSupported:multiprocess+;no-resumed+')
    if b'QThreadEvents+' not in reply:
        fail('no QThreadEvents+ in %r' % reply)
    if line.ask(b'QStartNoAckMode') != b'OK':
        fail('no no-ack mode')
    line.acking = False
    line.ask(b'?')
    if line.ask(b'QThreadEvents:1') != b'OK':
        fail('QThreadEvents:1 refused')
    if line.ask(b'M%x,4:01000000' % go) != b'OK':
        fail('could not set go')
    created = line.ask(b'vCont;c')
    m = re.match(rb'T[0-9a-f]{2}(?=.*create:;).*thread:p([0-9a-f]+)\.([0-9a-f]+);',
                 created)
    if not m or int(m.group(1), 16) != pid or int(m.group(2), 16) == pid:
        fail('not a create stop for a new thread: %r' % created)
    tid = int(m.group(2), 16)
    if kind == 'gdbserver':
        # gdbserver 13 in all-stop mode neither lists the new thread nor
        # survives resuming it; gdb 13 asks it for thread events only in
        # non-stop mode. It is the oracle for the create stop alone.
        line.send(b'D;%x' % pid)
        print('thread %d: created as expected (%s)' % (tid, kind))
        return
    # gdb learns of the other threads before it resumes them all.
    threads = line.ask(b'qfThreadInfo')
    listed = [(int(p, 16), int(t, 16))
              for p, t in re.findall(rb'p([0-9a-f]+)\.([0-9a-f]+)', threads)]
    if (pid, tid) not in listed:
        fail('thread %d is not listed: %r' % (tid, threads))
    line.ask(b'qsThreadInfo')
    ended = line.ask(b'vCont;c')
    m = re.fullmatch(rb'w00;p([0-9a-f]+)\.([0-9a-f]+)', ended)
    if not m or (int(m.group(1), 16), int(m.group(2), 16)) != (pid, tid):
        fail('not the end of thread %d: %r' % (tid, ended))
    if line.ask(b'QThreadEvents:0') != b'OK':
        fail('QThreadEvents:0 refused')
    if line.ask(b'D;%x' % pid) != b'OK':
        fail('detach refused')
    print('thread %d: created and ended as expected (%s)' % (tid, kind))


main()
PYEOF

for kind in device gdbserver; do
	start_prog thread_exit
	offset=$(nm "$BIN/thread_exit" | awk '$3 == "go" { print $1 }')
	base=$(awk -v exe="$BIN/thread_exit" '$6 == exe { split($1, r, "-"); print r[1]; exit }' /proc/$pid/maps)
	[ -n "$offset" ] && [ -n "$base" ] || fail "no address for go"
	go=$(printf '%x' $((0x$base + 0x$offset)))
	python3 "$PY" $pid $go $kind || fail "the $kind session failed"
	sleep 0.3
	kill -0 $pid || fail "the process died after the $kind session"
	expect_running $pid
	kill $pid
	wait $pid 2>/dev/null
done
rm -f "$PY"
true
