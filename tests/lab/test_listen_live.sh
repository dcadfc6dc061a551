#!/bin/sh
# Lab test for `ipdrift listen` on a live interface (TAP). Builds its own
# namespaces, prefix "ls" (override with IPD_LAB): a bridge in ls-br, the
# scanner in ls-scan and hosts ls-h1 (also a dnsmasq DHCP server when
# dnsmasq is installed), ls-h2 (DHCP client) and ls-h3 (a second MAC for
# h1's address: the planted change). Traffic: arping (requests, gratuitous),
# ndisc6/rdisc6, one DHCP exchange. Needs root.
# Usage: tests/lab/test_listen_live.sh [BUILD]   (BUILD dir holding ./ipdrift)
set -u
P=${IPD_LAB:-ls}
BIN=$(cd "${1:-.}" 2>/dev/null && pwd)/ipdrift
[ -x "$BIN" ] || BIN=$(pwd)/ipdrift
TMP=$(mktemp -d /tmp/ipd-listen-lab.XXXXXX)
NS="$P-br $P-scan $P-h1 $P-h2 $P-h3"
n=0
fail=0
PIDS=""
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
q() { sqlite3 "$TMP/db" "$1"; }

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for ns in $NS; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP lab tests need root"
	exit 0
fi
for ns in $NS; do ip netns del "$ns" 2>/dev/null; done
chmod 755 "$TMP"

for ns in $NS; do ip netns add "$ns"; done
ip netns exec "$P-br" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# ageing 0: the bridge floods everything, like a SPAN port feeding a sensor
ip -n "$P-br" link add br0 type bridge ageing_time 0
ip -n "$P-br" link set br0 up
i=0
for h in scan h1 h2 h3; do
	i=$((i + 1))
	ip link add "$P-v$i" type veth peer name "$P-p$i"
	ip link set "$P-v$i" netns "$P-$h" name eth0
	ip link set "$P-p$i" netns "$P-br"
	ip -n "$P-br" link set "$P-p$i" master br0 up
	ip netns exec "$P-$h" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
	ip -n "$P-$h" link set lo up
	ip -n "$P-$h" link set eth0 address "02:15:00:00:00:0$i"
done
ip -n "$P-scan" addr add 198.18.10.1/24 dev eth0
ip -n "$P-scan" addr add 2001:db8:10::1/64 dev eth0 nodad
ip -n "$P-h1" addr add 198.18.10.11/24 dev eth0
ip -n "$P-h1" addr add 2001:db8:10::11/64 dev eth0 nodad
ip -n "$P-h3" addr add 198.18.10.11/24 dev eth0   # same IP, other MAC: changed ethernet address
for h in scan h1 h2 h3; do ip -n "$P-$h" link set eth0 up; done
ip -n "$P-h2" link set eth0 up

# 1. listen with --duration while the hosts talk
ip netns exec "$P-scan" timeout 30 "$BIN" --db "$TMP/db" listen -i eth0 --duration 10 \
	--user nobody >"$TMP/out1" 2>"$TMP/err1" &
LPID=$!
PIDS="$PIDS $LPID"
sleep 1.5
dhcp=no
if command -v dnsmasq >/dev/null && command -v dhclient >/dev/null; then
	ip netns exec "$P-h1" dnsmasq --port=0 --no-resolv --no-hosts --interface=eth0 --bind-interfaces \
		--dhcp-range=198.18.10.100,198.18.10.150,5m --dhcp-leasefile="$TMP/leases" \
		--pid-file="$TMP/dnsmasq.pid" --user=root 2>"$TMP/dnsmasq.err" && dhcp=yes
	[ -f "$TMP/dnsmasq.pid" ] && PIDS="$PIDS $(cat "$TMP/dnsmasq.pid")"
	echo 'send host-name "lab-h2";' >"$TMP/dhclient.conf"
	ip netns exec "$P-h2" timeout 4 dhclient -1 -4 -cf "$TMP/dhclient.conf" -sf /bin/true -pf "$TMP/dhclient.pid" \
		-lf "$TMP/dhclient.leases" -v eth0 >"$TMP/dhclient.err" 2>&1
	[ -f "$TMP/dhclient.pid" ] && kill "$(cat "$TMP/dhclient.pid")" 2>/dev/null
fi
ip netns exec "$P-h1" arping -c 2 -w 3 -I eth0 198.18.10.1 >/dev/null 2>&1
ip netns exec "$P-h1" arping -c 1 -U -I eth0 198.18.10.11 >/dev/null 2>&1
ip netns exec "$P-h1" ndisc6 -1 -r 2 2001:db8:10::1 eth0 >/dev/null 2>&1
ip netns exec "$P-h2" rdisc6 -1 -r 1 -w 300 eth0 >/dev/null 2>&1
ip netns exec "$P-h3" arping -c 1 -U -I eth0 198.18.10.11 >/dev/null 2>&1
wait "$LPID"
rc=$?
echo "1..12"
check "listen --duration exits 0 (rc=$rc)" '[ $rc -eq 0 ]'
sed 's/^/# /' "$TMP/err1" | head -12
check "run row ok with parser counters" \
	'[ "$(q "select status from runs where kind='"'"'listen'"'"'")" = ok ] && q "select stats from runs" | grep -q "\"arp\":{\"ok\":[1-9]"'
check "h1 ARP observation (198.18.10.11 02:15:00:00:00:02, arp-passive, iface eth0)" \
	'[ "$(q "select count(*) from observations where ip_text='"'"'198.18.10.11'"'"' and mac='"'"'02:15:00:00:00:02'"'"' and method='"'"'arp-passive'"'"' and iface='"'"'eth0'"'"'")" = 1 ]'
check "h1 ND observation (02:15:00:00:00:02, nd-passive)" \
	'[ "$(q "select count(*) from observations where mac='"'"'02:15:00:00:00:02'"'"' and method='"'"'nd-passive'"'"'")" -ge 1 ]'
check "new station event for 198.18.10.11" \
	'[ "$(q "select count(*) from events where kind='"'"'new station'"'"' and ip_text='"'"'198.18.10.11'"'"'")" = 1 ]'
check "changed ethernet address when h3 claims 198.18.10.11" \
	'[ "$(q "select count(*) from events where kind='"'"'changed ethernet address'"'"' and ip_text='"'"'198.18.10.11'"'"' and mac='"'"'02:15:00:00:00:04'"'"'")" = 1 ]'
check "passive coverage row for 198.18.10.0/24 (active=0)" \
	'[ "$(q "select count(*) from coverage where active=0 and iface='"'"'eth0'"'"' and hex(lo)='"'"'00000000000000000000FFFFC6120A00'"'"'")" = 1 ]'
if [ $dhcp = yes ]; then
	check "dhcp server event for 198.18.10.11 (dnsmasq in h1)" \
		'[ "$(q "select count(*) from events where kind='"'"'dhcp server'"'"' and ip_text='"'"'198.18.10.11'"'"'")" -ge 1 ]'
	check "dhcp hostname event lab-h2 with raw bytes" \
		'[ "$(q "select count(*) from events where kind='"'"'dhcp hostname'"'"' and raw=cast('"'"'lab-h2'"'"' as blob)")" -ge 1 ]'
else
	skip "dhcp server event" "dnsmasq/dhclient not installed"
	skip "dhcp hostname event" "dnsmasq/dhclient not installed"
fi

# 2. SIGTERM flushes: no duration, stop with a signal after traffic
ip netns exec "$P-scan" timeout 30 "$BIN" --db "$TMP/db" -q listen -i eth0 >/dev/null 2>"$TMP/err2" &
LPID=$!
PIDS="$PIDS $LPID"
sleep 1.5
ip netns exec "$P-h2" ip addr add 198.18.10.22/24 dev eth0
ip netns exec "$P-h2" arping -c 2 -w 3 -I eth0 198.18.10.1 >/dev/null 2>&1
kill -TERM "$LPID"
wait "$LPID"
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" '[ $rc -eq 0 ]'
check "SIGTERM: observations flushed (198.18.10.22)" \
	'[ "$(q "select count(*) from observations where ip_text='"'"'198.18.10.22'"'"'")" = 1 ]'
check "SIGTERM: run marked interrupted; h1 not new again" \
	'[ "$(q "select status from runs order by id desc limit 1")" = interrupted ] && [ "$(q "select count(*) from events where kind='"'"'new station'"'"' and ip_text='"'"'198.18.10.11'"'"'")" = 1 ]'
[ -n "${LS_DEBUG:-}" ] && { q "select ip_text,mac,method from observations"; q "select kind,ip_text,mac,detail from events"; q "select stats from runs"; cat "$TMP/dnsmasq.err" "$TMP/dhclient.err"; ls $TMP; }
[ $fail -eq 0 ]
