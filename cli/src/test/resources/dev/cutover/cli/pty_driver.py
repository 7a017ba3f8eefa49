#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, as a login shell would: the command is the session leader
and the terminal's foreground process group. Then it acts on the terminal, in order:

  wait-file PATH    wait until PATH exists
  wait-text TEXT    wait until the terminal has printed TEXT
  intr              type Ctrl-C: the ^C byte, which the line discipline turns into SIGINT for the
                    whole foreground process group (not a kill of one pid)
  signal NAME       send signal NAME (TERM, HUP, ...) to the command's process only, as kill(1) would
  hangup            close the terminal: the kernel sends SIGHUP to the session, as when an SSH link drops

usage: pty_driver.py LOG [ACTION [ARG]]... -- COMMAND [ARG]...
Everything the terminal shows goes to LOG. The last line on stdout is 'exit N' (128+signal when killed).
Gives up after 120 s: kills the command and prints 'exit 999'.
"""
import os
import pty
import select
import signal
import sys
import time


def main():
    log_path = sys.argv[1]
    split = sys.argv.index("--")
    actions = sys.argv[2:split]
    command = sys.argv[split + 1:]
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    deadline = time.monotonic() + 120
    seen = b""
    log = open(log_path, "wb")
    status = None

    def pump(timeout):
        nonlocal seen
        if master < 0:
            time.sleep(timeout)
            return
        r, _, _ = select.select([master], [], [], timeout)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if data:
                seen += data
                log.write(data)
                log.flush()

    def exited():
        nonlocal status
        if status is None:
            p, s = os.waitpid(pid, os.WNOHANG)
            if p == pid:
                status = s
        return status is not None

    i = 0
    while i < len(actions) and time.monotonic() < deadline and not exited():
        a = actions[i]
        if a == "wait-file":
            if os.path.exists(actions[i + 1]):
                i += 2
            else:
                pump(0.02)
        elif a == "wait-text":
            if actions[i + 1].encode() in seen:
                i += 2
            else:
                pump(0.02)
        elif a == "intr":
            os.write(master, b"\x03")
            i += 1
        elif a == "signal":
            os.kill(pid, getattr(signal, "SIG" + actions[i + 1]))
            i += 2
        elif a == "hangup":
            os.close(master)
            master = -1
            i += 1
        else:
            raise SystemExit("unknown action " + a)
    while time.monotonic() < deadline and not exited():
        pump(0.05)
    if master >= 0:
        pump(0.05)
    log.close()
    if status is None:
        os.killpg(pid, signal.SIGKILL)
        print("exit 999")
        return
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    print("actions done %d/%d" % (i, len(actions)))
    print("exit %d" % code)


main()
