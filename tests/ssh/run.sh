#!/usr/bin/env bash
# Runs every tests/ssh/t_*.sh (each starts and stops its own sshd).
# A t_*.sh exits 0 on pass, 77 to skip, anything else on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0
for t in "$here"/t_*.sh; do
  echo "== $(basename "$t" .sh)"
  bash "$t"; rc=$?
  case $rc in
    0) passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
echo "ssh-tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
