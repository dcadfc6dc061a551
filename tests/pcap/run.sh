#!/bin/bash
# tests/pcap/run.sh BUILDDIR: golden pcap tests, TAP output.
# Each tests/pcap/<case>.pcap(ng) is read with
#   BUILDDIR/ipdrift listen --no-store --json -q -r <case> [$(cat <case>.args)]
# and stdout must equal <case>.expected; the run must exit 0 with nothing
# on stderr (a sanitizer report fails the case). Regenerate with update-golden.sh.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN=$BUILD/ipdrift
if [ ! -x "$BIN" ]; then
	echo "1..0 # SKIP $BIN not built"
	exit 0
fi
cases=$(ls tests/pcap/*.pcap tests/pcap/*.pcapng 2>/dev/null | sort)
n=0 fail=0
echo "1..$(echo "$cases" | wc -w)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $cases; do
	n=$((n + 1))
	c=${f%.*}
	name=$(basename "$c")
	args=()
	[ -f "$c.args" ] && read -r -a args <"$c.args"
	timeout 60 "$BIN" -q listen --no-store --json -r "$f" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ ! -f "$c.expected" ]; then
		echo "not ok $n - $name (no $c.expected; run tests/pcap/update-golden.sh)"
		fail=$((fail + 1))
	elif [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		echo "not ok $n - $name (exit $rc)"
		sed 's/^/# /' "$tmp/err" | head -20
		fail=$((fail + 1))
	elif ! diff -u "$c.expected" "$tmp/out" >"$tmp/diff"; then
		echo "not ok $n - $name (output differs)"
		sed 's/^/# /' "$tmp/diff" | head -40
		fail=$((fail + 1))
	else
		echo "ok $n - $name"
	fi
done
[ $fail -eq 0 ]
