#!/bin/bash
# Bulk reverse DNS benchmark. One authoritative BIND 9 (named, one process,
# NAMED_THREADS worker threads, default 1) serves 18.198.in-addr.arpa with
# NPTR PTRs, on 127.0.0.1:53 inside a network namespace this script creates.
# In that same run:
#   dnsperf          PTR queries over the /16 -> the server's capacity
#   ipdrift resolve  --ptr 198.18.0.0/16 (all 65,536 addresses), stored
#   nmap -sL -R      --dns-servers 127.0.0.1 over the same /16
# and prints lookups/s, answers found / PTRs present and the ratios.
# Target: every PTR found, at >= 50% of dnsperf's capacity.
# Why BIND and not nsd: BIND 9.18 is already a dependency (tests, fix
# scripts), so the benchmark adds no package; one named process with a fixed
# thread count is "one server" for all three clients alike.
# Why port 53: nmap's --dns-servers takes no port; the namespace is ours.
set -u
cd "$(dirname "$0")/.."
BIN=${IPDRIFT:-$PWD/ipdrift}
NPTR=${NPTR:-4096}
THREADS=${NAMED_THREADS:-1}
CONCS=${CONCS:-"25 50 100 200 500 2000 65535"}
NS=rs-bench-$$
TMP=$(mktemp -d /tmp/rs-bench.XXXXXX)
NAMED_PID=

cleanup() {
	[ -n "$NAMED_PID" ] && kill "$NAMED_PID" 2>/dev/null && wait "$NAMED_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench_resolve: needs root (network namespace)" >&2; exit 1; }
for t in named dnsperf nmap sqlite3; do
	command -v $t >/dev/null || { echo "bench_resolve: $t missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench_resolve: build ipdrift first" >&2; exit 1; }

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up

# Zone: NPTR PTRs spread evenly over the /16 (every 65536/NPTR-th address).
step=$((65536 / NPTR))
{
	echo '$TTL 3600'
	echo '@ IN SOA ns1.bench.test. hostmaster.bench.test. ( 1 3600 900 604800 300 )'
	echo '  IN NS ns1.bench.test.'
	for ((i = 0; i < 65536; i += step)); do
		echo "$((i & 255)).$((i >> 8)) IN PTR host-$((i >> 8))-$((i & 255)).bench.test."
	done
} >"$TMP/db.rev"
present=$(grep -c ' PTR ' "$TMP/db.rev")
cat >"$TMP/named.conf" <<CONF
options {
    directory "$TMP";
    pid-file "$TMP/named.pid";
    session-keyfile none;
    listen-on port 53 { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    notify no;
    dnssec-validation no;
    minimal-responses yes;
};
controls { };
logging { category default { null; }; category lame-servers { null; }; };
zone "18.198.in-addr.arpa" { type primary; file "db.rev"; };
CONF
ip netns exec "$NS" named -g -n "$THREADS" -c "$TMP/named.conf" -u root >"$TMP/named.log" 2>&1 &
NAMED_PID=$!
for _ in $(seq 1 50); do
	ip netns exec "$NS" dig +short +time=1 +tries=1 @127.0.0.1 -x 198.18.0.0 2>/dev/null | grep -q bench && break
	sleep 0.2
done
ip netns exec "$NS" dig +short @127.0.0.1 -x 198.18.0.0 | grep -q bench ||
	{ echo "bench_resolve: named did not start" >&2; cat "$TMP/named.log" >&2; exit 1; }

echo "== bench_resolve: one named (BIND $(named -v | awk '{print $2}'), $THREADS thread(s)) in netns $NS; zone 18.198.in-addr.arpa: $present PTRs in a /16; $(nproc) CPUs"

# The machine is shared, so load varies: capacity and ipdrift at its default
# window are measured interleaved, REPS times each, and medians compared.
for ((i = 0; i < 65536; i++)); do echo "$((i & 255)).$((i >> 8)).18.198.in-addr.arpa PTR"; done >"$TMP/q.txt"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }
# run_ipdrift CONC DB -> prints "rate seconds found timeouts retries"
run_ipdrift() {
	local c=$1 db=$2 t0 t1 nq tmo retr found
	rm -f "$db"*
	t0=$(now)
	IPDRIFT_DB=$db ip netns exec "$NS" "$BIN" -q resolve --server 127.0.0.1:53 --ptr 198.18.0.0/16 \
		${c:+--concurrency $c}
	t1=$(now)
	found=$(sqlite3 "$db" "SELECT count(DISTINCT ip) FROM dns_answers WHERE qtype='PTR' AND status='ok'")
	read -r tmo retr nq <<<"$(sqlite3 "$db" "SELECT json_extract(stats,'\$.status.timeout')||' '||json_extract(stats,'\$.retries')||' '||json_extract(stats,'\$.queries') FROM runs ORDER BY id DESC LIMIT 1")"
	echo "$(echo "$nq / ($t1 - $t0)" | bc -l) $(echo "$t1 - $t0" | bc -l) $found $tmo $retr"
}
REPS=${REPS:-3}
: >"$TMP/cap" ; : >"$TMP/ipd"
allfound=1
for ((rep = 1; rep <= REPS; rep++)); do
	ip netns exec "$NS" dnsperf -s 127.0.0.1 -p 53 -d "$TMP/q.txt" -l 5 -q "${DNSPERF_Q:-100}" -c 1 >"$TMP/dnsperf.out" 2>&1
	r=$(awk '/Queries per second:/ {print $4}' "$TMP/dnsperf.out")
	lost=$(awk '/Queries lost:/ {print $3}' "$TMP/dnsperf.out")
	echo "$r" >>"$TMP/cap"
	printf '  rep %d: %-26s %10.0f lookups/s (lost %s)\n' "$rep" "dnsperf -q ${DNSPERF_Q:-100} -l 5" "$r" "$lost"
	read -r rate secs found tmo retr <<<"$(run_ipdrift "" "$TMP/d.db")"
	echo "$rate" >>"$TMP/ipd"
	[ "$found" -eq "$present" ] || allfound=0
	printf '  rep %d: %-26s %10.0f lookups/s  %6.3f s  found %d/%d  timeouts %s retries %s\n' \
		"$rep" "ipdrift resolve (default)" "$rate" "$secs" "$found" "$present" "$tmo" "$retr"
done
cap=$(median <"$TMP/cap")
ipd=$(median <"$TMP/ipd")
printf '%-34s %10.0f lookups/s (median of %d)\n' "dnsperf (server capacity)" "$cap" "$REPS"
printf '%-34s %10.0f lookups/s (median of %d) = %.0f%% of capacity; every PTR found: %s\n' \
	"ipdrift resolve --ptr /16" "$ipd" "$REPS" "$(echo "100 * $ipd / $cap" | bc -l)" \
	"$([ $allfound = 1 ] && echo yes || echo NO)"

# The in-flight window: too small waits on round trips, too large overruns
# the server's UDP receive buffer (lost replies cost a retry timeout each).
# --concurrency is the ceiling of ipdrift's adaptive window (slow start to
# 128, then +1/window per reply, halved on a timeout; retries queue behind
# new queries), so even 65535 must stay complete.
echo "-- window sweep (one run each)"
for c in $CONCS; do
	read -r rate secs found tmo retr <<<"$(run_ipdrift "$c" "$TMP/w.db")"
	printf '%-34s %10.0f lookups/s  %6.3f s  found %d/%d  timeouts %s retries %s\n' \
		"ipdrift --concurrency $c" "$rate" "$secs" "$found" "$present" "$tmo" "$retr"
done

# 3. nmap -sL -R over the same /16 (inside the netns, the only resolver is ours)
t0=$(now)
ip netns exec "$NS" timeout 600 nmap -sL -R --dns-servers 127.0.0.1 -oG "$TMP/nmap.gnmap" 198.18.0.0/16 >/dev/null 2>"$TMP/nmap.err"
t1=$(now)
nfound=$(grep -c 'Host: .* (host-' "$TMP/nmap.gnmap")
nrate=$(echo "65536 / ($t1 - $t0)" | bc -l)
printf '%-34s %10.0f lookups/s  %5.3f s  found %d/%d  (%.0f%% of dnsperf)\n' "nmap -sL -R --dns-servers" "$nrate" \
	"$(echo "$t1 - $t0" | bc -l)" "$nfound" "$present" "$(echo "100 * $nrate / $cap" | bc -l)"

echo "== summary"
printf 'ipdrift %.0f/s = %.0f%% of dnsperf %.0f/s (target >= 50%%: %s), every PTR found: %s; nmap %.0f/s = %.0f%% of dnsperf; ipdrift/nmap %.1fx\n' \
	"$ipd" "$(echo "100 * $ipd / $cap" | bc -l)" "$cap" \
	"$([ "$(echo "$ipd * 2 >= $cap" | bc)" = 1 ] && echo met || echo MISSED)" \
	"$([ $allfound = 1 ] && echo yes || echo NO)" "$nrate" "$(echo "100 * $nrate / $cap" | bc -l)" \
	"$(echo "$ipd / $nrate" | bc -l)"
