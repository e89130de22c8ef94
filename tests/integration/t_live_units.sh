#!/usr/bin/env bash
# The unit tests that need a real cluster (they skip without SANDBOX_DIR) run
# here, against the integration sandbox.
set -u
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1  # test_probe_live runs tests/sandbox/hold by relative path
for t in test_ceph_live test_probe_live; do
  bin=$top/${BUILD:-build/rel}/tests/$t
  [ -x "$bin" ] || { fail "$bin not built"; continue; }
  out=$("$bin" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -E '^\[ +(OK|FAILED|SKIPPED) ' | sed 's/^/  /'
  if printf '%s\n' "$out" | grep -q '^\[  SKIPPED \]'; then fail "$t skipped cases with SANDBOX_DIR set"; fi
  [ $rc -eq 0 ] && pass "$t against the sandbox" || fail "$t against the sandbox"
done
finish
