#!/bin/sh
# Install every Debian package ipdrift's build, tests, demo and benchmarks need.
# Idempotent: silent when everything is present; `apt-get update` only when
# something is missing.
set -eu

PKGS="
build-essential pkg-config make gcc clang libclang-rt-14-dev python3
libpcap-dev libnet1-dev libc-ares-dev libsqlite3-dev libmaxminddb-dev libssl-dev
libcmocka-dev libcap-dev libcap2-bin
sqlite3 ieee-data
bind9 bind9-dnsutils bind9-utils
iproute2 iputils-ping iputils-arping ndisc6 procps psmisc
libmaxmind-db-writer-perl mmdb-bin
arp-scan nmap tcpdump arpwatch dnsperf bc time
dnsmasq-base isc-dhcp-client
groff-base man-db systemd
chromium
"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages:$missing (run as root to install)" >&2
    exit 1
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian starts named on install; the project runs its own instances only.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q named 2>/dev/null; then
    systemctl stop named >/dev/null 2>&1 || true
    systemctl disable named >/dev/null 2>&1 || true
fi
