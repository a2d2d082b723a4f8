#!/usr/bin/env python3
"""Drive Dom0's shell over the serial line, as a person would, and check it.

    dom0-session.py SESSION LOG VERDICT -- QEMU-COMMAND...

Runs QEMU-COMMAND with its stdin and stdout connected to this script, copies
everything QEMU prints to LOG, and plays SESSION against the console:

    # a comment
    $ COMMAND        wait for the prompt, type COMMAND and Enter, then collect
                     its output until the next prompt
    > TEXT           that output contains TEXT (on one line)
    ~ REGEX          some line of that output matches REGEX (Python re.search)
    ! TEXT           that output does not contain TEXT
    wait TEXT [SEC]  wait (default 30 s) until TEXT (backslash escapes as in
                     Python) appears in what QEMU printed since the last
                     command or `send` was typed (asynchronous messages,
                     guest output on an attached console)
    wait~ REGEX [SEC]  the same with a regular expression
    send TEXT        type TEXT now, without waiting for the prompt (backslash
                     escapes as in Python: \\x1d is Ctrl-], \\r is Enter)
    sleep SEC        wait
    timeout SEC      how long each later command may take to give the prompt
                     back (default 300 s): for long commands such as soaks
    repeat N         the lines up to "end" N times ({i} in them is the
    end              iteration, from 0)
    set NAME REGEX   remember group 1 of REGEX's first match in the last
                     command's output as {NAME}, for later lines
    wset NAME REGEX  the same in what `wait` looks at: what QEMU printed
                     since the last `send` or command (after a `wait` for it)
    calc NAME EXPR   {NAME} = EXPR, integers with + - and parentheses after
                     the {names} in it are replaced ("calc want {a} - {b}")

Typed text goes in small chunks, the way a serial line delivers it.  ANSI
escape sequences (the line editor's redraws) are removed before matching.
Exit status: QEMU's.  VERDICT receives "ok" or the first failure, with the
session line that failed ("session.txt:12: ...").
"""

import os
import re
import select
import subprocess
import sys
import time

PROMPT = "dom0# "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


class Failure(Exception):
    pass


class Console:
    def __init__(self, cmd, log):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.log = open(log, "wb")
        self.text = ""          # everything printed, cleaned
        self.mark = 0           # where the current command's output starts
        self.sent_at = None     # text length when `send` typed something
        self.cmd_start = 0      # where the last command's output began

    def pump(self, timeout):
        """Read what QEMU printed within timeout seconds; False at EOF."""
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return True
        data = os.read(self.p.stdout.fileno(), 65536)
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.text += ANSI.sub("", data.decode("utf-8", "replace"))
        return True

    def wait_for(self, pattern, start, timeout, what, regex=False):
        end = time.time() + timeout
        while True:
            if regex:
                m = re.compile(pattern, re.M).search(self.text, start)
                i = m.start() if m else -1
            else:
                i = self.text.find(pattern, start)
            if i >= 0:
                return i
            if time.time() > end:
                raise Failure("timed out after %ds waiting for %s" % (timeout, what))
            if not self.pump(0.1):
                raise Failure("QEMU ended while waiting for %s" % what)

    def type(self, s):
        for i in range(0, len(s), 8):
            self.p.stdin.write(s[i:i + 8].encode("latin-1"))
            self.p.stdin.flush()
            self.pump(0.02)

    def finish(self, timeout):
        end = time.time() + timeout
        while self.p.poll() is None and time.time() < end:
            self.pump(0.1)
        if self.p.poll() is None:
            # Stop it before draining: a running QEMU never lets the drain
            # end.  The command is `timeout ... qemu`: SIGTERM, which
            # timeout passes on to QEMU; a SIGKILL would end timeout alone
            # and leave QEMU running, orphaned, for good.
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            while self.pump(0) and select.select([self.p.stdout], [], [], 0)[0]:
                pass
            raise Failure("QEMU did not end within %ds after the session" % timeout)
        while self.pump(0):
            if not select.select([self.p.stdout], [], [], 0)[0]:
                break
        return self.p.returncode


def expand(s, names):
    return re.sub(r"\{(\w+)\}", lambda m: str(names.get(m.group(1), m.group(0))), s)


def unroll(lines):
    """(lineno, text) pairs with repeat blocks expanded."""
    out, i = [], 0
    while i < len(lines):
        no, line = lines[i]
        if line.startswith("repeat "):
            n = int(line.split()[1])
            j, depth = i + 1, 1
            while j < len(lines):
                if lines[j][1].startswith("repeat "):
                    depth += 1
                elif lines[j][1] == "end":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            body = unroll(lines[i + 1:j])
            for k in range(n):
                out += [(bn, bt.replace("{i}", str(k))) for bn, bt in body]
            i = j + 1
        else:
            out.append((no, line))
            i += 1
    return out


def play(con, path):
    raw = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                raw.append((no, line))
    names = {}
    output = ""
    cmd_timeout = 300
    # The first prompt.
    con.mark = con.wait_for(PROMPT, 0, 120, "the first prompt") + len(PROMPT)
    for no, line in unroll(raw):
        line = expand(line, names)
        where = "%s:%d" % (os.path.basename(path), no)
        try:
            if line.startswith("$ "):
                cmd = line[2:]
                if con.sent_at is not None:
                    # What was sent ends at a prompt of its own: start after it.
                    nxt = con.wait_for("\n" + PROMPT, con.sent_at, 300, "the prompt after 'send'")
                    con.mark = nxt + 1 + len(PROMPT)
                    con.sent_at = None
                # The prompt is on the screen at con.mark; type after it.
                con.type(cmd + "\r")
                echo = con.wait_for(cmd, con.mark, 30, "the echo of '%s'" % cmd)
                start = echo + len(cmd)
                con.cmd_start = start
                nxt = con.wait_for("\n" + PROMPT, start, cmd_timeout,
                                   "the prompt after '%s'" % cmd)
                output = con.text[start:nxt + 1]
                con.mark = nxt + 1 + len(PROMPT)
            elif line.startswith("> "):
                if line[2:] not in output:
                    raise Failure("output lacks '%s':\n%s" % (line[2:], indent(output)))
            elif line.startswith("~ "):
                if not re.search(line[2:], output, re.M):
                    raise Failure("no line matches /%s/:\n%s" % (line[2:], indent(output)))
            elif line.startswith("! "):
                if line[2:] in output:
                    raise Failure("output has '%s':\n%s" % (line[2:], indent(output)))
            elif line.startswith("wait~ "):
                m = re.match(r"wait~ (.*?)(?: (\d+))?$", line)
                start = con.sent_at if con.sent_at is not None else con.cmd_start
                con.wait_for(m.group(1), start, int(m.group(2) or 30), "/%s/" % m.group(1), True)
            elif line.startswith("wait "):
                m = re.match(r"wait (.*?)(?: (\d+))?$", line)
                text = m.group(1).encode("latin-1").decode("unicode_escape")
                start = con.sent_at if con.sent_at is not None else con.cmd_start
                con.wait_for(text, start, int(m.group(2) or 30), "'%s'" % m.group(1))
            elif line.startswith("send "):
                if con.sent_at is None:
                    con.sent_at = len(con.text)
                con.type(line[5:].encode("latin-1").decode("unicode_escape"))
            elif line.startswith("timeout "):
                cmd_timeout = float(line.split()[1])
            elif line.startswith("sleep "):
                end = time.time() + float(line.split()[1])
                while time.time() < end:
                    con.pump(0.05)
            elif line.startswith("wset "):
                _, name, rx = line.split(" ", 2)
                start = con.sent_at if con.sent_at is not None else con.cmd_start
                m = re.compile(rx, re.M).search(con.text, start)
                if not m:
                    raise Failure("no match for /%s/ to set {%s} since the last command" %
                                  (rx, name))
                names[name] = m.group(1)
            elif line.startswith("calc "):
                _, name, expr = line.split(" ", 2)
                if not re.fullmatch(r"[0-9+\- ()]+", expr):
                    raise Failure("calc: integers, +, - and parentheses only: '%s'" % expr)
                names[name] = str(eval(expr, {"__builtins__": {}}))
            elif line.startswith("set "):
                _, name, rx = line.split(" ", 2)
                m = re.search(rx, output, re.M)
                if not m:
                    raise Failure("no match for /%s/ to set {%s}:\n%s" % (rx, name, indent(output)))
                names[name] = m.group(1)
            else:
                raise Failure("cannot understand this line")
        except Failure as e:
            raise Failure("%s: %s" % (where, e))


def indent(s):
    return "\n".join("    | " + l for l in s.strip("\n").splitlines()[-25:])


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.stderr.write(__doc__)
        return 2
    session, log, verdict, cmd = argv[0], argv[1], argv[2], argv[4:]
    con = Console(cmd, log)
    result = "ok"
    try:
        play(con, session)
    except Failure as e:
        result = str(e)
    try:
        rc = con.finish(60 if result == "ok" else 5)
    except Failure as e:
        if result == "ok":
            result = str(e)
        rc = 124
    with open(verdict, "w") as f:
        f.write(result + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
