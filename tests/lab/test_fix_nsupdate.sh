#!/bin/bash
# nsupdate fix scripts end to end against BIND 9 in a network namespace this
# script creates (rp-dns-PID, loopback only; named on 127.0.0.1:10053).
#  1. store: tests/report/gen_fixture.py (live times, no answers, no findings),
#     then the real `ipdrift resolve` (inside the netns, against this BIND) and
#     `ipdrift audit` -> DNS findings with fixes; `ipdrift fix --nsupdate`.
#     Before the audit, nsupdate plants second PTR names: 192.0.2.10 gets a
#     stray one next to the right one (web, the IPAM name), 192.0.2.11 a
#     second wrong one (neither is the IPAM name app); and host1 (IPAM:
#     192.0.2.20, no A) an A for 192.0.2.21, so its add joins an existing set
#  2. `nsupdate -k KEY script` -> rc 0; dig shows every addressed record fixed;
#     a hostile allocation hostname (nsupdate injection) changed nothing; a
#     stale addresses in a round-robin A set go, guarded by the whole set; of
#     a PTR set only the wrong names go, guarded by the whole set (the right
#     one stays); resolve + audit again: every finding the script addressed
#     is resolved
#  3. second application: rc 2 (prereqs fail), SOA serial and records unchanged
#  4. fresh zones, records edited after the audit: the stale script refuses
#     (rc 2) to delete or overwrite them, or to touch a PTR set that gained a
#     name; unrelated adds still apply
# TAP output. Needs root (ip netns), named, nsupdate, dig.
set -u
cd "$(dirname "$0")/../.."
BIN=${IPDRIFT:-$PWD/build/ipdrift}
[ -x "$BIN" ] || BIN=$PWD/ipdrift
NS=rp-dns-$$
T=$(mktemp -d /tmp/ipd-fixns-XXXXXX)
NAMED_PID=
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
cleanup() {
	[ -n "$NAMED_PID" ] && kill "$NAMED_PID" 2>/dev/null && wait "$NAMED_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
for tool in named nsupdate dig tsig-keygen sqlite3; do
	command -v $tool >/dev/null || { echo "ok 1 # SKIP $tool missing (scripts/install-deps.sh)"; echo "1..1"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "ok 1 # SKIP needs root"; echo "1..1"; exit 0; }

in_ns() { ip netns exec "$NS" "$@"; }
q() { in_ns dig +short +norecurse -p 10053 @127.0.0.1 "$@" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }
serial() { q "$1" SOA | awk '{print $3}'; }

write_zones() {
	local d=$1
	mkdir -p "$d"
	cp "$T/ipam-audit.key" "$d/"
	cat >"$d/named.conf" <<'CONF'
include "ipam-audit.key";
options {
    directory ".";
    pid-file "named.pid";
    session-keyfile none;
    listen-on port 10053 { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    notify no;
    dnssec-validation no;
    allow-query { 127.0.0.1; };
    allow-transfer { key ipam-audit; };
};
controls { };
zone "example.test" { type primary; file "db.example.test"; update-policy { grant ipam-audit zonesub ANY; }; };
zone "2.0.192.in-addr.arpa" { type primary; file "db.192.0.2"; update-policy { grant ipam-audit zonesub PTR; }; };
zone "1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" { type primary; file "db.2001-db8-0-1"; allow-update { key ipam-audit; }; };
CONF
	cat >"$d/db.example.test" <<'Z'
$ORIGIN example.test.
$TTL 3600
@       IN SOA  ns1 hostmaster ( 2024010101 3600 900 604800 300 )
        IN NS   ns1
ns1     IN A    127.0.0.1
web     IN A    192.0.2.10
        IN A    192.0.2.96
        IN A    192.0.2.97
        IN AAAA 2001:db8:0:1::10
www     IN CNAME web
old     IN A    192.0.2.99
app     IN A    192.0.2.11
Z
	cat >"$d/db.192.0.2" <<'Z'
$ORIGIN 2.0.192.in-addr.arpa.
$TTL 3600
@   IN SOA ns1.example.test. hostmaster.example.test. ( 2024010101 3600 900 604800 300 )
    IN NS  ns1.example.test.
10  IN PTR web.example.test.
11  IN PTR wrong.example.test.
99  IN PTR old.example.test.
Z
	cat >"$d/db.2001-db8-0-1" <<'Z'
$ORIGIN 1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
$TTL 3600
@   IN SOA ns1.example.test. hostmaster.example.test. ( 2024010101 3600 900 604800 300 )
    IN NS  ns1.example.test.
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR web.example.test.
Z
}

start_named() { # dir
	[ -n "$NAMED_PID" ] && kill "$NAMED_PID" 2>/dev/null && wait "$NAMED_PID" 2>/dev/null
	NAMED_PID=
	named-checkconf -z "$1/named.conf" >/dev/null 2>&1 || (cd "$1" && named-checkconf -z named.conf >"$T/checkconf.log" 2>&1)
	(cd "$1" && exec ip netns exec "$NS" named -g -c named.conf >"$1/named.log" 2>&1) &
	NAMED_PID=$!
	# ready when it serves the fresh zones (not a previous instance's state)
	for _ in $(seq 100); do
		[ "$(serial example.test)" = 2024010101 ] && [ "$(q old.example.test A)" = 192.0.2.99 ] && return 0
		sleep 0.1
	done
	return 1
}

ip netns add "$NS" && in_ns ip link set lo up && ok "namespace $NS (lo only)" || { nok "namespace"; exit 1; }
tsig-keygen -a hmac-sha256 ipam-audit >"$T/ipam-audit.key" 2>/dev/null
write_zones "$T/z1"
start_named "$T/z1" && ok "named answers in $NS" || { nok "named answers"; cat "$T/z1/named.log" | tail -5 | sed 's/^/# /'; exit 1; }

# several PTR names per address (RFC 2136 §2.4.2: a guard must list them all)
cat >"$T/plant.ns" <<'PL'
server 127.0.0.1 10053
zone 2.0.192.in-addr.arpa.
update add 10.2.0.192.in-addr.arpa. 3600 PTR stray.example.test.
update add 11.2.0.192.in-addr.arpa. 3600 PTR other.example.test.
send
zone example.test.
update add host1.example.test. 3600 A 192.0.2.21
send
PL
in_ns nsupdate -k "$T/ipam-audit.key" "$T/plant.ns" >"$T/plant.out" 2>&1 \
	&& [ "$(q 10.2.0.192.in-addr.arpa PTR)" = "stray.example.test. web.example.test." ] \
	&& [ "$(q 11.2.0.192.in-addr.arpa PTR)" = "other.example.test. wrong.example.test." ] \
	&& [ "$(q host1.example.test A)" = 192.0.2.21 ] \
	&& ok "planted: 192.0.2.10 right + stray PTR, 192.0.2.11 two wrong PTRs, host1 A elsewhere" \
	|| { nok "second PTR names planted"; sed 's/^/# /' "$T/plant.out"; }

# --- store and audit ---
python3 tests/report/gen_fixture.py --t0 "$(date +%s)" --no-findings --no-answers --no-zones >"$T/live.sql"
DB=$T/ipdrift.db
resolve_audit() { # tag
	in_ns "$BIN" --db "$DB" resolve -q --server 127.0.0.1:10053 --verify-zones --timeout 300 --tries 1 \
		>"$T/resolve$1.out" 2>&1 && "$BIN" --db "$DB" audit >"$T/audit$1.out" 2>&1
}
# zone data: the zone files first, AXFR (with the key) after the fix
import_zones() { # tag [axfr]
	local z src f
	for z in example.test:zone-example:db.example.test 2.0.192.in-addr.arpa:zone-rev4:db.192.0.2 \
		1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa:zone-rev6:db.2001-db8-0-1; do
		IFS=: read -r zn src f <<<"$z"
		if [ "${2:-}" = axfr ]; then
			in_ns dig -k "$T/ipam-audit.key" +nocmd +nostats -p 10053 @127.0.0.1 axfr "$zn" | grep -v TSIG >"$T/axfr.$zn$1"
			f=$T/axfr.$zn$1
		else
			f=$T/z1/$f
		fi
		"$BIN" --db "$DB" import zone "$f" --source "$src" --origin "$zn" --quiet || return 1
	done
}
"$BIN" --db "$DB" init >/dev/null && sqlite3 "$DB" <"$T/live.sql" && import_zones 1 && resolve_audit 1 \
	&& ok "ipdrift resolve (against BIND in $NS) + audit" \
	|| { nok "ipdrift resolve + audit"; tail -3 "$T/resolve1.out" "$T/audit1.out" | sed 's/^/# /'; }
# a hostile hostname with a fix, as a rule could emit it (nsupdate injection)
sqlite3 "$DB" "INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, summary, fix)
 SELECT max(id), 'missing-forward|evil', 'missing-forward', 'low', 'name', 'evil', 'new', 'hostile',
 json_object('dns', json_array(json_object('op','add','zone',NULL,'name',
   'evil.example.test. 300 A 192.0.2.58' || char(10) || 'update delete web.example.test. A' || char(10) || 'update add z',
   'type','A','value','192.0.2.58','old',NULL)), 'ipam', json_array())
 FROM runs WHERE kind='audit'"
"$BIN" --db "$DB" fix --nsupdate --server 127.0.0.1:10053 -o "$T/fix.ns" 2>"$T/fix.err" \
	&& ok "fix script written" || nok "fix script written ($(cat "$T/fix.err"))"
grep -q '^; refused add owner is not a valid host name: evil.example.test. 300 A 192.0.2.58\\x0aupdate' "$T/fix.ns" \
	&& ok "hostile name refused and listed" || nok "hostile name refused and listed"
msgs=$(grep -c '^send$' "$T/fix.ns")
for want in "update add 20.2.0.192.in-addr.arpa. 3600 IN PTR host1.example.test." \
	"update add host1.example.test. 3600 IN A 192.0.2.20" \
	"prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR wrong.example.test." \
	"prereq yxrrset old.example.test. IN A 192.0.2.99" \
	"prereq yxrrset 99.2.0.192.in-addr.arpa. IN PTR old.example.test." \
	"update add 0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 IN PTR host1.example.test." \
	"prereq yxrrset web.example.test. IN A 192.0.2.10" \
	"prereq yxrrset web.example.test. IN A 192.0.2.96" \
	"prereq yxrrset web.example.test. IN A 192.0.2.97" \
	"update delete web.example.test. IN A 192.0.2.96" \
	"update delete web.example.test. IN A 192.0.2.97" \
	"prereq yxrrset 10.2.0.192.in-addr.arpa. IN PTR stray.example.test." \
	"prereq yxrrset 10.2.0.192.in-addr.arpa. IN PTR web.example.test." \
	"update delete 10.2.0.192.in-addr.arpa. IN PTR stray.example.test." \
	"prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR other.example.test." \
	"update delete 11.2.0.192.in-addr.arpa. IN PTR other.example.test." \
	"update delete 11.2.0.192.in-addr.arpa. IN PTR wrong.example.test." \
	"update add 11.2.0.192.in-addr.arpa. 3600 IN PTR app.example.test." \
	"prereq yxrrset host1.example.test. IN A 192.0.2.21" \
	"update delete host1.example.test. IN A 192.0.2.21"; do
	grep -qxF "$want" "$T/fix.ns" && ok "script has: $want" || nok "script has: $want"
done
grep -qE '^update delete (10|11)\.2\.0\.192\.in-addr\.arpa\. IN PTR( web\.example\.test\.)?$' "$T/fix.ns" \
	&& nok "script deletes only the wrong PTR names (not web, not a whole set)" \
	|| ok "script deletes only the wrong PTR names (not web, not a whole set)"
grep -qxF "prereq nxrrset host1.example.test. IN A" "$T/fix.ns" \
	&& nok "the add to host1's existing A set is not guarded by nxrrset (would never apply)" \
	|| ok "the add to host1's existing A set is not guarded by nxrrset (would never apply)"
for fp in 'forward-reverse-mismatch|192.0.2.10' 'name-mismatch|192.0.2.11' 'stale-dns|192.0.2.21'; do
	sed -n 's/^; fixes [^:]*: //p; s/^;   also fixes //p' "$T/fix.ns" | grep -qxF "$fp" \
		&& ok "script fixes $fp" || nok "script fixes $fp"
done
echo "# $msgs messages in the script"
grep -v '^;' "$T/fix.ns" | grep -q 'secret' && nok "no secret in the script" || ok "no secret in the script"

s1=$(serial example.test) r1=$(serial 2.0.192.in-addr.arpa)
in_ns nsupdate -k "$T/ipam-audit.key" "$T/fix.ns" >"$T/apply1.out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "first application: nsupdate rc 0" || { nok "first application: nsupdate rc $rc"; sed 's/^/# /' "$T/apply1.out"; }
chk() { # what expected query...
	local what=$1 want=$2; shift 2
	local got; got=$(q "$@")
	[ "$got" = "$want" ] && ok "$what" || nok "$what: got '$got', want '$want'"
}
chk "missing PTR added" host1.example.test. 20.2.0.192.in-addr.arpa PTR
chk "missing A added, the stale one of that set deleted" 192.0.2.20 host1.example.test A
chk "disagreeing PTR set (two wrong names) corrected to the IPAM name" app.example.test. 11.2.0.192.in-addr.arpa PTR
chk "PTR set: the right name kept, the stray one gone" web.example.test. 10.2.0.192.in-addr.arpa PTR
chk "stale A deleted" "" old.example.test A
chk "stale PTR deleted" "" 99.2.0.192.in-addr.arpa PTR
chk "missing v6 PTR added" host1.example.test. -x 2001:db8:0:1::20
chk "stale records of a round-robin set deleted (one message), the rest kept" 192.0.2.10 web.example.test A
chk "web A untouched (injection not executed)" 192.0.2.10 web.example.test A
chk "no record from the hostile name" "" evil.example.test A
s2=$(serial example.test) r2=$(serial 2.0.192.in-addr.arpa)
[ "$s2" != "$s1" ] && [ "$r2" != "$r1" ] && ok "SOA serials bumped by the changes ($s1->$s2, $r1->$r2)" || nok "SOA serials bumped"

# resolve + audit again: the findings the script addressed are resolved
fps=$(sed -n 's/^; fixes [^:]*: //p; s/^;   also fixes //p' "$T/fix.ns" | sort -u)
nfp=$(echo "$fps" | grep -c .)
[ "$nfp" -ge 5 ] && ok "script names $nfp findings" || nok "script names $nfp findings"
import_zones 2 axfr && resolve_audit 2 && ok "zones re-read by AXFR, resolve + audit after the fix" \
	|| nok "zones re-read by AXFR, resolve + audit after the fix"
run2=$(sqlite3 "$DB" "SELECT max(id) FROM runs WHERE kind='audit'")
while IFS= read -r fp; do
	[ -n "$fp" ] || continue
	st=$(sqlite3 "$DB" "SELECT state FROM findings WHERE run_id=$run2 AND fingerprint='${fp//\'/\'\'}'")
	if [ "$st" = resolved ]; then
		ok "after the fix: $fp resolved"
	else
		nok "after the fix: $fp is '${st:-absent}'"
	fi
done <<<"$fps"
"$BIN" --db "$DB" fix --nsupdate --server 127.0.0.1:10053 --dry-run >"$T/plan2.txt" 2>/dev/null
left=$(grep -cE '^  (add|delete|replace) ' "$T/plan2.txt")
[ "$left" -eq 0 ] && ok "a new fix plan has nothing left to do" \
	|| { nok "new fix plan still has $left changes"; sed 's/^/# /' "$T/plan2.txt"; }

in_ns nsupdate -k "$T/ipam-audit.key" "$T/fix.ns" >"$T/apply2.out" 2>&1; rc=$?
[ $rc -eq 2 ] && ok "second application: rc 2 (prerequisites fail)" || nok "second application: rc $rc"
fails=$(grep -cE 'update failed: (NXRRSET|YXRRSET)' "$T/apply2.out")
[ "$fails" -eq "$msgs" ] && ok "every message refused by its prerequisite ($fails)" || { nok "every message refused ($fails of $msgs)"; sed 's/^/# /' "$T/apply2.out"; }
[ "$(serial example.test)" = "$s2" ] && [ "$(serial 2.0.192.in-addr.arpa)" = "$r2" ] \
	&& ok "SOA serials unchanged by the second application" || nok "SOA serials unchanged"
chk "records unchanged after the second application" app.example.test. 11.2.0.192.in-addr.arpa PTR
chk "PTR set unchanged after the second application" web.example.test. 10.2.0.192.in-addr.arpa PTR

# --- stale script against records edited after the audit ---
write_zones "$T/z2"
start_named "$T/z2" && ok "fresh zones loaded" || nok "fresh zones loaded"
cat >"$T/edit.ns" <<'ED'
server 127.0.0.1 10053
zone example.test.
update delete old.example.test. A
update add old.example.test. 3600 A 192.0.2.98
send
zone 2.0.192.in-addr.arpa.
update delete 11.2.0.192.in-addr.arpa. PTR
update add 11.2.0.192.in-addr.arpa. 3600 PTR other.example.test.
update add 10.2.0.192.in-addr.arpa. 3600 PTR stray.example.test.
update add 10.2.0.192.in-addr.arpa. 3600 PTR extra.example.test.
send
ED
in_ns nsupdate -k "$T/ipam-audit.key" "$T/edit.ns" >"$T/edit.out" 2>&1 && ok "admin edits after the audit applied" || { nok "admin edits applied"; sed "s/^/# /" "$T/edit.out"; }
in_ns nsupdate -k "$T/ipam-audit.key" "$T/fix.ns" >"$T/apply3.out" 2>&1; rc=$?
[ $rc -eq 2 ] && ok "stale script: rc 2" || nok "stale script: rc $rc"
chk "stale script did not delete the changed A" 192.0.2.98 old.example.test A
chk "stale script did not overwrite the changed PTR" other.example.test. 11.2.0.192.in-addr.arpa PTR
chk "stale script did not touch a PTR set that gained a name" \
	"extra.example.test. stray.example.test. web.example.test." 10.2.0.192.in-addr.arpa PTR
chk "stale script still deleted the unchanged PTR" "" 99.2.0.192.in-addr.arpa PTR
chk "stale script still added the missing PTR" host1.example.test. 20.2.0.192.in-addr.arpa PTR

echo "1..$n"
[ "$fail" -eq 0 ]
