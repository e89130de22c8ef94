#!/usr/bin/env python3
"""measure.py OUT -- CMD…: runs CMD, saves its stdout to OUT, its stderr to OUT.err,
and prints "EXIT ELAPSED_S MAXRSS_KB" — what the fault matrix asserts on."""
import resource, subprocess, sys, time
out = sys.argv[1]
cmd = sys.argv[3:]
t0 = time.monotonic()
with open(out, "wb") as o, open(out + ".err", "wb") as e:
    try:
        rc = subprocess.run(cmd, stdout=o, stderr=e, stdin=subprocess.DEVNULL, timeout=120).returncode
    except subprocess.TimeoutExpired:
        rc = 124
elapsed = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%d %.2f %d" % (rc, elapsed, rss))
