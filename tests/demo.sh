#!/usr/bin/env bash
# `make demo`: a sandbox cluster with the classic case in it, and the browser on it.
#   volumes/volume-…  "available" in Cinder, yet held by a libvirt domain whose
#                      instance Nova no longer knows: the ORPHAN to find and destroy
#   volumes/volume-…  in-use, attached to a healthy instance Nova knows: ATTACHED
#   vms/<uuid>_disk   a running instance's ephemeral disk: ATTACHED
#   a few idle volumes with no watchers
# Everything it starts is stopped when the browser exits (trap, by pid).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
SB=$top/tests/sandbox
D=$(mktemp -d /tmp/rbdwho-demo.XXXXXX)
trap '"$SB/down" "$D" >/dev/null 2>&1 || true' EXIT INT TERM

"$SB/up" "$D"
"$SB/libvirt-up" "$D" >/dev/null
# shellcheck disable=SC1091
. "$D/env"
uuid() { python3 -c 'import uuid; print(uuid.uuid4())'; }

# Point the browser's local libvirt at the sandbox's real libvirtd.
sed -i "s|^local_uri = .*|local_uri = $SANDBOX_LIBVIRT_URI|" "$D/rbdwho.conf"

ORPHAN_VOL=$(uuid); ORPHAN_INST=$(uuid)
rbd create --size 10240 "volumes/volume-$ORPHAN_VOL"
"$SB/osdata" "$D" add-volume "$ORPHAN_VOL" --name db-data --status available
"$SB/hold" "$D" "volumes/volume-$ORPHAN_VOL" --name instance-0002f5c4 --uuid "$ORPHAN_INST" --libvirt >/dev/null

GOOD_VOL=$(uuid); GOOD_INST=$(uuid)
rbd create --size 20480 "volumes/volume-$GOOD_VOL"
"$SB/osdata" "$D" add-server "$GOOD_INST" web-1 --instance-name instance-0002f5c5 --host "$(hostname)"
"$SB/osdata" "$D" add-volume "$GOOD_VOL" --name web-data --status in-use --attach "$GOOD_INST:$(hostname)"
"$SB/hold" "$D" "volumes/volume-$GOOD_VOL" --name instance-0002f5c5 --uuid "$GOOD_INST" --style blockdev >/dev/null

EPH_INST=$(uuid)
rbd create --size 4096 "vms/${EPH_INST}_disk"
"$SB/osdata" "$D" add-server "$EPH_INST" batch-7 --instance-name instance-0002f5c6 --host "$(hostname)"
"$SB/hold" "$D" "vms/${EPH_INST}_disk" --name instance-0002f5c6 --uuid "$EPH_INST" >/dev/null

for _ in 1 2 3 4 5; do
  v=$(uuid); rbd create --size 1024 "volumes/volume-$v"
  "$SB/osdata" "$D" add-volume "$v" --status available >/dev/null
done
rbd create --size 2048 images/cirros-0.6.2

cat <<MSG

  The classic case is ready: Cinder says volume $ORPHAN_VOL is "available",
  but instance-0002f5c4 still holds it and Nova no longer knows that instance.
  Find it (volumes → the image with ●1 → its watcher), then press D to destroy it.
  Or jump straight there with  :$ORPHAN_VOL

MSG
read -r -t 3 -p "  Starting the browser… (Enter to go now) " _ || true
"$top/rbdwho"
