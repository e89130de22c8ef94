#!/bin/sh
# run-os-live.sh — runs test_os_live against a private OpenStack stand-in:
# starts tests/sandbox/openstack-standin in a temp dir, exports SANDBOX_DIR and
# the OS_* variables for it, runs the test binary, and stops the stand-in (by
# its pid) and removes the dir however the test ends.
# Usage: tests/unit/run-os-live.sh [TEST_BINARY]   (from the top of the tree)
set -eu

bin=${1:-build/rel/tests/test_os_live}
standin=tests/sandbox/openstack-standin
[ -x "$bin" ] || { echo "run-os-live: $bin not built (make $bin)" >&2; exit 2; }
[ -f "$standin" ] || { echo "run-os-live: $standin missing" >&2; exit 2; }

dir=$(mktemp -d /tmp/rbdwho-os-live.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
echo '{}' >"$dir/openstack.json"   # the test writes its own data
echo '{}' >"$dir/faults.json"

# The stand-in says "ready" on a fifo once all three services listen: the
# read below waits for exactly that (or for EOF if it dies first).
mkfifo "$dir/ready"
python3 "$standin" --data "$dir/openstack.json" --faults "$dir/faults.json" \
	--ports-file "$dir/openstack.ports" --password="$password" --log "$dir/os.log" \
	--ready-fd 3 3>"$dir/ready" >"$dir/standin.out" 2>&1 &
pid=$!
if ! read -r line <"$dir/ready" || [ "$line" != ready ]; then
	echo "run-os-live: the stand-in did not start:" >&2
	cat "$dir/standin.out" >&2
	exit 1
fi
KEYSTONE_PORT=$(sed -n 's/^KEYSTONE_PORT=//p' "$dir/openstack.ports")

export SANDBOX_DIR="$dir"
export OS_AUTH_URL="http://127.0.0.1:$KEYSTONE_PORT/v3"
export OS_USERNAME=admin OS_PASSWORD="$password" OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
unset OS_CLOUD OS_CLIENT_CONFIG_FILE OS_PROJECT_ID OS_USER_ID OS_AUTH_TYPE \
	OS_APPLICATION_CREDENTIAL_ID OS_APPLICATION_CREDENTIAL_NAME OS_APPLICATION_CREDENTIAL_SECRET

rc=0
"$bin" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "run-os-live: failed ($rc); stand-in log:" >&2
	tail -n 40 "$dir/os.log" >&2 || true
fi
exit "$rc"
