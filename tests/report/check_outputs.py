#!/usr/bin/env python3
"""Structural checks of the report/fix outputs written by tests/report/run.sh
into DIR. Prints '# ...' diagnostics; exit 1 when any check fails."""
import base64, csv, hashlib, io, json, re, sys

d = sys.argv[1]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
        print("# FAIL:", what)

def read(name):
    with open(f"{d}/{name}", "rb") as f:
        return f.read()

def utf8(name, b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as e:
        check(False, f"{name} is valid UTF-8 ({e})")
        return b.decode("utf-8", "replace")

for name in ["report.json", "report.ndjson", "findings.csv", "hosts.csv", "report.html",
             "fix.nsupdate", "fix-plan.txt", "ipam-netbox.csv", "ipam-native.csv"]:
    b = read(name)
    check(b"\x1b" not in b, f"{name}: no ESC byte")
    check(b"\x00" not in b, f"{name}: no NUL byte")

# JSON: valid, schema_version everywhere, lossless for valid UTF-8, U+FFFD for invalid
raw = read("report.json")
j = json.loads(utf8("report.json", raw))
check(j["schema_version"] == 1, "json: schema_version at top")
for k in ("sources", "coverage", "subnets", "findings", "hosts"):
    check(all(r.get("schema_version") == 1 for r in j[k]), f"json: schema_version in every {k} record")
check(len(j["findings"]) == 17, f"json: 17 findings of run 5 (got {len(j['findings'])})")
sums = [f["summary"] for f in j["findings"]]
check(any("<script>document.title='PWNED-SCRIPT'</script>" in s for s in sums), "json: hostile summary kept verbatim")
check(any("\ufffd" in s and "\x1b]0;owned" in s for s in sums), "json: invalid UTF-8 -> U+FFFD, controls escaped and kept")
check(b"</script" not in raw and b"<\\/script" in raw, "json: </ written as <\\/")
check(all(isinstance(f["evidence"], (dict, type(None))) for f in j["findings"]), "json: evidence is an object")
inj = [f for f in j["findings"] if f["subject"].startswith("evil.example.test. 300 A")]
check(len(inj) == 1 and "\nupdate delete" in inj[0]["subject"], "json: subject with newline kept exactly")
check(any(n["origin"] == "dhcp" and n["name"].startswith("<script>") for h in j["hosts"] for n in h["names"]),
      "json: host names with origin")

# NDJSON
types = {}
for i, line in enumerate(read("report.ndjson").split(b"\n")[:-1]):
    r = json.loads(utf8("report.ndjson", line))
    check(r.get("schema_version") == 1 and "type" in r, f"ndjson line {i+1}: schema_version and type")
    types[r["type"]] = types.get(r["type"], 0) + 1
check(len(j["refused_fixes"]) == 2 and all(r["schema_version"] == 1 for r in j["refused_fixes"]),
      "json: 2 refused fixes listed")
check(types.get("report") == 1 and types.get("finding") == 17 and types.get("host", 0) >= 10
      and types.get("refused_fix") == 2,
      f"ndjson record types {types}")

# CSV: RFC 4180 (CRLF), same column count, formula defence on every cell
FORMULA = ("=", "+", "-", "@", "\t", "\r")
def csv_rows(name):
    text = utf8(name, read(name))
    check(text.endswith("\r\n"), f"{name}: ends with CRLF")
    body = re.sub(r'"(?:[^"]|"")*"', "", text)  # drop quoted cells (may hold newlines)
    check("\n" not in body.replace("\r\n", ""), f"{name}: every record ends with CRLF")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), f"{name}: same column count on every row")
    for r in rows[1:]:
        for cell in r:
            check(not cell.startswith(FORMULA), f"{name}: cell starts with a formula character: {cell[:40]!r}")
    return rows
f = csv_rows("findings.csv")
check(len(f) == 18, f"findings.csv: 17 rows + header (got {len(f)})")
check(any(c.startswith("'=HYPERLINK(") for r in f for c in r), "findings.csv: =HYPERLINK prefixed with '")
h = csv_rows("hosts.csv")
check(any(c.startswith("'=HYPERLINK(") for r in h for c in r), "hosts.csv: =HYPERLINK prefixed with '")
nb = csv_rows("ipam-netbox.csv")
check(nb[0] == ["id", "address", "vrf", "status", "dns_name", "description", "comments"], "netbox header")
for r in nb[1:]:
    check(r[0] == "" or re.fullmatch(r"[1-9]\d*", r[0]) is not None, f"netbox id {r[0]!r}")
    check(re.fullmatch(r"[0-9a-f.:]+/\d+", r[1]) is not None, f"netbox address {r[1]!r}")
    check(r[3] in ("active", "reserved", "deprecated", "dhcp", "slaac"), f"netbox status {r[3]!r}")
    check(r[4] == "" or re.fullmatch(r"([0-9A-Za-z_-]+|\*)(\.[0-9A-Za-z_-]+)*\.?", r[4]), f"netbox dns_name {r[4]!r}")
    # a row that updates a recorded allocation carries its NetBox ID; a new host never does
    check((r[0] != "") == (" register;" not in r[6] and "no NetBox ID" not in r[6]), f"netbox id vs comments {r!r}")
check(sorted((r[0], r[2]) for r in nb[1:]) == [("", ""), ("", ""), ("1041", "blue"), ("2005", "")],
      "netbox: update and deprecate rows carry their IDs, the VRF row its VRF")
nat = csv_rows("ipam-native.csv")
check(sorted(r[0] for r in nat[1:]) == ["deprecate", "register", "register", "set-mac"], "native ops")

# HTML: one script (ours, hash in the CSP), no live markup from data, no remote URL in attributes
html = utf8("report.html", read("report.html"))
scripts = re.findall(r"<script\b", html, re.I)
check(len(scripts) == 1, f"html: exactly one <script (got {len(scripts)})")
m = re.search(r"<script>(.*?)</script>", html, re.S)
csp = re.search(r'Content-Security-Policy" content="([^"]*)"', html)
check(m and csp, "html: script and CSP present")
if m and csp:
    digest = base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
    check(f"script-src 'sha256-{digest}'" in csp.group(1), "html: CSP hash matches the inline script")
    check("default-src 'none'" in csp.group(1) and "unsafe-inline'; script" in csp.group(1)
          and "script-src 'unsafe" not in csp.group(1), "html: CSP default-src none, no unsafe-inline scripts")
for tag in ("<img", "<link", "<iframe", "<object", "<embed", "<base"):
    check(tag not in html.lower(), f"html: no {tag} tag")
check(not re.search(r"""(src|href)\s*=\s*["']?https?:""", html, re.I), "html: no remote src/href")
check(not re.search(r"\bon[a-z]+\s*=\s*[\"']", html.replace("&quot;", "").replace("&#x27;", "")) or
      not re.search(r"<[^>]*\bon[a-z]+=", html), "html: no event handler attributes")
check("\u202e" not in html and "\\u202e" in html, "html: bidi control shown, not obeyed")
check("&lt;script&gt;document.title=&#x27;PWNED-SCRIPT&#x27;&lt;/script&gt;" in html, "html: hostile hostname escaped")
check("\ufffd" in html, "html: invalid UTF-8 shown as U+FFFD")
fsec = html[html.index("<section id=findings>"):]
fsec = fsec[:fsec.index("</section>")]
check(fsec.count("<tr><td>") + fsec.count("<tr class=sup>") == 17, "html: 17 finding rows")
check(fsec.count("<tr class=sup>") == 1, "html: 1 suppressed row")
check("Names refused for DNS fixes" in html and "update delete web.example.test." in html,
      "html: refused fix names listed")

# nsupdate: only known commands, every message has server+zone+one send, no injected command
ns = utf8("fix.nsupdate", read("fix.nsupdate"))
msgs, cur = [], []
for line in ns.split("\n")[:-1]:
    check(line != "", "nsupdate: no blank line (a blank line sends)")
    if line.startswith(";"):
        check(not re.search(r"[\x00-\x1f\x7f]", line), "nsupdate: comment without control characters")
        continue
    word = line.split(" ")[0]
    check(word in ("server", "zone", "prereq", "update", "send"), f"nsupdate: known command: {line!r}")
    cur.append(line)
    if word == "send":
        msgs.append(cur)
        cur = []
check(cur == [], "nsupdate: ends with send")
check(len(msgs) == 7, f"nsupdate: 7 messages (got {len(msgs)})")
for mm in msgs:
    check(mm[0].startswith("server ") and mm[1].startswith("zone ") and mm[2].startswith("prereq "),
          f"nsupdate: server, zone, prereq first: {mm[:3]}")
    for l in mm:
        if l.startswith(("prereq", "update")):
            check(l.split()[2].endswith(".") or l.split()[0] == "prereq" and l.split()[2].endswith("."),
                  f"nsupdate: absolute owner in {l!r}")
# a guard listing several records of a set (yxrrset with rdata) goes with
# per-record deletes only: deleting the whole set would take the right
# records with the wrong ones
for mm in msgs:
    guards = [l for l in mm if l.startswith("prereq yxrrset ")]
    if len(guards) > 1:
        check(all(len(l.split()) == 6 for l in mm if l.startswith("update delete ")),
              f"nsupdate: multi-record guard, per-record deletes: {mm}")
        owners = {tuple(l.split()[2:5]) for l in guards}
        check(len(owners) == 1, f"nsupdate: one RRset per guard: {guards}")
check(any("prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR other.example.test." in mm and
          "prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR wrong.example.test." in mm and
          "update add 11.2.0.192.in-addr.arpa. 3600 IN PTR app.example.test." in mm for mm in msgs),
      "nsupdate: the multi-PTR name-mismatch is guarded by both names, in one message")
check("update delete web.example.test" not in ns.replace("; refused", "").split("; ---- refused")[0],
      "nsupdate: injected command not emitted")
check("; refused add owner is not a valid host name: evil.example.test. 300 A 192.0.2.58\\x0aupdate delete"
      in ns, "nsupdate: refused name listed escaped")

print(f"# {len(bad)} structural check(s) failed" if bad else "# all structural checks passed")
sys.exit(1 if bad else 0)
