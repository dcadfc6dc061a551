#!/bin/bash
# Runs every bench/*.sh in turn. Each prints its own figures; a failing bench
# is reported and the others still run. Exit status: number of failures (max 1).
set -u
cd "$(dirname "$0")/.."
fail=0 n=0
for b in bench/*.sh; do
	[ -f "$b" ] || continue
	n=$((n + 1))
	echo "=== $(basename "$b" .sh)"
	t0=$SECONDS
	if bash "$b"; then
		echo "=== $(basename "$b" .sh): ok ($((SECONDS - t0)) s)"
	else
		rc=$?
		fail=$((fail + 1))
		echo "=== $(basename "$b" .sh): FAILED (exit $rc, $((SECONDS - t0)) s)"
	fi
done
echo "benches: $n run, $fail failed"
[ "$fail" -eq 0 ]
