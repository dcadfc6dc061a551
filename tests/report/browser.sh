#!/bin/bash
# The HTML report in a real browser (headless Chromium), run inside a fresh
# network namespace that has only loopback (unshare -n): the page must render
# (non-blank screenshot), its inline script must run under the CSP (marker
# body[data-js=ok] in the DOM), the console must show no error, and the
# hostile names in the store (<script>, <img onerror>, remote <img>/<link> to a
# listener on 127.0.0.1:18999) must neither execute nor cause a request.
# Controls prove the checks can fail: a copy of the page with raw injected
# markup must be blocked by the CSP (and say so on the console), and the
# listener must log a request made on purpose. TAP output. Needs root.
#
# browser.sh BUILD PAGE: the same browser checks on one given report (the
# demo network's, from tests/lab/test_run_demo.sh): renders, its script runs
# under the CSP, no console message, screenshot not blank (in a namespace
# with only lo, so nothing can leave).
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN=$PWD/$BUILD/ipdrift
[ -x "$BIN" ] || BIN=$PWD/ipdrift
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SRC=$PWD/tests/report
if [ ! -x "$CHROMIUM" ]; then echo "ok 1 # SKIP $CHROMIUM not installed (scripts/install-deps.sh)"; echo "1..1"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "ok 1 # SKIP needs root (unshare -n)"; echo "1..1"; exit 0; fi
T=$(mktemp -d /tmp/ipd-browser-XXXXXX)
cleanup() { rm -rf "$T"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "# keeping $T"
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

if [ -n "${2:-}" ]; then
	cp "$2" "$T/page.html" || { nok "read $2"; echo "1..$n"; exit 1; }
	cat >"$T/page.sh" <<'INNER'
T=$1 CHROMIUM=$2
ip link set lo up
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-extensions --no-default-browser-check --enable-logging=stderr --v=0"
# shellcheck disable=SC2086
timeout 90 "$CHROMIUM" $flags --user-data-dir="$T/ud1" --dump-dom "file://$T/page.html" >"$T/page.out" 2>"$T/page.log"
echo $? >"$T/page.rc"
# shellcheck disable=SC2086
timeout 90 "$CHROMIUM" $flags --user-data-dir="$T/ud2" --window-size=1280,1600 --screenshot="$T/page.png" "file://$T/page.html" >/dev/null 2>"$T/shot.log"
exit 0
INNER
	unshare -n bash "$T/page.sh" "$T" "$CHROMIUM"
	[ "$(cat "$T/page.rc")" = 0 ] && ok "$(basename "$2"): chromium --dump-dom exit 0" || nok "$(basename "$2"): chromium exit $(cat "$T/page.rc")"
	grep -q 'data-js="ok"' "$T/page.out" && ok "$(basename "$2"): inline script ran under the CSP" || nok "$(basename "$2"): inline script did not run"
	grep -E 'CONSOLE|Uncaught|Refused to|violates' "$T/page.log" "$T/shot.log" | sed 's/^/# /'
	! grep -qE 'CONSOLE|Uncaught|Refused to|violates' "$T/page.log" "$T/shot.log" && ok "$(basename "$2"): no console message" || nok "$(basename "$2"): console messages"
	[ -s "$T/page.png" ] && python3 "$SRC/pngcheck.py" "$T/page.png" 50 | sed 's/^/# /' && [ "${PIPESTATUS[0]}" = 0 ] \
		&& ok "$(basename "$2"): screenshot is not blank" || nok "$(basename "$2"): screenshot is blank"
	echo "1..$n"
	[ "$fail" -eq 0 ]
	exit
fi

"$BIN" --db "$T/r.db" init >/dev/null && sqlite3 "$T/r.db" <"$SRC/fixture.sql" &&
	"$BIN" --db "$T/r.db" report --format html -o "$T/report.html" &&
	ok "report generated" || nok "report generated"
# the report of a store whose every text column is hostile
"$BIN" --db "$T/h.db" init >/dev/null && sqlite3 "$T/h.db" <"$SRC/fixture.sql" &&
	python3 "$SRC/hostile_store.py" "$T/h.db" && "$BIN" --db "$T/h.db" report --format html -o "$T/hostile.html" &&
	ok "hostile-store report generated" || nok "hostile-store report generated"
# control page: the same report with raw markup injected, as if an escape had been missed
sed 's|<h2>Findings</h2>|<h2>Findings</h2><script>document.body.setAttribute("data-evil","1")</script><img src="http://127.0.0.1:18999/control.png">|' \
	"$T/report.html" >"$T/control.html"

# functional page: the report's own script plus a test driver appended to it
# (CSP hash recomputed): filter by text, then sort a column
python3 - "$T/report.html" "$T/func.html" <<'PY'
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<script>(.*?)</script>", html, re.S)
drv = ("(function(){var d=document,q=d.getElementById('q');q.value='rogue-host';"
       "q.dispatchEvent(new Event('input'));setTimeout(function(){"
       "var vis=[].filter.call(d.querySelectorAll('div.grp tbody tr'),function(r){return !r.hidden;}).length;"
       "d.body.setAttribute('data-filtered',String(vis));"
       "d.querySelector('div.grp[data-sev=high] th:nth-child(3)').click();"
       "d.body.setAttribute('data-sorted',d.querySelector('div.grp[data-sev=high] tbody tr').cells[2].textContent);"
       "},600);})();\n")
js = m.group(1) + drv
h = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
html = re.sub(r"script-src 'sha256-[^']*'", "script-src 'sha256-%s'" % h, html)
html = html.replace(m.group(0), "<script>" + js + "</script>")
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY

# Everything below runs in a new network namespace: only lo exists.
cat >"$T/inside.sh" <<'INNER'
set -u
T=$1 CHROMIUM=$2
ip link set lo up
ip -o link show | awk -F': ' '{print $2}' >"$T/links.txt"
python3 - "$T" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18999)); s.listen(16); s.settimeout(1.0)
log = open(sys.argv[1] + "/requests.log", "a", buffering=1)
open(sys.argv[1] + "/listener.ready", "w").close()
import time
end = time.time() + 240
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.settimeout(1.0)
    try:
        log.write(c.recv(200).split(b"\r\n")[0].decode("latin-1") + "\n")
    except Exception:
        log.write("connection\n")
    c.close()
PY
LPID=$!
for _ in $(seq 50); do [ -f "$T/listener.ready" ] && break; sleep 0.1; done
# positive control for the listener: a request made on purpose is logged
python3 -c 'import urllib.request as u
try: u.urlopen("http://127.0.0.1:18999/probe", timeout=2)
except Exception: pass'
sleep 0.3
cp "$T/requests.log" "$T/probe.log"; : >"$T/requests.log"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-extensions --no-default-browser-check --enable-logging=stderr --v=0"
run() { # name url extra...
	local name=$1 url=$2; shift 2
	local ud; ud=$(mktemp -d "$T/ud-XXXXXX")
	# shellcheck disable=SC2086
	timeout 90 "$CHROMIUM" $flags --user-data-dir="$ud" "$@" "$url" >"$T/$name.out" 2>"$T/$name.log"
	echo $? >"$T/$name.rc"
}
run dom "file://$T/report.html" --dump-dom
run shot "file://$T/report.html" --window-size=1280,1600 --screenshot="$T/shot.png"
run control "file://$T/control.html" --dump-dom
run hostile "file://$T/hostile.html" --dump-dom
run func "file://$T/func.html" --dump-dom --virtual-time-budget=5000
sleep 0.5
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null
exit 0
INNER
start=$(date +%s.%N)
unshare -n bash "$T/inside.sh" "$T" "$CHROMIUM"
end=$(date +%s.%N)
echo "# chromium runs took $(echo "$end - $start" | bc) s"

[ "$(cat "$T/links.txt")" = lo ] && ok "namespace has only lo" || nok "namespace has only lo ($(tr '\n' ' ' <"$T/links.txt"))"
grep -q "GET /probe" "$T/probe.log" && ok "listener logs a deliberate request (control)" || nok "listener logs a deliberate request (control)"
[ "$(cat "$T/dom.rc")" = 0 ] && ok "chromium --dump-dom exit 0" || nok "chromium --dump-dom exit $(cat "$T/dom.rc")"
grep -q 'data-js="ok"' "$T/dom.out" && ok "inline script ran under the CSP (marker in DOM)" || nok "inline script ran under the CSP (marker in DOM)"
grep -q 'filter and sort enabled' "$T/dom.out" && ok "script updated the page" || nok "script updated the page"
grep -q 'data-js="ok"' "$T/hostile.out" && ! grep -q PWNED <(grep -o '<title>[^<]*</title>' "$T/hostile.out") &&
	! grep -qE 'CONSOLE|Uncaught|violates' "$T/hostile.log" \
	&& ok "hostile-store page: our script ran, nothing injected ran, no console message" \
	|| nok "hostile-store page: our script ran, nothing injected ran, no console message"
! grep -q 'PWNED' <(grep -o '<title>[^<]*</title>' "$T/dom.out") && ok "hostile names did not run (title unchanged)" || nok "hostile names did not run"
grep -q '&lt;script&gt;document.title' "$T/dom.out" && ok "hostile name shown as text" || nok "hostile name shown as text"
! grep -qiE '<img|<link rel' "$T/dom.out" && ok "no <img>/<link> element from data in the DOM" || nok "no <img>/<link> element from data in the DOM"
grep -E 'CONSOLE|Uncaught|Refused to' "$T/dom.log" | sed 's/^/# /'
! grep -qE 'CONSOLE|Uncaught|Refused to|violates' "$T/dom.log" && ok "no console errors" || nok "no console errors"
[ -s "$T/shot.png" ] && python3 "$SRC/pngcheck.py" "$T/shot.png" 50 | sed 's/^/# /' && [ "${PIPESTATUS[0]}" = 0 ] \
	&& ok "screenshot is not blank" || nok "screenshot is not blank"
grep -q 'data-js="ok"' "$T/control.out" && ! grep -q 'data-evil="1"' "$T/control.out" \
	&& ok "control: injected inline script blocked by the CSP" || nok "control: injected inline script blocked by the CSP"
grep -qE "Refused to (execute|load)|violates the following Content Security Policy" "$T/control.log" && ok "control: CSP violation reported on the console" || nok "control: CSP violation reported on the console"
grep -q 'data-filtered="3"' "$T/func.out" && ok "filter 'rogue-host' leaves the 3 rogue-host rows" \
	|| nok "filter: $(grep -o 'data-filtered="[^"]*"' "$T/func.out")"
grep -q 'data-sorted="192.0.2.66"' "$T/func.out" && ok "sorting by subject reorders the rows" \
	|| nok "sort: $(grep -o 'data-sorted="[^"]*"' "$T/func.out")"
if [ -s "$T/requests.log" ]; then nok "no request reached the listener"; sed 's/^/# /' "$T/requests.log"; else ok "no request reached the listener (report and control)"; fi
echo "1..$n"
[ "$fail" -eq 0 ]
