#!/usr/bin/env python3
"""b3_ui.py — bench 3's driver of the real browser.

  b3_ui.py script RBDWHO N   the browser on the pool in $CEPH_CONF, keys from a FIFO
                             (--ui-script); prints "key value" lines
  b3_ui.py firstframe RBDWHO the browser on a pty; ms from exec to the first screen

Timing of scripted keys: the script is a FIFO we write, and every `:dump` goes to
a second FIFO we read. The browser handles one script line per loop turn and
draws the frame after it, so (time the dump after N keys is read) - (time the
dump before them is read), divided by N, is the cost of one key plus one frame.
No sleeps: the UI blocks on the script FIFO until we write, and on the dump FIFO
until we read. Peak RSS is the process's VmHWM, read while it waits for us.
"""
import os, pty, select, signal, socket, subprocess, sys, tempfile, time


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return -1


DUMP = object()  # stands for a ":dump" line in send() and timed()


class Browser:
    def __init__(self, rbdwho, d):
        self.dir, self.script = d, os.path.join(d, "script")
        os.mkfifo(self.script)
        # One FIFO per dump, read in order: two dumps through one FIFO can run
        # together when the second is opened before the first is drained.
        self.ndumps, self.pending = 0, []
        env = dict(os.environ, COLUMNS="160", LINES="48", TERM="xterm-256color")
        self.t_exec = time.monotonic()
        self.p = subprocess.Popen([rbdwho, "--ui-script", self.script], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.w = open(self.script, "w", buffering=1)

    def dump(self):
        """A ":dump" line to a fresh FIFO, queued to be read in turn."""
        self.ndumps += 1
        path = os.path.join(self.dir, "dump-%d" % self.ndumps)
        os.mkfifo(path)
        self.pending.append(path)
        return ":dump " + path

    def send(self, *lines):
        lines = [self.dump() if l == DUMP else l for l in lines]
        self.w.write("".join(l + "\n" for l in lines))
        self.w.flush()

    def read_dump(self):
        """Blocks until the browser has written the next dump; returns (time, text)."""
        path = self.pending.pop(0)
        with open(path) as f:
            text = f.read()
        os.unlink(path)
        return time.monotonic(), text

    def timed(self, keys):
        """Seconds from the dump before keys to the dump after them."""
        log("timed", keys[0], len(keys))
        self.send(DUMP, *keys, DUMP)
        t0, _ = self.read_dump()
        for k in keys:  # every dump in keys must be read too, or we fall behind
            if k == DUMP:
                self.read_dump()
        t1, text = self.read_dump()
        return t1 - t0, text

    def close(self):
        self.send(":quit")
        self.w.close()
        try:
            return self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait()


def rows_shown(text):
    """The images pane's title count: "images (100000)", or the shown count
    when filtered: "images (100000, 4000 shown)"."""
    for line in text.splitlines():
        if "images (" in line:
            count = line.split("images (", 1)[1].split(")", 1)[0]
            count = count.split(",")[-1].replace("shown", "")
            return count.replace(" ", "").replace("\u202f", "")
    return "?"


def log(*a):
    if os.environ.get("B3_DEBUG"):
        print("%.3f" % time.monotonic(), *a, file=sys.stderr, flush=True)


def cmd_script(rbdwho, n):
    with tempfile.TemporaryDirectory() as d:
        b = Browser(rbdwho, d)
        try:
            out = {}
            b.send(":wait-idle", DUMP)
            t, text = b.read_dump()
            out["load_ms"] = round((t - b.t_exec) * 1e3)  # exec to pool listed, idle
            out["rows"] = rows_shown(text)
            out["rss_loaded_kb"] = vm(b.p.pid, "VmHWM")
            b.send("<Enter>", ":wait-idle")  # focus the images pane
            # baseline: consecutive dumps, to take the dump's own cost out
            dt, _ = b.timed([DUMP] * 20)
            dump_ms = dt * 1e3 / 21
            dt, _ = b.timed(["j"] * n)
            out["frame_j_ms"] = dt * 1e3 / n
            dt, _ = b.timed(["C-l"] * n)
            out["frame_full_ms"] = dt * 1e3 / n
            dt, _ = b.timed(["<PgDn>"] * (n // 10))
            out["frame_pgdn_ms"] = dt * 1e3 / (n // 10)
            # every cursor move asks for the selected image's watchers: how long
            # the jobs the 2,200 moves queued take to drain
            dt, _ = b.timed([":wait-idle"])
            out["drain_ms"] = round(dt * 1e3)
            b.send("G", ":wait-idle")
            # filter keystrokes: each one re-filters every row; timed one by one
            b.send("/", ":wait-idle")
            per, counts = [], []
            for k in list("vol-099") + ["<Backspace>"] * 7:
                dt, text = b.timed([k])
                per.append(dt * 1e3 - dump_ms)
                counts.append(rows_shown(text))
            out["filter_mean_ms"] = sum(per) / len(per)
            out["filter_max_ms"] = max(per)
            out["filter_rows"] = "/".join(counts)
            b.send("<Esc>")
            dt, text = b.timed(["/", "7", "<Esc>"] * 10)
            out["filter_7_esc_ms"] = dt * 1e3 / 30
            out["dump_ms"] = dump_ms
            out["rss_peak_kb"] = vm(b.p.pid, "VmHWM")
        finally:
            rc = b.close()
        out["exit"] = rc
        for k, v in out.items():
            print(k, f"{v:.3f}" if isinstance(v, float) else v)


def first_frame(rbdwho, env, marker=b"rbdwho"):
    """ms from fork+exec to the first output containing marker, on a pty."""
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        os.execv(rbdwho, [rbdwho])
    buf, t_first = b"", None
    deadline = t0 + 10
    while time.monotonic() < deadline and t_first is None:
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        buf += chunk
        if marker in buf:
            t_first = time.monotonic()
    os.write(fd, b"q")
    t_q = time.monotonic()
    status = None
    while time.monotonic() < t_q + 10:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            status = st
            break
    quit_ms = round((time.monotonic() - t_q) * 1e3)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        quit_ms = -1
    os.close(fd)
    return (round((t_first - t0) * 1e3, 1) if t_first else -1), quit_ms


def cmd_firstframe(rbdwho):
    base = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    base["RBDWHO_CONFIG"] = os.environ.get("RBDWHO_CONFIG", "/dev/null")
    d = tempfile.mkdtemp()
    try:
        # a port nobody listens on (refused) and one that accepts and stays silent
        s = socket.socket(); s.bind(("127.0.0.1", 0)); dead = s.getsockname()[1]; s.close()
        silent = socket.socket(); silent.bind(("127.0.0.1", 0)); silent.listen(64)
        for label, port in (("refused", dead), ("silent", silent.getsockname()[1])):
            conf = os.path.join(d, label + ".conf")
            with open(conf, "w") as f:
                f.write(f"[global]\nmon host = 127.0.0.1:{port}\n"
                        "auth cluster required = cephx\nauth client required = cephx\n"
                        f"keyring = {d}/keyring\n")
            with open(os.path.join(d, "keyring"), "w") as f:
                f.write("[client.admin]\n\tkey = AQBzR2ZlAAAAABAAJ2kA4bVmJgk2tTbbTkRb0w==\n")
            env = dict(base, CEPH_CONF=conf)
            for k in [k for k in os.environ if k.startswith("OS_")]:
                env[k] = ""
            runs = [first_frame(rbdwho, env) for _ in range(5)]
            ff = sorted(r[0] for r in runs)[2]
            q = sorted(r[1] for r in runs)[2]
            print(f"first_frame_{label}_ms {ff}")
            print(f"quit_{label}_ms {q}")
        if os.environ.get("CEPH_CONF"):
            runs = [first_frame(rbdwho, dict(base, CEPH_CONF=os.environ["CEPH_CONF"]))
                    for _ in range(5)]
            print(f"first_frame_up_ms {sorted(r[0] for r in runs)[2]}")
        silent.close()
    finally:
        subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    if sys.argv[1] == "script":
        cmd_script(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "firstframe":
        cmd_firstframe(sys.argv[2])
    else:
        sys.exit("usage: b3_ui.py script RBDWHO N | firstframe RBDWHO")
