#!/bin/bash
# `ipdrift sweep` in the demo network (scripts/lab.sh, prefix "swd"): run in
# the scanner namespace, it must find every live host of scripts/lab/hosts.tsv
# (IPv4 and IPv6) with the right MAC, the planted IP conflict (192.0.2.30),
# nothing for allocated-but-absent addresses (192.0.2.45), solicit the IPv6
# allocations recorded in the store, record the run, and be idempotent. TAP.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
BIN=$TOP/ipdrift
export IPD_LAB=swd
TMP=$(mktemp -d /tmp/ipd-sweep-demo.XXXXXX)
export IPD_LAB_STATE=$TMP/lab
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
cleanup() {
	scripts/lab.sh down >/dev/null 2>&1
	rm -rf "$TMP"
}
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP lab tests need root"
	exit 0
fi
trap cleanup EXIT
if ! scripts/lab.sh up >"$TMP/up.log" 2>&1; then
	echo "1..0 # SKIP scripts/lab.sh up failed: $(tail -1 "$TMP/up.log")"
	exit 0
fi
echo "1..9"
DB=$TMP/ipdrift.db
"$BIN" --db "$DB" import allocations scripts/lab/netbox-ip-addresses.csv --quiet >/dev/null 2>"$TMP/imp"
sw() { ip netns exec "$IPD_LAB-scan" "$BIN" --db "$DB" sweep -i eth0 "$@"; }
sw --fast --json 192.0.2.0/24 >"$TMP/out1" 2>"$TMP/err1"
check "sweep in the scanner namespace exits 0" "[ $? = 0 ]"

# expected: every (ip, mac) of hosts.tsv inside the swept /24 / the v6 prefix
miss4="" miss6="" want4=""
while read -r ns mac v4 v6 _; do
	[[ -z $ns || $ns == \#* || $ns == scan ]] && continue
	for a in ${v4//,/ }; do
		[ "$a" = - ] && continue
		case $a in 192.0.2.*) ;; *) continue ;; esac
		want4="$want4 $a"
		grep -q "\"ip\":\"$a\",\"mac\":\"$mac\"" "$TMP/out1" || miss4="$miss4 $a=$mac"
	done
	for a in ${v6//,/ }; do
		[ "$a" = - ] && continue
		grep -q "\"ip\":\"$a\",\"mac\":\"$mac\"" "$TMP/out1" || miss6="$miss6 $a=$mac"
	done
done <scripts/lab/hosts.tsv
check "every live IPv4 host found with its MAC${miss4:+ # missing:$miss4}" "[ -z \"$miss4\" ]"
check "every live IPv6 host found with its MAC${miss6:+ # missing:$miss6}" "[ -z \"$miss6\" ]"
extra=""
for a in $(grep -o '"ip":"192\.0\.2\.[0-9]*"' "$TMP/out1" | cut -d'"' -f4 | sort -u); do
	case " $want4 " in *" $a "*) ;; *) extra="$extra $a" ;; esac
done
check "nothing reported that is not live (192.0.2.45 is allocated, absent)${extra:+ # extra:$extra}" \
	"[ -z \"$extra\" ] && ! grep -q '\"192.0.2.45\"' $TMP/out1"
q() { sqlite3 "$DB" "$1"; }
check "planted conflict: 192.0.2.30 with both MACs, one ip conflict event" \
	"grep -q '\"ip\":\"192.0.2.30\",\"mac\":\"00:25:90:00:00:30\"' $TMP/out1 && grep -q '\"ip\":\"192.0.2.30\",\"mac\":\"3c:ec:ef:00:00:30\"' $TMP/out1 && [ \"\$(q \"select count(*) from events where kind='ip conflict' and ip_text='192.0.2.30'\")\" = 1 ]"
check "recorded IPv6 allocations were solicited (coverage rows)" \
	"[ \"\$(q \"select count(*) from coverage where active=1 and length(lo)=16 and substr(lo,1,4)=x'20010db8'\")\" -ge 1 ]"
check "run row ok with sent/received" \
	"[ \"\$(q \"select status, sent > 256, received >= 20 from runs where kind='sweep'\")\" = 'ok|1|1' ]"
rows1=$(q "select count(*) from observations")
sw --fast -q 192.0.2.0/24 >/dev/null 2>&1
rows2=$(q "select count(*) from observations")
check "second run adds no observation rows ($rows1 -> $rows2)" "[ \"$rows1\" = \"$rows2\" ]"
check "second run recorded as its own run" "[ \"\$(q \"select count(*) from runs where kind='sweep' and status='ok'\")\" = 2 ]"
[ "$fail" = 0 ]
