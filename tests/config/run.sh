#!/bin/bash
# Golden tests for the configuration file (tests/config/*.conf -> *.ok), the
# example configuration, the man pages and the systemd units. Prints TAP.
#   tests/config/run.sh [BUILD]        (BUILD defaults to build)
#   UPDATE=1 tests/config/run.sh       rewrite the .ok files (review the diff!)
set -u
cd "$(dirname "$0")"
top=$(cd ../.. && pwd)
bin=$top/${1:-build}/ipdrift
[ -x "$bin" ] || bin=$top/ipdrift
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }

# Each case runs from this directory with a relative file name, so the
# FILE:LINE prefixes in the expected output do not depend on the checkout.
for conf in *.conf; do
	name=${conf%.conf}
	out=$("$bin" --config "$conf" --check-config 2>&1; echo "exit $?")
	if [ "${UPDATE:-}" = 1 ]; then
		printf '%s\n' "$out" >"$name.ok"
	fi
	if [ ! -f "$name.ok" ]; then
		nok "$conf: no $name.ok"
	elif diff -u "$name.ok" <(printf '%s\n' "$out") >/dev/null; then
		ok "check-config $conf"
	else
		nok "check-config $conf"
		diff -u "$name.ok" <(printf '%s\n' "$out") | sed 's/^/# /'
	fi
done

# `run --dry-run` plans: *.plan is the expected command list for the .conf of
# the same name (no strftime paths in those, so the plan is date-free).
for plan in *.plan; do
	[ -f "$plan" ] || continue
	name=${plan%.plan}
	out=$(env -u IPDRIFT_DB "$bin" --config "$name.conf" run --dry-run 2>&1; echo "exit $?")
	if [ "${UPDATE:-}" = 1 ]; then
		printf '%s\n' "$out" >"$plan"
	fi
	# `--parent-run RUN` appears as each stage starts documenting it: not part
	# of the configuration's mapping, so it is left out of the comparison.
	strip() { sed 's/ --parent-run RUN//'; }
	if diff -u <(strip <"$plan") <(printf '%s\n' "$out" | strip) >/dev/null; then
		ok "run --dry-run $name.conf"
	else
		nok "run --dry-run $name.conf"
		diff -u <(strip <"$plan") <(printf '%s\n' "$out" | strip) | sed 's/^/# /'
	fi
done

out=$("$bin" --config no-such.conf --check-config 2>&1)
rc=$?
if [ $rc -eq 78 ] && [ "$out" = "$(printf 'no-such.conf: No such file or directory\nno-such.conf: 1 error')" ]; then
	ok "missing config file: exit 78 with the reason"
else
	nok "missing config file (rc=$rc: $out)"
fi

# `run` refuses a bad configuration with 78 before touching anything.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --db "$tmp/x.db" --config bad-syntax.conf run >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 78 ] && grep -q '^ipdrift: bad-syntax.conf:1: ' "$tmp/out" && [ ! -e "$tmp/x.db" ]; then
	ok "run with a bad configuration exits 78, creates nothing"
else
	nok "run with a bad configuration (rc=$rc)"; sed 's/^/# /' "$tmp/out"
fi
# Under journald (JOURNAL_STREAM set) every log line carries a <N> priority
# prefix (sd-daemon(3)), the configuration errors of `run --quiet` included.
JOURNAL_STREAM=8:12345 "$bin" --db "$tmp/x.db" --config bad-syntax.conf run --quiet >/dev/null 2>"$tmp/j"
rc=$?
if [ $rc -eq 78 ] && [ -s "$tmp/j" ] && ! grep -qv '^<[0-7]>' "$tmp/j" && grep -q '^<4>bad-syntax.conf:1: ' "$tmp/j"; then
	ok "journald: every stderr line has a <N> prefix, even with --quiet"
else
	nok "journald prefixes (rc=$rc)"; sed 's/^/# /' "$tmp/j"
fi

# --syslog: the diagnostics go to syslog, not to the terminal (cron mails
# only the summary).
"$bin" --syslog --db "$tmp/x.db" --config bad-syntax.conf run >"$tmp/s.out" 2>"$tmp/s.err"
rc=$?
if [ $rc -eq 78 ] && [ ! -s "$tmp/s.err" ] && [ ! -s "$tmp/s.out" ]; then
	ok "--syslog: configuration errors go to syslog, nothing on stderr"
else
	nok "--syslog (rc=$rc)"; sed 's/^/# /' "$tmp/s.err"
fi

# run --json: one JSON object on stdout (monitoring), stages and counts.
printf 'database = %s/j.db\n[audit]\nfail_on = high\n' "$tmp" >"$tmp/j.conf"
"$bin" --config "$tmp/j.conf" run --quiet --json --skip import,sweep,listen,resolve >"$tmp/j.json" 2>"$tmp/j.err"
rc=$?
valid=yes
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema_version"] == 1 and d["status"] == "ok" and d["summary"]["stages"][0]["stage"] == "audit" and "open" in d["findings"]' "$tmp/j.json" 2>/dev/null || valid=no
else
	grep -q '^{"schema_version":1,"run":[0-9]*,"status":"ok"' "$tmp/j.json" || valid=no
fi
if [ $rc -eq 0 ] && [ "$valid" = yes ] && [ "$(wc -l <"$tmp/j.json")" -eq 1 ]; then
	ok "run --json: one JSON object with the stages and finding counts"
else
	nok "run --json (rc=$rc)"; sed 's/^/# /' "$tmp/j.json" "$tmp/j.err"
fi

# The shipped example is valid (warnings for input files absent here are fine).
out=$("$bin" --config "$top/scripts/ipdrift.conf.example" --check-config 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | tail -1 | grep -qx 'configuration OK'; then
	ok "scripts/ipdrift.conf.example passes --check-config"
else
	nok "scripts/ipdrift.conf.example (rc=$rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi

# Man pages: groff with all warnings must print nothing, and man -l renders.
for m in "$top"/man/*.[58]; do
	[ -f "$m" ] || continue
	if command -v groff >/dev/null; then
		w=$(groff -man -Tutf8 -ww -z "$m" 2>&1)
		if [ -z "$w" ]; then ok "groff -ww $(basename "$m"): no warnings"
		else nok "groff -ww $(basename "$m")"; printf '%s\n' "$w" | sed 's/^/# /'; fi
	else
		skip "groff not installed"
	fi
	if command -v mandoc >/dev/null; then
		w=$(mandoc -T lint -W warning "$m" 2>&1)
		if [ -z "$w" ]; then ok "mandoc -T lint $(basename "$m")"
		else nok "mandoc -T lint $(basename "$m")"; printf '%s\n' "$w" | sed 's/^/# /'; fi
	fi
	if command -v man >/dev/null; then
		r=$(MANWIDTH=80 man -l "$m" 2>&1 >/dev/null; echo "rc=$?")
		lines=$(MANWIDTH=80 man -l "$m" 2>/dev/null | wc -l)
		if [ "$r" = "rc=0" ] && [ "$lines" -gt 20 ]; then ok "man -l $(basename "$m") renders ($lines lines)"
		else nok "man -l $(basename "$m"): $r, $lines lines"; fi
	fi
done

# Every command of `ipdrift --help` is documented in ipdrift.8.
if [ -f "$top/man/ipdrift.8" ]; then
	missing=""
	for c in $("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
		grep -qE "^\\.(SS|B) \"?$c( |\"|\$)" "$top/man/ipdrift.8" || missing="$missing $c"
	done
	if [ -z "$missing" ]; then ok "ipdrift.8 documents every command"
	else nok "ipdrift.8 lacks:$missing"; fi
fi

# Every long option of every usage text is in ipdrift.8 (re-sync when a
# command's usage changes).
if [ -f "$top/man/ipdrift.8" ]; then
	missing=""
	for c in $("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
		# the command's own section: from ".SS c" to the next .SS/.SH
		sect=$(awk -v c="$c" '/^\.S[SH] / { on = ($1 == ".SS" && $2 == c) } on' "$top/man/ipdrift.8")
		for o in $("$bin" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			m=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
			grep -q -- "$m" <<<"$sect" || missing="$missing $c:$o"
		done
	done
	for o in $("$bin" --help | sed '/^Commands:/,$d' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		m=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$m" "$top/man/ipdrift.8" || missing="$missing global:$o"
	done
	if [ -z "$missing" ]; then ok "ipdrift.8 documents every option of every usage text"
	else nok "ipdrift.8 lacks options:$missing"; fi
fi

# make install honours DESTDIR and installs binary, man pages, units, example.
if [ "${1:-build}" = build ] && [ -f "$top/Makefile" ]; then
	dest=$tmp/dest
	if make -s -C "$top" install DESTDIR="$dest" >"$tmp/install.log" 2>&1 &&
	   [ -x "$dest/usr/local/bin/ipdrift" ] && [ -f "$dest/usr/local/share/man/man8/ipdrift.8" ] &&
	   [ -f "$dest/usr/local/share/man/man5/ipdrift.conf.5" ] &&
	   [ -f "$dest/usr/local/lib/systemd/system/ipdrift.service" ] &&
	   [ -f "$dest/usr/local/lib/systemd/system/ipdrift.timer" ] && [ ! -e "$dest/lib" ] &&
	   [ -f "$dest/etc/ipdrift/ipdrift.conf.example" ]; then
		ok "make install DESTDIR= installs binary, man pages, units (under PREFIX), example config"
		# the sysusers.d entry creates the service user in that root
		mkdir -p "$dest/etc"
		if [ -f "$dest/usr/local/lib/sysusers.d/ipdrift.conf" ] && command -v systemd-sysusers >/dev/null &&
		   systemd-sysusers --root="$dest" >/dev/null 2>&1 &&
		   grep -q '^ipdrift:x:[0-9]*:[0-9]*:.*:/var/lib/ipdrift:/usr/sbin/nologin$' "$dest/etc/passwd" &&
		   grep -q '^User=ipdrift$' "$dest/usr/local/lib/systemd/system/ipdrift.service"; then
			ok "sysusers.d entry creates the unit's User=ipdrift (systemd-sysusers --root)"
		else
			nok "sysusers.d entry for ipdrift"; cat "$dest/etc/passwd" 2>/dev/null | sed 's/^/# /'
		fi
	else
		nok "make install DESTDIR="; sed 's/^/# /' "$tmp/install.log"; find "$dest" | sed 's/^/# /'
	fi
	dest=$tmp/dest-usr
	if make -s -C "$top" install PREFIX=/usr DESTDIR="$dest" >"$tmp/install.log" 2>&1 &&
	   grep -qx 'ExecStart=/usr/bin/ipdrift --config /etc/ipdrift/ipdrift.conf run --quiet' \
		"$dest/usr/lib/systemd/system/ipdrift.service" && [ -x "$dest/usr/bin/ipdrift" ] &&
	   [ -f "$dest/usr/share/doc/ipdrift/cron.example" ]; then
		ok "make install PREFIX=/usr: the unit's ExecStart follows PREFIX"
	else
		nok "make install PREFIX=/usr"; grep ExecStart "$dest/usr/lib/systemd/system/ipdrift.service" | sed 's/^/# /'
	fi
fi

# systemd units pass `systemd-analyze verify` (ExecStart must exist: point it at
# this build through a copy with the path rewritten).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/units"
	sed "s|/usr/local/bin/ipdrift|$bin|g" "$top/scripts/systemd/ipdrift.service" >"$tmp/units/ipdrift.service"
	cp "$top/scripts/systemd/ipdrift.timer" "$tmp/units/"
	w=$(cd "$tmp/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./ipdrift.service ./ipdrift.timer 2>&1)
	rc=$?
	# Outside a booted systemd, verify may complain about the host itself
	# (no D-Bus, missing unrelated units); only lines about our units count.
	ours=$(printf '%s\n' "$w" | grep -i 'ipdrift' | grep -v 'Failed to connect\|No such file or directory.*bus')
	if [ $rc -eq 0 ] && [ -z "$ours" ]; then ok "systemd-analyze verify ipdrift.service ipdrift.timer"
	elif [ -z "$ours" ] && printf '%s\n' "$w" | grep -q 'bus\|D-Bus\|Failed to'; then
		skip "systemd-analyze verify cannot run here: $(printf '%s' "$w" | head -1)"
	else nok "systemd-analyze verify (rc=$rc)"; printf '%s\n' "$w" | sed 's/^/# /'; fi
	# Hardening: `systemd-analyze security` must rate the unit "OK" or better
	# (exposure below 5.0; the reference unit of the conventions scored 4.1).
	sec=$(cd "$tmp/units" && systemd-analyze security --offline=true ./ipdrift.service 2>&1 | tail -1)
	exp=$(printf '%s' "$sec" | sed -n 's/.*Overall exposure level for ipdrift.service: \([0-9.]*\).*/\1/p')
	if [ -z "$exp" ]; then
		skip "systemd-analyze security --offline unavailable: $sec"
	elif awk -v e="$exp" 'BEGIN { exit !(e < 5.0) }'; then
		ok "systemd-analyze security: exposure $exp (< 5.0)"
	else
		nok "systemd-analyze security: exposure $exp"
	fi
else
	skip "systemd-analyze not installed"
fi

echo "1..$n"
[ $failed -eq 0 ]
