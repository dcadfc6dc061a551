#!/bin/bash
# tests/cli/test_status.sh BUILDDIR: `ipdrift status` (and the import that
# names the source) never writes store- or file-derived text raw to the
# terminal: a source named after a path holding ESC, a newline and U+202E
# (RLO, "Trojan Source"), a --source name with the same, and a run row whose
# kind and status carry them (a store copied in from elsewhere) show up in
# esc_term's form (\x1b, \x0a, \u202e), never as the bytes.
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
# no_raw FILE...: none of ESC, U+202E (UTF-8 e2 80 ae), BEL in the files
no_raw() {
	local f
	for f in "$@"; do
		[ "$(grep -c $'\x1b' "$f")" = 0 ] || return 1
		[ "$(grep -c $'\xe2\x80\xae' "$f")" = 0 ] || return 1
		[ "$(grep -c $'\a' "$f")" = 0 ] || return 1
	done
}
echo "1..9"
evil=$'ev\x1b[31mil\nx\xe2\x80\xaeFDP.csv'
mkdir -p "$tmp/in"
printf 'prefix,vrf,status,description\n192.0.2.0/24,,active,lab\n' >"$tmp/in/$evil"
"$BIN" --db "$db" import subnets "$tmp/in/$evil" >"$tmp/imp1.out" 2>"$tmp/imp1.err"
check "import of a hostile path exits 0" test $? -eq 0
printf 'prefix,vrf,status,description\n198.51.100.0/24,,active,lab\n' >"$tmp/plain.csv"
"$BIN" --db "$db" import subnets "$tmp/plain.csv" --source $'src\x1b]0;owned\a\n\xe2\x80\xae' \
	>"$tmp/imp2.out" 2>"$tmp/imp2.err"
check "import with a hostile --source exits 0" test $? -eq 0
check "import output: no raw ESC / U+202E / BEL" no_raw "$tmp"/imp1.* "$tmp"/imp2.*
check "import output: names escaped" \
	grep -qF 'ev\x1b[31mil\x0ax\u202eFDP.csv' "$tmp/imp1.out"
sqlite3 "$db" "INSERT INTO runs(kind, started, finished, status)
  VALUES ('sw' || char(27) || '[2J', 1700000000, 1700000001, 'ok' || char(10) || char(8238))"
check "hostile names are in the store" \
	test "$(sqlite3 "$db" "select count(*) from sources where name like '%' || char(27) || '%'")" = 2
"$BIN" --db "$db" status >"$tmp/out" 2>"$tmp/err"
check "status exits 0" test $? -eq 0
check "status: no raw ESC / U+202E / BEL on stdout or stderr" no_raw "$tmp/out" "$tmp/err"
check "status: source names shown escaped, one line each" bash -c "
	grep -qF 'ev\\x1b[31mil\\x0ax\\u202eFDP.csv' '$tmp/out' &&
	grep -qF 'src\\x1b]0;owned\\x07\\x0a\\u202e' '$tmp/out' &&
	[ \"\$(sed -n '/^sources:/,/^recent runs:/p' '$tmp/out' | wc -l)\" = 4 ]"
check "status: run kind and status shown escaped" \
	grep -qF 'sw\x1b[2J ok\x0a\u202e' "$tmp/out"
[ $fail -eq 0 ]
