#!/bin/sh
# Installs the Debian packages that rbdwho's build, tests and demo need.
# As root it runs apt-get; otherwise it prints the command to run.
set -eu
PKGS="build-essential pkg-config
 libncurses-dev librados-dev librbd-dev libradospp-dev libvirt-dev
 libcurl4-openssl-dev libjson-c-dev libxml2-dev libyaml-dev libcmocka-dev
 ceph-mon ceph-osd ceph-common
 qemu-system-x86 qemu-block-extra qemu-utils
 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-daemon-system
 python3 tmux iproute2 man-db
 openssh-server openssh-client rbd-fuse
 clang libclang-rt-14-dev clang-tidy cppcheck"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "rbdwho: missing packages:$missing" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Packages must not start system daemons (an sshd on *:22, a libvirtd): the fleet
# sandbox runs its own, per host.  Without a policy-rc.d, one that refuses is put in
# place for the install only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# rbdwho tests/deps.sh: no service starts during the install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
