#!/bin/bash
# Lab test for `ipdrift sweep` (TAP). Builds its own namespaces, prefix "sw"
# (override with IPD_LAB): a bridge in sw-br, a scanner in sw-scan and hosts
# sw-h1..sw-h6 with distinct MACs; h3 and h4 share 198.51.100.13 (the planted
# conflict), h5 is down, h6 answers only on VLAN 10. Needs root.
# Usage: tests/lab/test_sweep.sh [BUILD]   (BUILD dir holding ./ipdrift, default .)
set -u
P=${IPD_LAB:-sw}
BIN=$(cd "${1:-.}" 2>/dev/null && pwd)/ipdrift
[ -x "$BIN" ] || BIN=$(pwd)/ipdrift
TMP=$(mktemp -d /tmp/ipd-sweep-lab.XXXXXX)
chmod 755 "$TMP"
NS="$P-br $P-scan $P-h1 $P-h2 $P-h3 $P-h4 $P-h5 $P-h6"
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

cleanup() {
	for ns in $NS; do ip netns del "$ns" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
KEEP=${KEEP:-}
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP lab tests need root"
	exit 0
fi
cleanup 2>/dev/null
mkdir -p "$TMP" && chmod 755 "$TMP"

for ns in $NS; do ip netns add "$ns"; done
# the bridge itself has no address: only the hosts answer
ip netns exec "$P-br" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$P-br" link add br0 type bridge
ip -n "$P-br" link set br0 up
i=0
for h in scan h1 h2 h3 h4 h5 h6; do
	i=$((i + 1))
	ip link add "$P-v$i" type veth peer name "$P-p$i"
	ip link set "$P-v$i" netns "$P-$h" name eth0
	ip link set "$P-p$i" netns "$P-br"
	ip -n "$P-br" link set "$P-p$i" master br0 up
	ip netns exec "$P-$h" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
	ip -n "$P-$h" link set lo up
done
ip -n "$P-scan" link set eth0 address 02:5e:00:00:00:01
ip -n "$P-scan" addr add 198.51.100.1/24 dev eth0
ip -n "$P-scan" addr add 2001:db8:5::1/64 dev eth0 nodad
ip -n "$P-scan" link set eth0 up
for k in 1 2 3 4 5 6; do
	ip -n "$P-h$k" link set eth0 address "02:5e:00:00:00:1$k"
done
ip -n "$P-h1" addr add 198.51.100.11/24 dev eth0
ip -n "$P-h1" addr add 2001:db8:5::11/64 dev eth0 nodad
ip -n "$P-h2" addr add 198.51.100.12/24 dev eth0
ip -n "$P-h2" addr add 2001:db8:5::12/64 dev eth0 nodad
ip -n "$P-h3" addr add 198.51.100.13/24 dev eth0
ip -n "$P-h4" addr add 198.51.100.13/24 dev eth0
ip -n "$P-h5" addr add 198.51.100.15/24 dev eth0
ip -n "$P-h5" addr add 2001:db8:5::15/64 dev eth0 nodad
HAVE_VLAN=0
if ip -n "$P-h6" link add link eth0 name eth0.10 type vlan id 10 2>/dev/null; then
	HAVE_VLAN=1
	ip -n "$P-h6" addr add 192.0.2.6/24 dev eth0.10
fi
for k in 1 2 3 4 6; do ip -n "$P-h$k" link set eth0 up; done
[ "$HAVE_VLAN" = 1 ] && ip -n "$P-h6" link set eth0.10 up
# h5 stays down: configured, but its link is not up.
sleep 1 # link-local addresses

echo "1..24"
DB="$TMP/ipdrift.db"
sw() { ip netns exec "$P-scan" "$BIN" --db "$DB" sweep -i eth0 "$@"; }

sw --fast --json 198.51.100.0/24 --target6 2001:db8:5::11-2001:db8:5::15 >"$TMP/out1" 2>"$TMP/err1"
check "sweep exits 0" "[ $? = 0 ]"
check "h1 found with its MAC (arp)" "grep -q '\"ip\":\"198.51.100.11\",\"mac\":\"02:5e:00:00:00:11\".*arp-active' $TMP/out1"
check "h2 found with its MAC (arp)" "grep -q '\"ip\":\"198.51.100.12\",\"mac\":\"02:5e:00:00:00:12\"' $TMP/out1"
check "conflict: both MACs of 198.51.100.13 reported" \
	"[ \$(grep -c '\"ip\":\"198.51.100.13\"' $TMP/out1) = 2 ] && grep -q '\"ip\":\"198.51.100.13\".*\"dup\":2' $TMP/out1"
check "down host h5 not reported" "! grep -q '198.51.100.15\|2001:db8:5::15\|02:5e:00:00:00:15' $TMP/out1"
check "exactly the live IPv4 hosts" "[ \$(grep -c 'arp-active' $TMP/out1) = 4 ]"
check "h1 global IPv6 via NS" "grep -q '\"ip\":\"2001:db8:5::11\",\"mac\":\"02:5e:00:00:00:11\".*nd-active' $TMP/out1"
check "h2 global IPv6 via NS" "grep -q '\"ip\":\"2001:db8:5::12\",\"mac\":\"02:5e:00:00:00:12\"' $TMP/out1"
check "link-local addresses via echo to ff02::1" \
	"grep -q '\"ip\":\"fe80::5e:ff:fe00:11\",\"mac\":\"02:5e:00:00:00:11\"' $TMP/out1 && grep -q '\"ip\":\"fe80::5e:ff:fe00:14\"' $TMP/out1"
q() { sqlite3 "$DB" "$1"; }
check "ip conflict event recorded with both MACs" \
	"[ \"\$(q \"select count(*) from events where kind='ip conflict' and ip_text='198.51.100.13' and detail like '%02:5e:00:00:00:13%02:5e:00:00:00:14%'\")\" = 1 ]"
check "run row: ok, sent/received/duration recorded" \
	"[ \"\$(q \"select status, sent >= 256, received >= 4, duration_ms >= 0, loss >= 0 from runs where kind='sweep'\")\" = 'ok|1|1|1|1' ]"
check "coverage rows for the v4 /24 and the v6 range (active)" \
	"[ \"\$(q \"select count(*) from coverage where active=1\")\" = 2 ]"
rows1=$(q "select count(*) from observations")
sw --fast -q 198.51.100.0/24 --target6 2001:db8:5::11-2001:db8:5::15 >"$TMP/out2" 2>&1
rows2=$(q "select count(*) from observations")
check "second run: same observation rows, counts grow (idempotent)" \
	"[ $rows1 = $rows2 ] && [ \"\$(q \"select count from observations where ip_text='198.51.100.11'\")\" = 2 ]"
check "plain output: DUP marker" "grep -q '198.51.100.13	02:5e:00:00:00:14	.*(DUP: 2)' $TMP/out2"

if [ "$HAVE_VLAN" = 1 ]; then
	sw --fast --no-ipv6 --vlan 10 --source 192.0.2.1 192.0.2.0/29 >"$TMP/out3" 2>"$TMP/err3"
	check "--vlan 10: tagged host found, VLAN recorded" \
		"grep -q '192.0.2.6	02:5e:00:00:00:16	.*vlan 10' $TMP/out3 && [ \"\$(q \"select vlan from observations where ip_text='192.0.2.6'\")\" = 10 ]"
else
	# no 802.1Q in this kernel: check the tagged probes on file instead
	# (tagged replies are covered by tests/unit/test_probe.c)
	sw --vlan 10 --source 192.0.2.1 --write-pcap "$TMP/vlan.pcap" -q 192.0.2.0/29 >/dev/null 2>&1
	check "--vlan 10: probes carry the tag # (kernel has no 802.1Q: file check only)" \
		"[ \$(tcpdump -nn -e -r $TMP/vlan.pcap 2>/dev/null | grep -c 'vlan 10.*Request who-has 192.0.2.[0-7] tell 192.0.2.1') = 8 ]"
fi

ip netns exec "$P-scan" setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN" --db "$TMP/dry.db" sweep -i eth0 --dry-run 198.51.100.0/30 --target6 2001:db8::1 >"$TMP/dry" 2>&1
check "--dry-run without privileges prints the probes" \
	"[ \$(grep -c 'arp request who-has 198.51.100' $TMP/dry) = 4 ] && grep -q 'neighbor solicitation, who has 2001:db8::1' $TMP/dry"
sw --write-pcap "$TMP/probes.pcap" -q 198.51.100.0/28 --target6 2001:db8:5::11 >/dev/null 2>&1
tcpdump -nn -vv -r "$TMP/probes.pcap" >"$TMP/pcap.txt" 2>/dev/null
check "--write-pcap: 16 ARP + NS + echo, ICMPv6 checksums valid (tcpdump)" \
	"[ \$(grep -c 'Request who-has' $TMP/pcap.txt) = 16 ] && [ \$(grep -c 'icmp6 sum ok' $TMP/pcap.txt) = 3 ] && ! grep -q 'bad icmp6 cksum' $TMP/pcap.txt"

ip netns exec "$P-scan" setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN" --db "$TMP/np.db" sweep -i eth0 198.51.100.0/30 >/dev/null 2>"$TMP/np"
check "no privilege: exit 77 with a clear message" "[ $? = 77 ] && grep -q 'CAP_NET_RAW' $TMP/np"

cp "$BIN" "$TMP/ipdrift-cap" && chmod 755 "$TMP/ipdrift-cap"
mkdir -p "$TMP/capdb" && chown nobody "$TMP/capdb"
if setcap cap_net_raw+p "$TMP/ipdrift-cap" 2>/dev/null; then
	ip netns exec "$P-scan" setpriv --reuid=nobody --regid=nogroup --clear-groups "$TMP/ipdrift-cap" \
		--db "$TMP/capdb/cap.db" sweep -i eth0 --fast --no-ipv6 198.51.100.8/29 >"$TMP/capout" 2>&1
	check "CAP_NET_RAW only (setcap, as nobody): sweep works" \
		"grep -q '198.51.100.11	02:5e:00:00:00:11' $TMP/capout"
else
	ok "CAP_NET_RAW only # SKIP setcap not supported on $TMP"
fi

ip netns exec "$P-scan" "$BIN" --db "$DB" -vv sweep -i eth0 --fast --no-ipv6 198.51.100.11 >/dev/null 2>"$TMP/verb"
check "as root: privileges dropped to nobody before probing" "grep -q 'dropped root to nobody' $TMP/verb"
check "default (paced) mode finds the same IPv4 hosts" \
	"sw --no-ipv6 -q --rate 2000 --retries 1 --timeout 200 198.51.100.0/24 | grep -c '^198.51.100.1[1-3]' | grep -qx 4"
ip netns exec "$P-scan" "$BIN" --db "$TMP/def.db" sweep -q --fast --no-ipv6 >"$TMP/def" 2>&1
check "no target: the interface's connected /24 is swept (like arp-scan --localnet)" \
	"[ \$(grep -c '^198.51.100.1[1-3]	' $TMP/def) = 4 ] && [ \"\$(sqlite3 $TMP/def.db \"select count(*) from coverage where lo=x'00000000000000000000ffffc6336400' and hi=x'00000000000000000000ffffc63364ff'\")\" = 1 ]"
sw --fast -q --no-ipv6 --parent-run 1 198.51.100.11 >/dev/null 2>&1
check "--parent-run: the sweep's run row names its parent (ipdrift run)" \
	"[ \"\$(q \"select parent_id from runs where kind='sweep' order by id desc limit 1\")\" = 1 ]"
# progress bar: only on a TTY, coloured unless NO_COLOR / TERM=dumb
if command -v script >/dev/null; then
	tty_sweep() { ip netns exec "$P-scan" env "$@" script -qec "$BIN --db $DB sweep -i eth0 --no-ipv6 --rate 400 --retries 0 --timeout 20 198.51.100.0/25" /dev/null; }
	tty_sweep TERM=xterm >"$TMP/tty1" 2>&1
	tty_sweep TERM=xterm NO_COLOR=1 >"$TMP/tty2" 2>&1
	check "progress bar on a TTY, coloured; plain with NO_COLOR; none when not a TTY" \
		"grep -q 'pass 1/1 .*found' $TMP/tty1 && grep -q \$'\\033\\[32m' $TMP/tty1 && grep -q 'pass 1/1' $TMP/tty2 && ! grep -q \$'\\033\\[32m' $TMP/tty2 && ! grep -q 'pass 1/' $TMP/err1"
else
	ok "progress bar # SKIP no script(1)"
fi
[ "$fail" = 0 ]
