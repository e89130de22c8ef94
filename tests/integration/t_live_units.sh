#!/usr/bin/env bash
# The unit tests that need a real cluster (they skip without SANDBOX_DIR) run
# here, against the integration sandbox.
set -u
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/${BUILD:-build/rel}/tests/test_ceph_live
[ -x "$bin" ] || { echo "  $bin not built"; exit 1; }
out=$("$bin" 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^\[ +(OK|FAILED|SKIPPED) ' | sed 's/^/  /'
if printf '%s\n' "$out" | grep -q '^\[  SKIPPED \]'; then fail "test_ceph_live skipped cases with SANDBOX_DIR set"; fi
[ $rc -eq 0 ] && pass "test_ceph_live against the sandbox" || fail "test_ceph_live against the sandbox"
finish
