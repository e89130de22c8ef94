#!/bin/sh
# Runs every cmocka unit-test binary given, and closes with "N passed, N failed".
# Tests that need the sandbox skip themselves when SANDBOX_DIR is unset.
passed=0 failed=0 skipped=0 broken=""
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -E '^\[  (FAILED|SKIPPED) |^\[  ERROR' || true
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
  s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -n 1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
    failed=$((failed + 1)); broken="$broken $(basename "$t")"
    printf '%s\n' "$out" | tail -n 20
  fi
  echo "unit: $(basename "$t"): passed ${p:-0}, failed ${f:-0}, skipped ${s:-0} (exit $rc)"
done
[ -n "$broken" ] && echo "unit: crashed or failed outside a test:$broken"
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
