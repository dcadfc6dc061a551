#!/bin/bash
# Listen benchmark: `ipdrift listen -r` (decode everything and commit the
# observations and events to a fresh store) against the floor (a bare
# pcap_next_ex counting loop: tests/tools/bench_pcap_floor), tcpdump
# (-n -r F -w /dev/null) and arpwatch (-r F), all on one generated capture:
# FRAMES (default 5,000,000) frames, ~50,000 IPv4 hosts packed in
# 198.18.0.0/15 plus 10,000 IPv6 hosts; ARP (one host in eight tagged, one in
# 64 behind QinQ), ND, DHCP and unrelated TCP/UDP noise
# (tests/tools/gen_bench_pcap.c). The capture is cached in build/bench/.
#
# Wall time is the median of RUNS runs (default 3) for ipdrift, the floor and
# tcpdump; CPU = user + sys of the median run; peak memory is the max RSS
# (GNU time). The floor and ipdrift runs alternate (floor, ipdrift, floor,
# ...): a VM's speed drifts by tens of percent within a minute, and the
# ratio should compare the two in the same conditions; the median of the
# per-pair ratios is printed too. arpwatch runs once, inside a throwaway network namespace
# (it resolves names otherwise), with -Q (no mail), -n for the lab prefix and
# its own -f data file; it is capped at ARPWATCH_TIMEOUT seconds (default
# 900) and, if it hits the cap, its rate is the frames it got through
# (its data file's growth cannot tell, so it is reported as "> T s").
# Target: ipdrift within 2.5x of the floor.
# Usage: bench/bench_listen.sh [BUILD]   (needs root only for arpwatch)
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$BUILD/ipdrift
TOOLS=$BUILD/tools
FRAMES=${FRAMES:-5000000}
RUNS=${RUNS:-3}
ARPWATCH_TIMEOUT=${ARPWATCH_TIMEOUT:-900}
P=${IPD_LAB:-ls}
NS=$P-bench-aw
for t in "$BIN" "$TOOLS/gen_bench_pcap" "$TOOLS/bench_pcap_floor"; do
	[ -x "$t" ] || { echo "bench_listen: $t not built (make all tools)" >&2; exit 69; }
done
[ -x /usr/bin/time ] || { echo "bench_listen: needs GNU time (/usr/bin/time)" >&2; exit 69; }
TMP=$(mktemp -d /tmp/ipd-listen-bench.XXXXXX)
chmod 755 "$TMP"
cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$BUILD/bench"
F=$BUILD/bench/listen-$FRAMES.pcap
if [ ! -s "$F" ]; then
	echo "generating $F ($FRAMES frames)"
	"$TOOLS/gen_bench_pcap" "$F.tmp" "$FRAMES" 50000 && mv "$F.tmp" "$F" || exit 1
fi
F=$(realpath "$F")   # arpwatch chdirs to its data directory before opening -r
size=$(stat -c %s "$F")
echo "capture: $F, $FRAMES frames, $((size / 1048576)) MiB; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$F" >/dev/null   # page cache: every tool reads from memory

# measure NAME CMD...: RUNS runs, keeps the median wall time; sets W C M (s, s, KiB)
measure() {
	local name=$1; shift
	local i walls=()
	for i in $(seq "$RUNS"); do
		[ -n "${PRE:-}" ] && eval "$PRE"
		/usr/bin/time -f "%e %U %S %M" -o "$TMP/t.$i" "$@" >"$TMP/out.$name" 2>"$TMP/err.$name" || {
			echo "bench_listen: $name failed:" >&2; tail -5 "$TMP/err.$name" >&2; return 1; }
		walls+=("$(cut -d' ' -f1 "$TMP/t.$i") $i")
	done
	local mid
	mid=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p" | cut -d' ' -f2)
	read -r W u s M <"$TMP/t.$mid"
	C=$(echo "$u + $s" | bc)
}

row() { # name wall cpu rss_kb
	local fps ratio
	fps=$(echo "$FRAMES / $2" | bc 2>/dev/null || echo 0)
	ratio=$(echo "scale=2; $2 / $FLOOR_W" | bc)
	printf '%-28s %9.2f s %12s fr/s %7.2fx floor  cpu %6.2f s (%5.2fx)  peak %7d KiB\n' \
		"$1" "$2" "$fps" "$ratio" "$3" "$(echo "scale=2; $3 / $FLOOR_C" | bc)" "$4"
}

# median_of FILE...: the t.* file (GNU time output) with the median wall time
median_of() {
	local f
	for f in "$@"; do echo "$(cut -d' ' -f1 "$f") $f"; done | sort -n |
		sed -n "$(( ($# + 1) / 2 ))p" | cut -d' ' -f2
}

# Floor and ipdrift, alternating.
ratios=()
for i in $(seq "$RUNS"); do
	/usr/bin/time -f "%e %U %S %M" -o "$TMP/tf.$i" "$TOOLS/bench_pcap_floor" "$F" \
		>"$TMP/out.floor" 2>"$TMP/err.floor" || {
		echo "bench_listen: floor failed:" >&2; tail -5 "$TMP/err.floor" >&2; exit 1; }
	rm -f "$TMP/b.db" "$TMP/b.db-wal" "$TMP/b.db-shm"
	/usr/bin/time -f "%e %U %S %M" -o "$TMP/ti.$i" "$BIN" --db "$TMP/b.db" listen -r "$F" \
		>"$TMP/out.ipdrift" 2>"$TMP/err.ipdrift" || {
		echo "bench_listen: ipdrift failed:" >&2; tail -5 "$TMP/err.ipdrift" >&2; exit 1; }
	ratios+=("$(echo "scale=3; $(cut -d' ' -f1 "$TMP/ti.$i") / $(cut -d' ' -f1 "$TMP/tf.$i")" | bc)")
done
PAIR_RATIO=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
read -r W u s M <"$(median_of "$TMP"/tf.*)"
C=$(echo "$u + $s" | bc)
FLOOR_W=$W FLOOR_C=$C
[ "$(echo "$FLOOR_W < 0.01" | bc)" = 1 ] && FLOOR_W=0.01
[ "$(echo "$FLOOR_C < 0.01" | bc)" = 1 ] && FLOOR_C=0.01
row "floor (pcap_next_ex)" "$W" "$C" "$M"
grep -q "^frames $FRAMES " "$TMP/out.floor" || echo "WARNING: floor read $(cat "$TMP/out.floor")"

read -r W u s M <"$(median_of "$TMP"/ti.*)"
C=$(echo "$u + $s" | bc)
IPD_W=$W
row "ipdrift listen -r (store)" "$W" "$C" "$M"
sed 's/^/    /' "$TMP/err.ipdrift" | head -8
if command -v sqlite3 >/dev/null; then
	echo "    store: $(sqlite3 "$TMP/b.db" "select count(*) from observations") observations," \
		"$(sqlite3 "$TMP/b.db" "select count(*) from events") events," \
		"tagged observations $(sqlite3 "$TMP/b.db" "select count(*) from observations where vlan<>0")"
fi

PRE= measure ipdrift_nostore "$BIN" -q listen --no-store -r "$F" || exit 1
row "ipdrift listen --no-store" "$W" "$C" "$M"

if command -v tcpdump >/dev/null; then
	PRE= measure tcpdump tcpdump -n -r "$F" -w /dev/null && row "tcpdump -n -r -w /dev/null" "$W" "$C" "$M"
else
	echo "tcpdump: not installed"
fi

if command -v arpwatch >/dev/null && [ "$(id -u)" = 0 ]; then
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS"
	mkdir -p "$TMP/aw" && : >"$TMP/aw/arp.dat"
	# -k: arpwatch's SIGTERM handler can deadlock (seen: stuck in a futex
	# wait for 15 minutes after the TERM), so KILL follows 10 s later.
	/usr/bin/time -f "%e %U %S %M" -o "$TMP/t.aw" timeout -k 10 "$ARPWATCH_TIMEOUT" \
		ip netns exec "$NS" arpwatch -Q -N -n 198.18.0.0/15 -f "$TMP/aw/arp.dat" -r "$F" \
		>"$TMP/aw/out" 2>&1
	rc=$?
	# GNU time puts "Command exited/terminated ..." first when the command failed
	tail -1 "$TMP/t.aw" | { read -r W u s M; echo "$W $u $s $M"; } >"$TMP/t.aw1"
	read -r W u s M <"$TMP/t.aw1"
	C=$(echo "$u + $s" | bc)
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "arpwatch -r: did not finish within $ARPWATCH_TIMEOUT s (> $(echo "scale=0; $ARPWATCH_TIMEOUT / $FLOOR_W" | bc)x floor)"
	else
		[ $rc -ne 0 ] && echo "arpwatch exited $rc: $(head -3 "$TMP/aw/out")"
		row "arpwatch -r (netns)" "$W" "$C" "$M"
		echo "    arpwatch stations: $(wc -l <"$TMP/aw/arp.dat") (it ignores 802.1Q-tagged ARP)"
	fi
else
	echo "arpwatch: not installed or not root (skipped)"
fi

ratio=$(echo "scale=2; $IPD_W / $FLOOR_W" | bc)
echo "ipdrift / floor per alternating pair: $(printf '%s ' "${ratios[@]}")(median $PAIR_RATIO)"
if [ "$(echo "$ratio <= 2.5" | bc)" = 1 ]; then
	echo "target: ipdrift listen within 2.5x of the floor: MET (${ratio}x)"
else
	echo "target: ipdrift listen within 2.5x of the floor: MISSED (${ratio}x)"
fi
exit 0
