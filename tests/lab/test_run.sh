#!/bin/bash
# Lab test of `ipdrift run` (TAP): a scheduled run from a configuration file
# inside network namespaces of its own (prefix "rn<pid>"), the run lock, and a run
# killed with SIGKILL mid-sweep.
#
# Network safety: everything that sends packets runs in namespaces this script
# creates (rnN-sw holds the bridge, rnN-scan the scanner, rnN-h* the hosts), with
# documentation addresses only (192.0.2.0/24, 2001:db8::/32). The DNS server in
# the config is on the scanner namespace's loopback (nothing listens: lookups
# fail fast, which is fine for this test). cleanup removes exactly what was
# created.
#
# Stages still stubbed on main (exit 69) are reported "not-implemented" by the
# run; the assertions follow what each stage reported, so the test grows with
# the pipeline: a stage that reports ok must have produced its output.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
BIN=${IPDRIFT:-$top/ipdrift}
# Unique per invocation: the same test may run concurrently (other worktrees,
# make test); names stay within IFNAMSIZ (rn99999-scan = 12).
P=rn$(($$ % 100000))
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
finish() { echo "1..$n"; [ $failed -eq 0 ]; }

if [ "$(id -u)" -ne 0 ]; then skip "needs root (network namespaces)"; finish; exit; fi
if [ ! -x "$BIN" ]; then nok "no binary $BIN (make first)"; finish; exit; fi

NSS="$P-sw $P-scan $P-h1 $P-h2"
TMP=$(mktemp -d /tmp/ipdrift-rn-XXXXXX)
BGPIDS=()
cleanup() {
	for pid in "${BGPIDS[@]}"; do pkill -9 -P "$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null; done
	for ns in $NSS; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

for ns in $NSS; do
	if [ -e "/run/netns/$ns" ]; then
		NSS=""  # not ours: leave it alone
		nok "namespace $ns exists already"; finish; exit
	fi
done

# --- the lab: bridge rn-br0 in rn-sw; scanner and two hosts on it ---
setup() {
	set -e
	for ns in $NSS; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
	ip -n $P-sw link add $P-br0 type bridge
	ip -n $P-sw link set $P-br0 up
	# name  mac                 v4            v6
	while read -r h mac v4 v6; do
		ip -n $P-sw link add "$P-$h" type veth peer name eth0 netns "$P-$h"
		ip -n $P-sw link set "$P-$h" master $P-br0 up
		ip -n "$P-$h" link set eth0 address "$mac"
		ip -n "$P-$h" addr add "$v4/24" dev eth0
		ip -n "$P-$h" -6 addr add "$v6/64" dev eth0 nodad
		ip -n "$P-$h" link set eth0 up
	done <<-EOF
	scan 00:00:5e:00:53:02 192.0.2.2  2001:db8:0:1::2
	h1   00:00:5e:00:53:0a 192.0.2.10 2001:db8:0:1::10
	h2   00:00:5e:00:53:4d 192.0.2.77 2001:db8:0:1::77
	EOF
	set +e
}
if ( setup ) 2>"$TMP/setup.err"; then
	ok "lab namespaces up ($NSS)"
else
	nok "lab setup"; sed 's/^/# /' "$TMP/setup.err"; finish; exit
fi
# reachability inside the lab (the kernel answers ARP), bounded
if ip netns exec $P-scan ping -c1 -W2 192.0.2.10 >/dev/null 2>&1; then
	ok "scanner reaches 192.0.2.10 inside the lab"
else
	nok "scanner cannot reach 192.0.2.10"
fi

# --- a DNS server for the lab: dnsmasq on the scanner namespace's loopback,
# authoritative for the lab names (unknown names: NXDOMAIN, never upstream) ---
DNSPID=""
if command -v dnsmasq >/dev/null; then
	ip netns exec $P-scan dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
		--listen-address=127.0.0.1 --bind-interfaces --port=53535 \
		--pid-file="$TMP/dnsmasq.pid" --user=root \
		--local=/example.test/ --local=/2.0.192.in-addr.arpa/ \
		--host-record=scan.example.test,192.0.2.2 \
		--host-record=h1.example.test,192.0.2.10 \
		>"$TMP/dnsmasq.log" 2>&1 &
	DNSPID=$!
	BGPIDS+=($DNSPID)
	sleep 0.3
	if kill -0 $DNSPID 2>/dev/null; then ok "dnsmasq answers for the lab on 127.0.0.1:53535 in $P-scan"
	else nok "dnsmasq did not start"; sed 's/^/# /' "$TMP/dnsmasq.log"; DNSPID=""; fi
else
	skip "dnsmasq not installed: resolve will find no server"
fi

# --- inventory and configuration ---
mkdir -p "$TMP/etc" "$TMP/out"
chmod 0755 "$TMP" "$TMP/out"
cat >"$TMP/etc/ip-addresses.csv" <<'EOF'
address,status,dns_name,description
192.0.2.2/24,active,scan.example.test,scanner
192.0.2.10/24,active,h1.example.test,web server
192.0.2.12/24,active,gone.example.test,allocated but absent
EOF
cat >"$TMP/etc/prefixes.csv" <<'EOF'
prefix,status,description
192.0.2.0/24,active,lab LAN
2001:db8:0:1::/64,active,lab LAN v6
EOF
cat >"$TMP/etc/suppressions" <<'EOF'
EOF
write_conf() { # write_conf FILE WINDOW RATE
	cat >"$1" <<EOF
database = $TMP/ipdrift.db
user = nobody

[segment lan]
interface = eth0
targets = 192.0.2.0/24
rate = $3
retries = 0
timeout = 300

[listen]
window = $2

[dns]
enabled = $([ -n "$DNSPID" ] && echo yes || echo no)
servers = 127.0.0.1:53535
timeout = 300
tries = 1

[import]
subnets = prefixes.csv netbox-prefix source=netbox-prefixes
allocations = ip-addresses.csv netbox source=netbox

[audit]
fail_on = info
suppressions = suppressions

[report]
html = $TMP/out/audit.html
json = $TMP/out/audit.json
csv = $TMP/out/audit.csv

[fix]
nsupdate = $TMP/out/dns-fixes.nsupdate
server = 192.0.2.53
ipam_csv = $TMP/out/ipam-fixes.csv
ipam_format = netbox
EOF
}
write_conf "$TMP/etc/ipdrift.conf" 2 2000
if "$BIN" --config "$TMP/etc/ipdrift.conf" --check-config >"$TMP/check.out" 2>&1; then
	ok "lab configuration passes --check-config"
else
	nok "lab configuration"; sed 's/^/# /' "$TMP/check.out"
fi

ipd() { ip netns exec $P-scan "$BIN" "$@"; }
# stage_status STAGE [WHAT-SUBSTRING]: from the summary of the last run
stage_status() {
	awk -v s="$1" -v w="${2:-}" '$1 == s && index($0, w) { print $2; exit }' "$TMP/run.out"
}

# --- 1. a scheduled run from the config file ---
t0=$(date +%s)
timeout 300 ip netns exec $P-scan "$BIN" --config "$TMP/etc/ipdrift.conf" run \
	>"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
echo "# run exit $rc in $(( $(date +%s) - t0 ))s; summary:"; sed 's/^/#   /' "$TMP/run.out"
head -c 3000 "$TMP/run.err" | sed 's/^/# stderr: /'
audit=$(stage_status audit)
case $audit in
findings) want=1 ;;
*) want=0 ;;
esac
if grep -q '^ipdrift run [0-9]*: ok,' "$TMP/run.out" && [ $rc -eq $want ]; then
	ok "run completes: exit $rc (audit: ${audit:-none}; fail_on = info)"
elif grep -q '^ipdrift run [0-9]*: failed,' "$TMP/run.out"; then
	nok "run failed (exit $rc): $(grep -E 'failed' "$TMP/run.out" | tr '\n' ';')"
else
	nok "run: exit $rc, expected $want"
fi
# the parent run row and its children
db=$TMP/ipdrift.db
if [ -f "$db" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE kind='run' AND status='ok'")" = 1 ]; then
	ok "one parent run of kind 'run' recorded, status ok"
else
	nok "parent run row"; sqlite3 "$db" "SELECT * FROM runs" 2>&1 | sed 's/^/# /'
fi
orphans=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE kind IN ('sweep','listen','resolve','audit','import','report','fix') AND parent_id IS NULL" 2>/dev/null)
if [ "${orphans:-0}" = 0 ]; then
	ok "every stage run row is a child of the parent run ($(sqlite3 "$db" "SELECT group_concat(kind) FROM runs WHERE parent_id IS NOT NULL"))"
else
	nok "$orphans stage run rows without parent_id (stages should use app->parent_run)"
fi
# outputs: every stage that reported ok must have written its file
check_output() { # STAGE WHAT FILE
	local st
	st=$(stage_status "$1" "$2")
	case $st in
	ok|findings)
		if [ -s "$3" ]; then ok "$1 $2: $(basename "$3") written ($(wc -c <"$3") bytes)"
		else nok "$1 $2 reported $st but $3 is missing or empty"; fi ;;
	not-implemented) skip "$1 $2 not implemented on main yet" ;;
	no-audit) skip "$1 $2: no audit in this run (audit not implemented on main yet)" ;;
	"") nok "$1 $2 not in the summary" ;;
	*) nok "$1 $2: $st" ;;
	esac
}
check_output report "html " "$TMP/out/audit.html"
check_output report "json " "$TMP/out/audit.json"
check_output report "csv " "$TMP/out/audit.csv"
check_output fix nsupdate "$TMP/out/dns-fixes.nsupdate"
check_output fix ipam-csv "$TMP/out/ipam-fixes.csv"
st=$(stage_status sweep)
case $st in
ok)
	seen=$(sqlite3 "$db" "SELECT group_concat(ip_text) FROM (SELECT DISTINCT ip_text FROM observations WHERE method='arp-active' ORDER BY ip_text)")
	case ",$seen," in
	*,192.0.2.10,*192.0.2.77,*) ok "sweep found the lab hosts ($seen)" ;;
	*) nok "sweep observations: '$seen'" ;;
	esac ;;
not-implemented) skip "sweep not implemented on main yet" ;;
*) nok "sweep: ${st:-missing}" ;;
esac
st=$(stage_status import)
case $st in
ok)
	a=$(sqlite3 "$db" "SELECT count(*) FROM allocations")
	b=$(sqlite3 "$db" "SELECT count(*) FROM subnets")
	[ "$a" = 3 ] && [ "$b" = 2 ] && ok "import: 2 subnets, 3 allocations" || nok "import: $b subnets, $a allocations" ;;
not-implemented) skip "import not implemented on main yet" ;;
*) nok "import: ${st:-missing}" ;;
esac
st=$(stage_status resolve)
case $st in
ok)
	a=$(sqlite3 "$db" "SELECT group_concat(DISTINCT status) FROM dns_answers WHERE qtype='PTR' AND ip_text='192.0.2.10'")
	b=$(sqlite3 "$db" "SELECT group_concat(DISTINCT status) FROM dns_answers WHERE qtype='PTR' AND ip_text='192.0.2.77'")
	[ "$a" = ok ] && [ "$b" = nxdomain ] && ok "resolve: PTR 192.0.2.10 ok, 192.0.2.77 nxdomain" ||
		nok "resolve answers: .10 '$a', .77 '$b'" ;;
not-implemented) skip "resolve not implemented on main yet" ;;
"") skip "resolve disabled (no dnsmasq)" ;;
*) nok "resolve: $st" ;;
esac
if [ "$(stage_status audit)" = findings ]; then
	f=$(sqlite3 "$db" "SELECT group_concat(rule || ' ' || subject, '; ') FROM findings WHERE subject = '192.0.2.77'")
	case $f in
	*rogue-host*) ok "audit: rogue-host 192.0.2.77 found" ;;
	*) nok "audit findings for 192.0.2.77: '$f'" ;;
	esac
fi

# --- 2. a second concurrent run is refused with 75 ---
listen_rc=$(ipd listen -i eth0 --duration 1 >/dev/null 2>&1; echo $?)
if [ "$listen_rc" = 69 ]; then
	# listen is a stub: a run lasts milliseconds, so hold the run lock the way a
	# run does (flock on DATABASE.lock) from a background process.
	flock -o "$db.lock" sleep 30 &   # -o: only flock(1) holds the lock
	BGPIDS+=($!)
	holder="flock(1) holding $db.lock"
	for _ in $(seq 50); do
		flock -n "$db.lock" true 2>/dev/null || break
		sleep 0.1
	done
else
	write_conf "$TMP/etc/long.conf" 8 50
	ip netns exec $P-scan "$BIN" --config "$TMP/etc/long.conf" run >"$TMP/first.out" 2>&1 &
	BGPIDS+=($!)
	holder="a first run (listen window 8s)"
	for _ in $(seq 50); do
		[ -s "$db.lock" ] && break
		sleep 0.1
	done
fi
ipd --config "$TMP/etc/ipdrift.conf" run >"$TMP/second.out" 2>"$TMP/second.err"
rc=$?
if [ $rc -eq 75 ] && grep -q 'another ipdrift run is in progress' "$TMP/second.err" && [ ! -s "$TMP/second.out" ]; then
	ok "second concurrent run refused with 75 while $holder"
else
	nok "second run: exit $rc"; sed 's/^/# /' "$TMP/second.err" "$TMP/second.out"
fi
# --wait queues instead (bounded by timeout)
timeout 60 ip netns exec $P-scan "$BIN" --config "$TMP/etc/ipdrift.conf" run --wait --skip sweep,listen \
	>"$TMP/wait.out" 2>&1 &
waiter=$!
BGPIDS+=($waiter)
sleep 1
if kill -0 $waiter 2>/dev/null; then ok "run --wait blocks while the lock is held"
else nok "run --wait did not wait"; sed 's/^/# /' "$TMP/wait.out"; fi
for pid in "${BGPIDS[@]}"; do
	[ "$pid" = "$waiter" ] && continue
	[ "$pid" = "$DNSPID" ] && continue
	pkill -P "$pid" 2>/dev/null   # its children, by parent pid
	kill "$pid" 2>/dev/null
done
wait "$waiter"
rc=$?
BGPIDS=($DNSPID)
if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok "run --wait ran once the lock was free (exit $rc)"
else nok "run --wait: exit $rc"; sed 's/^/# /' "$TMP/wait.out"; fi


# --- 3. SIGKILL mid-sweep: store intact, next run works ---
write_conf "$TMP/etc/slow.conf" 6 20  # 256 targets at 20/s: ~13s of sweeping
ip netns exec $P-scan "$BIN" --config "$TMP/etc/slow.conf" run >"$TMP/killed.out" 2>&1 &
victim=$!
BGPIDS+=($victim)
# wait until a sweep (or, with a stubbed sweep, any stage) is under way
what="run"
for _ in $(seq 100); do
	if [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE kind='sweep' AND status='running'" 2>/dev/null)" -gt 0 ] 2>/dev/null; then
		what="sweep"; break
	fi
	kill -0 $victim 2>/dev/null || break
	sleep 0.1
done
sleep 0.5
kill -9 $victim 2>/dev/null
wait $victim 2>/dev/null
# the stage children die with their parent (PR_SET_PDEATHSIG): bounded wait
left=""
for _ in $(seq 50); do
	left=$(pgrep -f -- "$TMP/etc/slow.conf" || true)
	[ -z "$left" ] && break
	sleep 0.1
done
if [ -z "$left" ]; then ok "no stage process outlives the killed run"
else nok "processes left after SIGKILL: $left"; kill -9 $left 2>/dev/null; fi
ic=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)
if [ "$ic" = ok ]; then ok "after SIGKILL mid-$what: PRAGMA integrity_check = ok"
else nok "integrity_check after SIGKILL: $ic"; fi
timeout 300 ip netns exec $P-scan "$BIN" --config "$TMP/etc/ipdrift.conf" run >"$TMP/next.out" 2>"$TMP/next.err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok "next run after the kill works (exit $rc)"
else nok "next run: exit $rc"; sed 's/^/# /' "$TMP/next.out" "$TMP/next.err"; fi
# the killed run's rows were marked interrupted by the next run, if it got as
# far as recording one
running=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='running'")
if [ "$running" = 0 ]; then ok "no run row left 'running' (killed run marked interrupted)"
else nok "$running run rows still 'running'"; fi
ic=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)
[ "$ic" = ok ] && ok "integrity_check after the next run" || nok "integrity_check: $ic"

# --- 4. SIGTERM (systemctl stop): stages stop cleanly, run 'interrupted', 75 ---
ip netns exec $P-scan "$BIN" --config "$TMP/etc/slow.conf" run >"$TMP/term.out" 2>"$TMP/term.err" &
victim=$!
BGPIDS+=($victim)
for _ in $(seq 100); do
	[ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE kind='sweep' AND status='running'" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
	sleep 0.1
done
kill -TERM $victim
wait $victim
rc=$?
last=$(sqlite3 "$db" "SELECT status FROM runs WHERE kind='run' ORDER BY id DESC LIMIT 1")
if [ $rc -eq 75 ] && [ "$last" = interrupted ] && grep -q ': interrupted, exit 75' "$TMP/term.out"; then
	ok "SIGTERM mid-sweep: exit 75, run recorded interrupted, summary printed"
else
	nok "SIGTERM: exit $rc, run status '$last'"; sed 's/^/# /' "$TMP/term.out" "$TMP/term.err" | head -20
fi

# --- 4b. stage_timeout: a sweep that outlasts it is stopped, the run goes on ---
{ echo "stage_timeout = 2"; cat "$TMP/etc/slow.conf"; } >"$TMP/etc/timeout.conf"
t0=$(date +%s)
ip netns exec $P-scan "$BIN" --config "$TMP/etc/timeout.conf" run --skip listen >"$TMP/to.out" 2>"$TMP/to.err"
rc=$?
took=$(( $(date +%s) - t0 ))
sw=$(awk '$1 == "sweep" {print $2; exit}' "$TMP/to.out")
au=$(awk '$1 == "audit" {print $2; exit}' "$TMP/to.out")
if [ "$sw" = timeout ] && [ $rc -ne 0 ] && [ $took -lt 12 ] && [ -n "$au" ] && grep -q 'timeout' "$TMP/to.err"; then
	ok "stage_timeout = 2: the 13 s sweep stopped after 2 s (exit $rc), later stages ran (audit $au)"
else
	nok "stage_timeout: sweep '$sw', exit $rc, ${took}s"; sed 's/^/# /' "$TMP/to.out" "$TMP/to.err" | head -40
fi

# --- 5. as the systemd unit runs it: an unprivileged user whose only
# capability is an ambient CAP_NET_RAW (setpriv stands in for systemd) ---
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	mkdir -p "$TMP/state"
	chown nobody "$TMP/state"
	sed -e "s|^database = .*|database = $TMP/state/ipdrift.db|" -e "s|^user = .*||" \
	    -e "s|$TMP/out/|$TMP/state/out/|" "$TMP/etc/ipdrift.conf" >"$TMP/etc/unit.conf"
	chmod 0755 "$TMP/etc"; chmod 0644 "$TMP/etc/"*
	ip netns exec $P-scan setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw \
		--no-new-privs "$BIN" --config "$TMP/etc/unit.conf" run --quiet \
		>"$TMP/unit.out" 2>"$TMP/unit.err"
	rc=$?
	sw=$(awk '$1 == "sweep" {print $2; exit}' "$TMP/unit.out")
	owner=$(stat -c %U "$TMP/state/ipdrift.db" 2>/dev/null)
	if { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && [ "$sw" = ok ] && [ "$owner" = nobody ]; then
		ok "unprivileged user + ambient CAP_NET_RAW only: run ok (exit $rc), sweep ok"
	else
		nok "unit-like run: exit $rc, sweep '$sw', db owner '$owner'"
		sed 's/^/# /' "$TMP/unit.out" "$TMP/unit.err" | head -30
	fi
	if [ -s "$TMP/state/out/audit.html" ] || [ "$(awk '$1 == "report" {print $2; exit}' "$TMP/unit.out")" != ok ]; then
		ok "unit-like run wrote its report under the state directory"
	else
		nok "unit-like run: no report"
	fi
else
	skip "setpriv or user nobody missing"
fi

# --- 6. prune on the lab store ---
if ipd --config "$TMP/etc/ipdrift.conf" prune --older-than 0 --dry-run >"$TMP/prune.out" 2>&1 &&
   grep -q '^would delete' "$TMP/prune.out"; then
	ok "prune --dry-run on the lab store"
else
	nok "prune"; sed 's/^/# /' "$TMP/prune.out"
fi

finish
