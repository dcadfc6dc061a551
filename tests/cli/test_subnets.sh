#!/bin/bash
# tests/cli/test_subnets.sh BUILDDIR: `ipdrift subnets` end to end on a store
# filled through the real importers, plus observations as listen writes them.
# Checks allocated / leased / seen / used (the union) / size per subnet, the
# --days window, JSON validity, and that IPAM-supplied text is escaped.
set -u
cd "$(dirname "$0")/../.."
BIN=${1:-build}/ipdrift
[ -x "$BIN" ] || BIN=./ipdrift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/s.db
n=0 fail=0
check() { # check DESCRIPTION COMMAND...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=$((fail + 1)); fi
}
echo "1..9"
printf 'prefix,vrf,status,description\n192.0.2.0/24,,active,lab\n198.51.100.0/28,"=HYPERLINK(""x"")<b>\033[31m",active,"evil vrf"\n2001:db8:0:1::/64,,active,v6\n' >"$tmp/prefix.csv"
printf 'ip,mac,hostname,status,owner,description\n192.0.2.10,,a,active,,\n192.0.2.11,,b,active,,\n192.0.2.12,,c,deprecated,,\n2001:db8:0:1::10,,d,active,,\n' >"$tmp/alloc.csv"
now=$(date +%s)
exp=$((now + 86400))
printf '%s 02:00:00:00:00:01 192.0.2.11 b *\n%s 02:00:00:00:00:02 192.0.2.20 e *\n1000 02:00:00:00:00:03 192.0.2.21 old *\n' "$exp" "$exp" >"$tmp/dnsmasq.leases"
"$BIN" -q --db "$db" import subnets "$tmp/prefix.csv" >/dev/null &&
"$BIN" -q --db "$db" import allocations "$tmp/alloc.csv" --format native >/dev/null &&
"$BIN" -q --db "$db" import leases "$tmp/dnsmasq.leases" --format dnsmasq >/dev/null
check "fixtures import" test $? -eq 0
# observations: one fresh (192.0.2.10, already allocated), one fresh new (192.0.2.30), one 40 days old
old=$((now - 40 * 86400))
sqlite3 "$db" "INSERT INTO observations(ip, ip_text, family, mac, method, first_seen, last_seen)
  VALUES (x'00000000000000000000ffffc000020a', '192.0.2.10', 4, '02:00:00:00:00:0a', 'arp-active', $now, $now),
         (x'00000000000000000000ffffc000021e', '192.0.2.30', 4, '02:00:00:00:00:1e', 'arp-active', $now, $now),
         (x'00000000000000000000ffffc000021f', '192.0.2.31', 4, '02:00:00:00:00:1f', 'arp-passive', $old, $old)"
"$BIN" --db "$db" subnets >"$tmp/table" 2>"$tmp/err"
check "table exits 0" test $? -eq 0
# 192.0.2.0/24: allocated .10 .11 (deprecated .12 not counted) = 2; leased .11 .20 (expired .21 not) = 2;
# seen .10 .30 .31 = 3; used = {.10 .11 .20 .30 .31} = 5
check "v4 row: allocated 2, leased 2, seen 3, used 5, size 256" \
	grep -qE '^192\.0\.2\.0/24 +- +2 +2 +3 +5 +256 +2\.0%' "$tmp/table"
check "v6 row: allocated 1, size >=2^64" grep -qE '^2001:db8:0:1::/64 +- +1 +0 +0 +1 +>=2\^64' "$tmp/table"
check "terminal: the VRF's ESC byte is shown as \\x1b, never raw" \
	bash -c "! grep -q \$'\x1b' '$tmp/table' && grep -qF 'HYPERLINK(\"x\")<b>\\x1b[31m' '$tmp/table'"
"$BIN" --db "$db" subnets --days 30 >"$tmp/table30"
check "--days 30 drops the 40-day-old sighting (seen 2, used 4)" \
	grep -qE '^192\.0\.2\.0/24 +- +2 +2 +2 +4 ' "$tmp/table30"
"$BIN" --db "$db" subnets --json >"$tmp/json"
check "--json is valid JSON with 3 subnets" python3 -c "import json,sys; d=json.load(open('$tmp/json')); sys.exit(0 if len(d)==3 else 1)"
check "hostile VRF kept verbatim in JSON" python3 -c "
import json,sys; d=json.load(open('$tmp/json'))
sys.exit(0 if any(s['vrf']=='=HYPERLINK(\"x\")<b>\x1b[31m' for s in d) else 1)"
"$BIN" --db "$db" subnets --bogus >/dev/null 2>&1
check "unknown option exits 64" test $? -eq 64
[ $fail -eq 0 ]
