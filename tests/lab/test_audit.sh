#!/bin/bash
# Lab end to end for `ipdrift audit` (TAP). Runs the whole pipeline on the demo
# lab under a prefix of its own (scripts/demo.sh: import, sweep, listen +
# trigger, resolve, audit) and asserts EXACTLY the planted findings: each line
# of scripts/lab/expected-findings.txt is found, and every other finding is one
# of the cascades scripts/lab/README.md lists as "may also raise" (no others).
# Then the lifecycle: a second audit sees everything as ongoing (stable
# fingerprints, --fail-on counts new only), one planted cause is fixed in the
# lab (the missing PTR of 192.0.2.21 added with a TSIG-signed nsupdate), resolve
# + audit run again and that finding is resolved while the others stay ongoing;
# a suppression is stored and counted, not dropped. Needs root.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
export IPD_LAB=${IPD_LAB:-at$$}
export IPD_LAB=${IPD_LAB:0:8}
OUT=$(mktemp -d /tmp/ipdrift-labaudit.XXXXXX)
cleanup() { scripts/lab.sh down >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] || rm -rf "$OUT"; }
trap cleanup EXIT
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
BIN=$ROOT/ipdrift
[ -x "$BIN" ] || make -s all >/dev/null
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

OWN="--own-prefix 192.0.2.0/24 --own-prefix 2001:db8::/32 --own-prefix 198.18.0.0/15"
DEMO_OUT=$OUT scripts/demo.sh >"$OUT/demo.log" 2>&1
DB=$OUT/ipdrift.db
eval "$(scripts/lab.sh env)"
check "pipeline ran: import, sweep, listen, resolve, audit all ok" \
	"! grep -q '^FAILED' '$OUT/steps.txt' && ! grep -q '^skipped' '$OUT/steps.txt' && grep -q '^ok *audit' '$OUT/steps.txt'"
[ -s "$DB" ] || { echo "1..$n"; exit 1; }

# current (unresolved) findings of the newest audit: "rule|subject state suppressed"
findings() {
	sqlite3 "$DB" "SELECT fingerprint || ' ' || state || ' ' || suppressed FROM findings
		WHERE run_id = (SELECT max(id) FROM runs WHERE kind = 'audit' AND status = 'ok')"
}

# 1. every planted cause, every must-not (scripts/lab/check-findings.sh)
while read -r line; do
	case $line in
	"ok "*) ok "planted: ${line#ok * - }" ;;
	"not ok "*) nok "planted: ${line#not ok * - }" ;;
	esac
done < <(scripts/lab/check-findings.sh "$DB" "$BIN")

# 2. no others: allowed = every subject of expected-findings.txt lines, plus the
# README's "may also raise" cascades
allowed=$OUT/allowed
{
	grep -v '^[#!]' scripts/lab/expected-findings.txt | awk 'NF { for (i = 2; i <= NF; i++) print $1 "|" $i }'
	sed -n '/^## Planted causes/,/^Must not/p' scripts/lab/README.md | grep '^| [a-z]' |
		awk -F'|' '{ print $(NF-1) }' | tr ',' '\n' |
		awk 'NF == 2 { print $1 "|" $2 }'
} | sort -u >"$allowed"
extra=$(findings | awk '$2 != "resolved" { print $1 }' | sort | comm -23 - "$allowed")
check "no finding beyond the planted causes and the README's cascades${extra:+ (extra: $(echo $extra))}" \
	'[ -z "$extra" ]'
total=$(findings | grep -vc ' resolved ')
check "first audit: $total findings, all new" "[ \$(findings | grep -c ' new ') -eq $total ] && [ $total -ge 19 ]"

# 3. lifecycle and exit status
"$BIN" --db "$DB" audit --fail-on critical $OWN >"$OUT/a2.out" 2>&1
rc=$?
check "second audit: same findings, all ongoing; --fail-on critical exits 0 (nothing new)" \
	"[ $rc -eq 0 ] && [ \$(findings | grep -c ' ongoing ') -eq $total ] && [ \$(findings | grep -vc ' ongoing ') -eq 0 ]"
"$BIN" --db "$DB" audit --fail-on-any critical $OWN >"$OUT/a3.out" 2>&1
check "--fail-on-any critical exits 1 (rogue-dhcp-server, rogue-router are ongoing)" "[ $? -eq 1 ]"
"$BIN" --db "$DB" suppress random-mac 3a:5c:0f:00:01:30 --reason "staff phone, private MAC" \
	--until 2099-12-31 >/dev/null 2>&1
check "suppress accepts the finding's rule and subject" "[ $? -eq 0 ]"

# fix one planted cause in the lab: add the missing PTR of 192.0.2.21
cat >"$OUT/fix.nsupdate" <<NSU
server $LAB_DNS
zone 2.0.192.in-addr.arpa.
update add 21.2.0.192.in-addr.arpa. 300 PTR files.example.test.
send
NSU
ip netns exec "$LAB_SCAN_NS" nsupdate -k "$LAB_TSIG_KEY" "$OUT/fix.nsupdate" >"$OUT/nsupdate.log" 2>&1
check "nsupdate (TSIG) adds PTR 21.2.0.192.in-addr.arpa in the lab's BIND" "[ $? -eq 0 ]"
ip netns exec "$LAB_SCAN_NS" "$BIN" --db "$DB" resolve --server "$LAB_DNS" --verify-zones \
	>"$OUT/resolve2.log" 2>&1
check "resolve again" "[ $? -eq 0 ]"
"$BIN" --db "$DB" audit $OWN >"$OUT/a4.out" 2>&1
check "audit after the fix" "[ $? -eq 0 ]"
check "missing-ptr 192.0.2.21 is resolved" "findings | grep -qx 'missing-ptr|192.0.2.21 resolved 0'"
check "the other planted findings stay ongoing (rogue-host, ip-conflict, stale-dns)" \
	"findings | grep -qx 'rogue-host|192.0.2.77 ongoing 0' && findings | grep -qx 'ip-conflict|192.0.2.30 ongoing 0' && findings | grep -qx 'stale-dns|192.0.2.99 ongoing 0'"
check "no new finding appeared" "! findings | grep -q ' new '"
check "the suppressed finding is stored (suppressed=1) and counted, not dropped" \
	"findings | grep -qx 'random-mac|3a:5c:0f:00:01:30 ongoing 1' && grep -q 'suppressed 1' '$OUT/a4.out'"
check "summary prints the resolved count" "grep -q 'resolved 1' '$OUT/a4.out'"
echo "1..$n"
[ "$failed" -eq 0 ]
