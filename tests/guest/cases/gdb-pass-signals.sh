#!/bin/bash
# QPassSignals: signals gdb passes (SIGWINCH here, as gdb does by
# default) reach the running process without a stop and without a word
# to gdb; a signal gdb did not list (SIGURG) stops the process and is
# reported. Spoken straight to the device: through gdb both look alike.
. "$(dirname "$0")/../gdb-lib.sh"

start_target 1
timeout -k 3 60 python3 -S -u - "$pid" <<'PY' || fail "see the exchange above"
import os, select, signal, sys, time

pid = int(sys.argv[1])

def packet(body):
    return b"$%s#%02x" % (body, sum(body) & 0xff)

def read_reply(fd, wait):
    """The next packet body from the stub, or None after `wait` seconds."""
    poll, buf, end = select.poll(), b"", time.time() + wait
    poll.register(fd, select.POLLIN)
    while time.time() < end:
        if poll.poll(100):
            buf += os.read(fd, 4096)
            if b"#" in buf and len(buf) >= buf.index(b"#") + 3:
                body = buf[buf.index(b"$") + 1:buf.index(b"#")]
                print("  <-", body)
                return body
    return None

def ask(fd, body, wait=10):
    print("  ->", body)
    os.write(fd, packet(body))
    return read_reply(fd, wait)

fd = os.open("/dev/utrace-gdb/%d" % pid, os.O_RDWR | os.O_NONBLOCK)
reply = ask(fd, b"qSupported:multiprocess+")
assert b"QPassSignals+" in reply, "QPassSignals not announced"
ask(fd, b"QStartNoAckMode")
# gdb's SIGWINCH is 28 (0x1c).
assert ask(fd, b"QPassSignals:1c;") == b"OK"
print("  -> vCont;c")
os.write(fd, packet(b"vCont;c"))
time.sleep(0.5)
for _ in range(5):
    os.kill(pid, signal.SIGWINCH)
    time.sleep(0.1)
reply = read_reply(fd, 2)
assert reply is None, "stopped for a passed signal: %r" % reply
os.kill(pid, signal.SIGURG)
reply = read_reply(fd, 10)
# gdb's SIGURG is 16 (0x10).
assert reply is not None and reply.startswith(b"T10"), "SIGURG not reported: %r" % reply
os.close(fd)
print("passed signals went through; SIGURG stopped the process")
PY
sleep 0.3
expect_running $pid
kill -0 $pid || fail "the target died"
kill $pid
