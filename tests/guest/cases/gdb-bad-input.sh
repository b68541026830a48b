#!/bin/bash
# case-timeout: 240
# gdb's remote protocol spoken badly, straight to /dev/utrace-gdb/PID:
# framing and checksums, packets split or merged across writes, bad
# arguments the gdbstub crate cannot parse (answered in front of it),
# registers and unmapped memory, a wrong checksum, a packet past
# PacketSize, garbage, and the process killed or exiting mid-session.
# Whatever gdb (or something posing as gdb) writes, the kernel survives,
# no reader hangs, and closing the file leaves the process running.
#
# The protocol side is a python3 script (below) run once per step, each
# step a session of its own; this shell checks what the process does
# between steps. Every step runs even if an earlier one failed, so one
# boot reports them all.
. "$(dirname "$0")/../gdb-lib.sh"

command -v python3 >/dev/null || { echo "no python3 in the guest"; exit 77; }

PY=$(mktemp)
cat >"$PY" <<'EOF'
"""Talks the gdb remote protocol to /dev/utrace-gdb/PID.

usage: python3 THIS STEP PID; exit status 0 if the step passed. Prints
every byte it sends (->) and receives (<-).
"""
import contextlib
import errno
import os
import random
import re
import select
import signal
import sys
import time

# Any one reply may take this long (slow TCG emulation), but no longer:
# a stub that neither answers nor ends the session would hang gdb.
REPLY_TIMEOUT = 5.0
# Opening waits until every thread of the process has stopped.
OPEN_TIMEOUT = 10


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def log(msg):
    print(msg, flush=True)


def show(data, limit=120):
    text = repr(bytes(data))
    if len(text) > limit:
        text = '%s... (%d bytes)' % (text[:limit], len(data))
    return text


def checksum(body):
    """A packet's checksum: the sum of its body's bytes, modulo 256."""
    return sum(body) & 0xff


def frame(body):
    """$body#cs, as gdb sends it."""
    return b'$' + body + b'#%02x' % checksum(body)


def rle_decode(body):
    """Undoes the stub's run-length encoding: 'c*N' is c and ord(N) - 29
    more of it."""
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == ord('*') and out and i + 1 < len(body):
            out += bytes([out[-1]]) * (body[i + 1] - 29)
            i += 2
        else:
            out.append(body[i])
            i += 1
    return bytes(out)


def is_stop(body):
    """A stop reply for a live process: T or S and a signal number."""
    return re.fullmatch(rb'[TS][0-9a-fA-F]{2}.*', body, re.S) is not None


def is_exit(body):
    """A stop reply for a dead process: W (exit code) or X (signal)."""
    return re.fullmatch(rb'[WX][0-9a-fA-F]{2}(;.*)?', body, re.S) is not None


def is_error(body):
    return re.fullmatch(rb'E[0-9a-fA-F]{2}', body) is not None


def describe(item):
    if item is None:
        return 'nothing within %g s' % REPLY_TIMEOUT
    if isinstance(item, tuple):
        return 'the packet %s' % show(item[1])
    return repr(item)


@contextlib.contextmanager
def alarm(seconds, what):
    """Fails if the block (a system call that may sleep) takes too long."""
    def expired(signum, frame):
        raise Failure('%s did not return within %d s' % (what, seconds))
    signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def thread_states(pid):
    """{tid: one-letter state} of the process's threads; {} once gone."""
    states = {}
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return states
    for tid in tids:
        try:
            with open('/proc/%d/task/%s/stat' % (pid, tid)) as f:
                states[tid] = f.read().rpartition(')')[2].split()[0]
        except (OSError, IndexError):
            pass
    return states


def wait_released(pid, timeout=3.0):
    """No thread is left in a trace stop (t) or job-control stop (T)."""
    deadline = time.monotonic() + timeout
    while True:
        stopped = {t: s for t, s in thread_states(pid).items() if s in 'tT'}
        if not stopped:
            return
        check(time.monotonic() < deadline,
              'threads still stopped %g s after the session ended: %s' % (timeout, stopped))
        time.sleep(0.1)


class Session:
    """One open /dev/utrace-gdb/PID: gdb's serial line to the stub."""

    def __init__(self, pid):
        self.pid = pid
        self.acks = True        # until QStartNoAckMode
        self.buf = bytearray()  # received, not yet parsed
        self.eof = False
        path = '/dev/utrace-gdb/%d' % pid
        log('  open %s' % path)
        # Opening attaches and returns once the process has stopped.
        # O_NONBLOCK: a read with nothing to say gets EAGAIN, so every wait
        # below is a poll with a timeout and never a blocking read.
        with alarm(OPEN_TIMEOUT, 'open(%s)' % path):
            self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)

    def close(self):
        log('  close')
        os.close(self.fd)

    def write(self, data, bytewise=False, label=None):
        """Writes bytes to the stub, in one write or one byte per write.
        False if a write got EIO: the session is over."""
        log('  -> %s%s' % (label or show(data), ' (one byte per write)' if bytewise else ''))
        pieces = [data[i:i + 1] for i in range(len(data))] if bytewise else [data]
        done = 0
        for piece in pieces:
            while piece:
                try:
                    n = os.write(self.fd, piece)
                except OSError as e:
                    check(e.errno == errno.EIO, 'write: %s' % e)
                    log('     EIO after %d of %d bytes: the session is over' % (done, len(data)))
                    return False
                check(n > 0, 'write returned %d' % n)
                piece = piece[n:]
                done += n
        return True

    def send(self, body, bytewise=False, label=None):
        """Sends one packet; False if the session is over (EIO)."""
        return self.write(frame(body), bytewise, label)

    def fill(self, deadline):
        """Reads what the stub has, waiting until the deadline; False if
        nothing came."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if not self.poller.poll(max(1, int(left * 1000))):
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                # poll said readable, the stub said EAGAIN: try again,
                # without spinning.
                time.sleep(0.01)
                continue
            except OSError as e:
                raise Failure('read: %s' % e)
            if not data:
                log('  <- EOF')
                self.eof = True
            else:
                log('  <- %s' % show(data))
                self.buf += data
            return True

    def parse(self):
        """Takes one item off the input: '+', '-' or ('$', body), with the
        checksum verified; None while incomplete."""
        if not self.buf:
            return None
        first = bytes(self.buf[:1])
        if first in (b'+', b'-'):
            del self.buf[:1]
            return first.decode()
        check(first == b'$', 'the stub sent %r outside a packet: %s' % (first, show(self.buf)))
        end = self.buf.find(b'#')
        if end < 0 or len(self.buf) < end + 3:
            return None
        body = bytes(self.buf[1:end])
        sent = bytes(self.buf[end + 1:end + 3])
        del self.buf[:end + 3]
        check(re.fullmatch(rb'[0-9a-fA-F]{2}', sent), 'malformed checksum %r' % sent)
        check(int(sent, 16) == checksum(body),
              'reply %s has checksum %s, should be %02x' % (show(body), sent.decode(), checksum(body)))
        return ('$', body)

    def next_item(self, timeout=REPLY_TIMEOUT):
        """The next thing the stub says: '+', '-', ('$', body), 'EOF' once
        the session is over and everything was read, None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.parse()
            if item is not None:
                return item
            if self.eof:
                check(not self.buf, 'the session ended inside a reply: %s' % show(self.buf))
                return 'EOF'
            if not self.fill(deadline):
                return None

    def expect_ack(self):
        item = self.next_item()
        check(item == '+', 'wanted the ack "+", got %s' % describe(item))

    def reply(self, timeout=REPLY_TIMEOUT):
        """The body of the stub's next packet (run-length decoded); None if
        the session ended instead."""
        item = self.next_item(timeout)
        if item == 'EOF':
            return None
        check(isinstance(item, tuple), 'wanted a reply packet, got %s' % describe(item))
        return rle_decode(item[1])

    def request(self, body, bytewise=False):
        """Sends a packet and returns the body of the reply, after the ack
        in ack mode. The session must go on."""
        check(self.send(body, bytewise), 'the session ended on %s' % show(body))
        if self.acks:
            self.expect_ack()
        r = self.reply()
        check(r is not None, 'the session ended (EOF) instead of answering %s' % show(body))
        return r

    def quiet(self, seconds, why):
        """The stub says nothing for a while."""
        item = self.next_item(seconds)
        check(item is None, 'the stub said %s %s' % (describe(item), why))


def handshake(s):
    """What gdb does first: learn the stub's features, then turn acks
    off. Returns the advertised PacketSize."""
    r = s.request(b'qSupported:multiprocess+;swbreak+')
    m = re.match(rb'PacketSize=([0-9a-fA-F]+)(;|$)', r)
    check(m, 'the qSupported reply lacks PacketSize: %s' % show(r))
    r = s.request(b'QStartNoAckMode')
    check(r == b'OK', 'QStartNoAckMode got %s' % show(r))
    s.acks = False
    return int(m.group(1), 16)


def still_works(s):
    """The session survived what came before: gdb's next questions get
    sane answers."""
    r = s.request(b'?')
    check(is_stop(r), '"?" got %s, wanted a T/S stop reply' % show(r))
    r = s.request(b'qC')
    check(r.startswith(b'QC'), '"qC" got %s' % show(r))


def expect_over(s):
    """The session ended on a protocol error. What a user relies on: the
    reader sees EOF (after any reply still queued) rather than waiting
    forever, writes get EIO, and the process was let go at once, before
    the close."""
    while True:
        item = s.next_item()
        check(item is not None, 'the session neither answered nor ended within %g s' % REPLY_TIMEOUT)
        if item == 'EOF':
            break
        log('     (still queued at the end: %s)' % describe(item))
    check(not s.write(frame(b'?')), 'a write after EOF was accepted')
    wait_released(s.pid)
    log('  the process runs again, before the close')
    s.close()


def step_framing(pid):
    """1 framing: qSupported is acked and answered with PacketSize under a
    correct checksum; after QStartNoAckMode -> OK nothing is acked."""
    s = Session(pid)
    check(s.send(b'qSupported:multiprocess+;swbreak+'), 'qSupported got EIO')
    s.expect_ack()
    r = s.reply()
    check(r is not None, 'the session ended instead of answering qSupported')
    m = re.match(rb'PacketSize=([0-9a-fA-F]+)(;|$)', r)
    check(m, 'the qSupported reply does not start with PacketSize=: %s' % show(r))
    size = int(m.group(1), 16)
    check(size > 0, 'PacketSize is 0')
    log('  PacketSize is %d; features %s' % (size, show(r[m.end():])))
    r = s.request(b'QStartNoAckMode')
    check(r == b'OK', 'QStartNoAckMode got %s' % show(r))
    s.acks = False
    # No ack before this reply (request() fails on a '+'), none after it.
    r = s.request(b'?')
    check(is_stop(r), '"?" got %s' % show(r))
    s.quiet(0.5, 'after the reply, in no-ack mode')
    s.close()


def step_split_writes(pid):
    """2 split writes: the file is a serial line, so a packet written one
    byte at a time is answered as if written at once, and two packets in
    one write get two replies, in order."""
    s = Session(pid)
    handshake(s)
    whole = {}
    for body in (b'qC', b'?'):
        whole[body] = s.request(body)
        split = s.request(body, bytewise=True)
        check(split == whole[body], '%s written byte by byte got %s, in one write %s'
              % (show(body), show(split), show(whole[body])))
    m = re.match(rb'QCp([0-9a-fA-F]+)\.', whole[b'qC'])
    check(m and int(m.group(1), 16) == pid,
          'qC names process %s, not %d' % (show(whole[b'qC']), pid))
    check(is_stop(whole[b'?']), '"?" got %s' % show(whole[b'?']))
    check(s.write(frame(b'qC') + frame(b'?')), 'two packets in one write got EIO')
    first, second = s.reply(), s.reply()
    check(first == whole[b'qC'] and second == whole[b'?'],
          'two packets in one write got %s then %s' % (show(first or b'EOF'), show(second or b'EOF')))
    s.quiet(0.3, 'after the two replies')
    s.close()


def step_bad_register(pid):
    """3 bad register: p/P of a register that does not exist get an error
    or the empty reply (unsupported), and the session goes on."""
    s = Session(pid)
    handshake(s)
    for body in (b'p1ff', b'pffffffff', b'P1ff=0000000000000000'):
        r = s.request(body)
        check(r == b'' or is_error(r), '%s got %s, wanted E.. or empty' % (show(body), show(r)))
    still_works(s)
    s.close()


def step_bad_arguments(pid):
    """3b bad arguments: well-framed packets the gdbstub crate cannot
    parse (a bare qSupported, a G of the wrong size, addresses past 64
    bits, garbled vCont, H and T, qCRC) each get E.. or the empty reply,
    and the session goes on."""
    s = Session(pid)
    handshake(s)
    for body in (b'qSupported', b'G00', b'G' + b'0' * 1122,
                 b'm10000000000000000,4', b'M1000,4:zz', b'Z0,10000000000000000,1',
                 b'p10000000000000000', b'P10', b'vCont;x', b'vCont;s', b'Hx0',
                 b'Hg-1', b'T-1', b'qCRC:1000,4', b'qXfer:auxv:read::zz,10',
                 b'QCatchSyscalls:2', b'vKill;zz', b'?x'):
        r = s.request(body)
        check(r is not None, 'the session ended on %s' % show(body))
        check(r == b'' or is_error(r), '%s got %s, wanted E.. or empty' % (show(body), show(r)))
    still_works(s)
    s.close()


def step_bad_memory(pid):
    """4 unmapped memory: reads and writes of page zero get E.. (gdb shows
    "Cannot access memory"), and the session goes on."""
    s = Session(pid)
    handshake(s)
    # X carries binary data: the byte '#' goes escaped as '}' 0x03.
    for body in (b'm0,8', b'm10,4', b'M10,1:00', b'X10,1:}\x03'):
        r = s.request(body)
        check(is_error(r), '%s got %s, wanted E..' % (show(body), show(r)))
    # Mapped memory still reads: the ELF header of the executable.
    with open('/proc/%d/maps' % pid) as f:
        start = next((int(line.split('-')[0], 16) for line in f
                      if line.split()[2:3] == ['00000000'] and line.rstrip().endswith('/gdb_target')),
                     None)
    check(start is not None, 'no mapping of gdb_target at offset 0 in /proc/%d/maps' % pid)
    r = s.request(b'm%x,4' % start)
    check(r == b'7f454c46', 'the ELF header at %#x read as %s' % (start, show(r)))
    still_works(s)
    s.close()


def step_bad_checksum(pid):
    """5 wrong checksum (ack mode, fresh session): the stub NAKs it with
    '-' so that gdb resends, or ends the session; it never acts on it."""
    s = Session(pid)
    body = b'qC'
    bad = b'$%s#%02x' % (body, (checksum(body) + 1) & 0xff)
    if s.write(bad):
        item = s.next_item()
        if item == '-':
            log('  NAKed; gdb resends the packet')
            r = s.request(body)
            check(r.startswith(b'QC'), 'the resent qC got %s' % show(r))
            s.close()
            return
        check(item == 'EOF', 'a bad checksum got %s, wanted "-" or the end of the session'
              % describe(item))
    log('  the stub ended the session on the bad checksum')
    expect_over(s)


def step_oversized(pid):
    """6 oversized packet: a packet far past PacketSize gets an error or
    ends the session, and nothing worse."""
    s = Session(pid)
    size = handshake(s)
    body = b'm' + b'0' * (64 * 1024) + b'1000,4'
    check(len(body) > size, 'PacketSize %d is more than the %d-byte test packet' % (size, len(body)))
    label = '$m0000...1000,4#%02x (%d bytes, PacketSize is %d)' % (checksum(body), len(body) + 4, size)
    if s.send(body, label=label):
        r = s.reply()
        if r is not None:
            check(r == b'' or is_error(r), 'the oversized packet got %s, wanted E..' % show(r))
            log('  refused; the session goes on')
            still_works(s)
            s.close()
            return
    log('  the stub ended the session on the oversized packet')
    expect_over(s)


def step_new_session(pid):
    """6 new session: after a session broke, a fresh open attaches again
    and "?" gets a stop reply."""
    s = Session(pid)
    r = s.request(b'?')
    check(is_stop(r), '"?" in a new session got %s' % show(r))
    s.close()


def step_stray_interrupt(pid):
    """7a stray bytes gdb itself may send: a '+' for nothing and a Ctrl-C
    (0x03) that races with a stop. The next packet is answered; the
    stale Ctrl-C does not stop the next continue, a real one does."""
    s = Session(pid)
    check(s.write(b'+'), 'a stray "+" ended the session')
    check(s.write(b'\x03'), 'a Ctrl-C while stopped ended the session')
    check(s.write(b'+'), 'a stray "+" ended the session')
    r = s.request(b'?')
    check(is_stop(r), '"?" after the stray bytes got %s' % show(r))
    check(s.send(b'vCont;c'), 'vCont;c got EIO')
    s.expect_ack()
    s.quiet(0.5, 'right after vCont;c: the stale Ctrl-C stopped the process again')
    check(s.write(b'\x03'), 'Ctrl-C while running got EIO')
    r = s.reply()
    check(r is not None and re.match(rb'[TS]02', r),
          'Ctrl-C while running got %s, wanted a SIGINT stop (T02)' % show(r or b'EOF'))
    s.close()


def step_garbage(pid):
    """7b garbage: bytes that frame nothing ('}' escapes, '#' without '$',
    0x03, noise) then a valid packet. The packet is answered, or the
    session ends cleanly (EOF, EIO), never a hang."""
    s = Session(pid)
    handshake(s)
    rng = random.Random(20241)
    noise = bytes(b for b in (rng.randrange(256) for _ in range(64)) if b != ord('$'))
    garbage = b'\x03}#}]#4f' + noise + b'}}##\x03-+'
    if s.write(garbage) and s.send(b'?'):
        while True:
            item = s.next_item()
            check(item is not None, 'no reply and no EOF within %g s of the garbage' % REPLY_TIMEOUT)
            if item == 'EOF':
                break
            if isinstance(item, tuple) and is_stop(rle_decode(item[1])):
                log('  the stub skipped the garbage and answered')
                s.close()
                return
            log('     (ignoring %s)' % describe(item))
    log('  the stub ended the session on the garbage')
    expect_over(s)


def expect_end_after_exit(s):
    """After W/X the process is gone: the session is over, EOF."""
    item = s.next_item()
    check(item == 'EOF', 'after the exit report the stub said %s, wanted EOF' % describe(item))


def step_killed_while_stopped(pid):
    """8 process SIGKILLed while the session holds it stopped: gdb learns
    it is gone (W/X) or the session ends; nothing hangs."""
    s = Session(pid)
    handshake(s)
    log('  kill -9 %d' % pid)
    os.kill(pid, signal.SIGKILL)
    r = s.reply() if s.send(b'?') else None
    if r is not None and is_exit(r):
        log('  "?" already reports the death')
    elif r is not None:
        check(is_stop(r), '"?" after the kill got %s' % show(r))
        # gdb continues; the stop that comes back is the death.
        r = s.reply() if s.send(b'vCont;c') else None
        if r is not None:
            check(is_exit(r), 'vCont;c after the kill got %s, wanted W.. or X..' % show(r))
            check(not r.startswith(b'X') or r.startswith(b'X09'),
                  'the process died of SIGKILL, the stub says %s' % show(r))
            expect_end_after_exit(s)
    if r is None:
        log('  the session ended with the process')
    s.close()


def step_exit_mid_session(pid):
    """9 process killed by SIGTERM while it runs under the session: gdb
    hears of its death (W/X) within the timeout. Like ptrace, the stub
    may first report the signal (T0f); gdb then continues with it."""
    s = Session(pid)
    handshake(s)
    check(s.send(b'vCont;c'), 'vCont;c got EIO')
    s.quiet(0.5, 'while the process runs')
    log('  kill -TERM %d' % pid)
    os.kill(pid, signal.SIGTERM)
    r = s.reply()
    check(r is not None, 'the session ended without reporting the death')
    if is_stop(r):
        m = re.match(rb'[TS]0f(?:.*?thread:([^;]+);)?', r, re.S)
        check(m and m.group(1), 'a stop for %s, wanted SIGTERM (T0f...thread:)' % show(r))
        log('  the signal stop comes first; continue with the signal')
        check(s.send(b'vCont;C0f:%s;c' % m.group(1)), 'vCont;C0f got EIO')
        r = s.reply()
        check(r is not None, 'the session ended without reporting the death')
    check(is_exit(r), 'wanted W.. or X.., got %s' % show(r))
    check(not r.startswith(b'X') or r.startswith(b'X0f'),
          'the process died of SIGTERM, the stub says %s' % show(r))
    expect_end_after_exit(s)
    s.close()


STEPS = {
    '1-framing': step_framing,
    '2-split-writes': step_split_writes,
    '3-bad-register': step_bad_register,
    '3b-bad-arguments': step_bad_arguments,
    '4-bad-memory': step_bad_memory,
    '5-bad-checksum': step_bad_checksum,
    '6-oversized': step_oversized,
    '6-new-session': step_new_session,
    '7a-stray-interrupt': step_stray_interrupt,
    '7b-garbage': step_garbage,
    '8-killed-while-stopped': step_killed_while_stopped,
    '9-exit-mid-session': step_exit_mid_session,
}


def main():
    name, pid = sys.argv[1], int(sys.argv[2])
    step = STEPS[name]
    log('== %s (pid %d)' % (' '.join(step.__doc__.split()), pid))
    try:
        step(pid)
    except (Failure, OSError) as e:
        log('FAIL: %s: %s' % (name, e))
        sys.exit(1)
    log('ok: %s' % name)


main()
EOF

started=()
cleanup() {
	local p
	for p in "${started[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	rm -f "$PY"
	release_leftovers
}
trap cleanup EXIT

# new_target WORKERS: a fresh gdb_target; sets $pid.
new_target() {
	start_target "$@"
	started+=("$pid")
}

# released PID: the session is closed; no thread of PID is left stopped
# (within 3 s) and the process lives.
released() {
	local n=30
	until (expect_running "$1") >/dev/null 2>&1 || [ $n = 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	(expect_running "$1") || return 1
	kill -0 "$1" 2>/dev/null || { echo "FAIL: process $1 died"; return 1; }
}

# died_with PID STATUS: PID died (within 5 s) and its wait status is STATUS.
died_with() {
	local n=50 rc
	while [ $n -gt 0 ]; do
		case $(state_of "$1") in Z | X) break ;; esac
		sleep 0.1
		n=$((n - 1))
	done
	case $(state_of "$1") in
	Z | X) ;;
	*)
		echo "FAIL: process $1 is still there, state $(state_of "$1")"
		return 1
		;;
	esac
	wait "$1" 2>/dev/null
	rc=$?
	[ "$rc" = "$2" ] || { echo "FAIL: process $1 ended with status $rc, expected $2"; return 1; }
}

failed=()
# step NAME PID [live]: runs one step in python; with "live", PID must
# run on afterwards. A failure is noted and the next step runs.
step() {
	if [ $SECONDS -gt 200 ]; then
		echo "SKIP $1: the case ran out of time"
		failed+=("$1 (not run)")
		return
	fi
	timeout -k 3 40 python3 -S -u "$PY" "$1" "$2" || failed+=("$1")
	if [ "${3:-}" = live ] && ! released "$2"; then
		failed+=("$1: process not let go")
		# Left stopped, it would fail every later step too: SIGKILL
		# (which a stopped process still obeys) and start afresh.
		kill -9 "$2" 2>/dev/null
		wait "$2" 2>/dev/null
	fi
}

# main_target: the shared target, restarted if a step killed it or left
# it stopped.
main_target() {
	if ! kill -0 "$main" 2>/dev/null; then
		echo "(target $main is gone; starting another)"
		new_target 2
		main=$pid
	fi
}

new_target 2
main=$pid
for s in 1-framing 2-split-writes 3-bad-register 3b-bad-arguments 4-bad-memory \
	5-bad-checksum 6-oversized 6-new-session 7a-stray-interrupt 7b-garbage; do
	main_target
	step "$s" "$main" live
done

new_target 1
step 8-killed-while-stopped "$pid"
died_with "$pid" 137 || failed+=("8-killed-while-stopped: not killed by SIGKILL")

new_target 2
step 9-exit-mid-session "$pid"
died_with "$pid" 143 || failed+=("9-exit-mid-session: not killed by SIGTERM")

# SIGKILL: a SIGTERM would wait forever on a process a bug left stopped.
kill -9 "$main" 2>/dev/null
wait "$main" 2>/dev/null
echo "took ${SECONDS}s"
[ ${#failed[@]} = 0 ] || fail "$(printf '%s; ' "${failed[@]}")"
exit 0
