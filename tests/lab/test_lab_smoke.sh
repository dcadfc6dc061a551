#!/bin/bash
# Lab smoke test (TAP): the demo network comes up under its own prefix, every
# host answers the scanner (IPv4 and IPv6), BIND answers A/AAAA/PTR, the broken
# zone SERVFAILs, a TSIG-signed update is accepted (an unsigned one refused),
# `up` twice is a no-op, and `down` leaves nothing behind. Needs root.
set -u
cd "$(dirname "$0")/../.."
export IPD_LAB=${IPD_LAB_SMOKE:-smk$(($$ % 100000))}
IPD_LAB=${IPD_LAB:0:8}
export IPD_LAB
LAB=scripts/lab.sh
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else nok "$what"; fi; }

cleanup() { "$LAB" down >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi

t0=$SECONDS
if "$LAB" up; then ok "lab up ($IPD_LAB, $((SECONDS - t0)) s)"; else nok "lab up"; echo "1..$n"; exit 1; fi
eval "$("$LAB" env)"
S="ip netns exec $LAB_SCAN_NS"

# Every host answers a ping from the scanner, on each of its addresses.
# 203.0.113.50 is off-subnet for the scanner (no route): ARP proves it is there.
while read -r ns mac v4 v6 _; do
	[[ -z $ns || $ns == \#* || $ns == scan ]] && continue
	for a in ${v4//,/ }; do
		[ "$a" = - ] && continue
		case $a in
		203.0.113.*) check "$ns answers ARP for $a" $S arping -q -f -c 3 -w 3 -I eth0 -s 192.0.2.2 "$a" ;;
		*) check "$ns answers ping $a" $S ping -n -q -c 1 -W 2 "$a" ;;
		esac
	done
	for a in ${v6//,/ }; do
		[ "$a" = - ] && continue
		check "$ns answers ping $a" $S ping -6 -n -q -c 1 -W 2 "$a"
	done
done <"$LAB_FIXTURES/hosts.tsv"

# The duplicate address really has two MACs.
dups=$($S arping -c 2 -w 2 -I eth0 192.0.2.30 2>/dev/null | grep -ci 'reply from')
[ "$dups" -ge 2 ] && ok "192.0.2.30 answered by two MACs" || nok "192.0.2.30 answered by two MACs (got $dups)"

dig1() { $S dig +time=2 +tries=1 +short @"$LAB_DNS" "$@"; }
[ "$(dig1 web.example.test A)" = 192.0.2.10 ] && ok "BIND: A web.example.test" || nok "BIND: A web.example.test"
[ "$(dig1 -x 192.0.2.10)" = web.example.test. ] && ok "BIND: PTR 192.0.2.10" || nok "BIND: PTR 192.0.2.10"
[ "$($S dig +time=2 +tries=1 +short @"$LAB_DNS6" -x 2001:db8:0:1::70)" = iot6.example.test. ] &&
	ok "BIND over IPv6: PTR 2001:db8:0:1::70" || nok "BIND over IPv6: PTR 2001:db8:0:1::70"
$S dig +time=2 +tries=1 @"$LAB_DNS" -x 198.18.7.10 | grep -q 'status: SERVFAIL' &&
	ok "BIND: broken zone SERVFAILs (dns-lookup-failed cause)" || nok "BIND: broken zone SERVFAILs"
[ -z "$(dig1 app.example.test AAAA)" ] && ok "app.example.test has no AAAA (dual-stack-gap cause)" ||
	nok "app.example.test has no AAAA"

# TSIG-signed dynamic update accepted; unsigned refused.
upd="server $LAB_DNS
zone example.test.
update delete smoke.example.test. A
update add smoke.example.test. 60 A 192.0.2.199
send
"
if echo "$upd" | $S nsupdate -k "$LAB_TSIG_KEY" && [ "$(dig1 smoke.example.test A)" = 192.0.2.199 ]; then
	ok "TSIG-signed nsupdate accepted"
else
	nok "TSIG-signed nsupdate accepted"
fi
if echo "$upd" | $S nsupdate >/dev/null 2>&1; then nok "unsigned nsupdate refused"; else ok "unsigned nsupdate refused"; fi
printf 'server %s\nzone example.test.\nupdate delete smoke.example.test. A\nsend\n' "$LAB_DNS" |
	$S nsupdate -k "$LAB_TSIG_KEY" >/dev/null 2>&1

# up again: a no-op that reports ok and keeps the same named.
pid1=$(cat "$LAB_STATE/pids/named.pid")
out=$("$LAB" up 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q 'already up' && [ "$(cat "$LAB_STATE/pids/named.pid")" = "$pid1" ]; then
	ok "second up is a no-op"
else
	nok "second up is a no-op: $out"
fi
check "status reports up" "$LAB" status

# trigger: the DHCP DISCOVER gets a lease (from either server).
"$LAB" trigger >/dev/null 2>&1
check "trigger: dhclient got a lease" grep -q 'lease {' "$LAB_STATE/dhclient/leases"
check "trigger: legit server ACKed laptop-1's reservation" grep -q 'DHCPACK(eth0) 192.0.2.101 f0:de:f1:00:01:01' "$LAB_STATE/dhcp-legit.log"
check "trigger: rogue server OFFERed (rogue-dhcp-server cause)" grep -q 'DHCPOFFER(eth0) 192.0.2.2[01][0-9]' "$LAB_STATE/dhcp-rogue.log"
check "rogue router advertises (rogue-router cause)" grep -q 'RTR-ADVERT' "$LAB_STATE/ra-rogue.log"
check "legit router advertises" grep -q 'RTR-ADVERT' "$LAB_STATE/dhcp-legit.log"

# down: nothing with our prefix remains.
pids=$(cat "$LAB_STATE"/pids/*.pid 2>/dev/null | tr -dc '0-9\n')
"$LAB" down >/dev/null 2>&1 && ok "lab down" || nok "lab down"
left=$(ip netns list | awk '{print $1}' | grep -c "^$IPD_LAB-")
[ "$left" -eq 0 ] && ok "no $IPD_LAB-* namespace left" || nok "no $IPD_LAB-* namespace left ($left)"
alive=0
for p in $pids; do [ -d "/proc/$p" ] && alive=$((alive + 1)); done
[ "$alive" -eq 0 ] && ok "no recorded process left" || nok "no recorded process left ($alive alive)"
[ ! -e "$LAB_STATE" ] && [ ! -e "/etc/netns/$IPD_LAB-scan" ] && ok "state removed" || nok "state removed"
"$LAB" down >/dev/null 2>&1 && ok "second down is a no-op" || nok "second down is a no-op"
echo "1..$n"
echo "# $((SECONDS - t0)) s"
[ "$failed" -eq 0 ]
