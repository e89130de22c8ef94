#!/usr/bin/env python3
"""make-seeds.py — (re)builds tests/fuzz/corpus/NAME/ from the unit-test fixtures:
fixture files as they are, and the C string literals of tests/unit/test_*.c (adjacent
literals joined, as the compiler does). argv seeds are the `argv[] = {…}` arrays of
test_argv.c joined with NULs, the way /proc/PID/cmdline holds them. Run it after
adding fixtures; the corpus is committed so `make fuzz` needs no Python."""
import ast
import glob
import hashlib
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
UNIT = os.path.join(TOP, "tests", "unit")
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# A run of adjacent string literals, possibly split over lines.
RUN = re.compile(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*')


def c_unescape(s):
    """C escapes to bytes: \\n \\t \\xNN \\NNN \\" \\\\ (enough for the tests)."""
    out, i = bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, '"': 34, "'": 39, "a": 7, "e": 27,
              "b": 8, "f": 12, "v": 11, "?": 63}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        n = s[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8) & 0xff)
            i += 1 + len(m.group(0))
        else:
            out.append(simple.get(n, ord(n)))
            i += 2
    return bytes(out)


def literals(path, min_len=1):
    text = open(path, encoding="utf-8").read()
    for run in RUN.finditer(text):
        b = b"".join(c_unescape(m.group(1)) for m in LIT.finditer(run.group(0)))
        if len(b) >= min_len:
            yield b


def argv_arrays(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"const char \*\w+\[\]\s*=\s*\{(.*?)\};", text, re.S):
        args = [b"".join(c_unescape(x.group(1)) for x in LIT.finditer(r.group(0)))
                for r in RUN.finditer(m.group(1))]
        if args:
            yield b"\0".join(args)


def put(name, blobs):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    n = 0
    for b in blobs:
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
            f.write(b)
        n += 1
    print(f"corpus/{name}: {n} inputs")


def files(pattern):
    for p in sorted(glob.glob(pattern)):
        yield open(p, "rb").read()


def unit(name, min_len=1):
    return literals(os.path.join(UNIT, f"test_{name}.c"), min_len)


put("addr", unit("addr"))
put("argv", list(argv_arrays(os.path.join(UNIT, "test_argv.c"))) + list(unit("argv", 4)))
put("domxml", list(files(os.path.join(UNIT, "fixtures", "domxml", "*"))) + list(unit("domxml", 20)))
put("os_json", list(files(os.path.join(UNIT, "fixtures", "os", "*"))) + list(unit("os_json", 2)))
put("clouds", unit("clouds", 8))
put("sessions", list(files(os.path.join(UNIT, "fixtures", "sessions", "*"))) + list(unit("sessions", 2)))
put("config", unit("config", 4))
put("theme", list(files(os.path.join(TOP, "themes", "*.theme"))) + list(unit("theme", 4)))
# redact: the first byte only places the plant; the rest is the text.
put("redact", [b"\x10" + b for b in unit("redact", 4)])
