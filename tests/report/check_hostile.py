#!/usr/bin/env python3
"""check_hostile.py DIR: the outputs written from a store whose every text
column is hostile (hostile_store.py) must still be well formed: valid UTF-8
JSON/NDJSON, RFC 4180 CSV with every cell defended, HTML with our one script
and only our own tags, nsupdate scripts with only known commands."""
import csv, io, json, re, sys

d = sys.argv[1]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
        print("# FAIL:", what)

def text(name):
    b = open(f"{d}/{name}", "rb").read()
    check(b"\x1b" not in b and b"\x00" not in b, f"{name}: no ESC/NUL byte")
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as e:
        check(False, f"{name}: valid UTF-8 ({e})")
        return b.decode("utf-8", "replace")

j = json.loads(text("report.json"))
check(len(j["findings"]) > 0 and len(j["hosts"]) > 0, "json: findings and hosts present")
check(any("<script>" in f["summary"] for f in j["findings"]), "json: hostile text kept")
for line in text("report.ndjson").split("\n")[:-1]:
    r = json.loads(line)
    check(r.get("schema_version") == 1, "ndjson: schema_version")

for name in ("findings.csv", "hosts.csv", "ipam-netbox.csv", "ipam-native.csv"):
    t = text(name)
    rows = list(csv.reader(io.StringIO(t, newline="")))
    check(len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), f"{name}: rectangular")
    for r in rows[1:]:
        for cell in r:
            check(not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{name}: defended cell {cell[:30]!r}")
nb = list(csv.reader(io.StringIO(text("ipam-netbox.csv"), newline="")))
check(nb[0][0] == "id" and all(r[0] == "" for r in nb[1:]), "ipam-netbox.csv: no id from a hostile store")

h = text("report.html")
check(len(re.findall(r"<script\b", h, re.I)) == 1, "html: one script")
ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "nav", "a", "section",
           "p", "b", "i", "table", "thead", "tbody", "tr", "th", "td", "colgroup", "col", "div", "label", "input",
           "select", "option", "span", "svg", "g", "rect", "line", "text", "title", "details", "summary", "pre",
           "br", "small", "code", "footer", "script", "sup"}
body = re.sub(r"<script>.*?</script>", "<script></script>", h, flags=re.S)
tags = {m.lower() for m in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", body)}
check(tags <= ALLOWED, f"html: only our tags (extra: {sorted(tags - ALLOWED)})")
check("\u202e" not in h, "html: no raw bidi override")

for name in ("fix.nsupdate",):
    for line in text(name).split("\n")[:-1]:
        if line.startswith(";"):
            check(not re.search(r"[\x00-\x1f\x7f]", line), f"{name}: clean comment")
        else:
            check(line.split(" ")[0] in ("server", "zone", "prereq", "update", "send"), f"{name}: known command {line[:40]!r}")
print(f"# {len(bad)} hostile-store check(s) failed" if bad else "# hostile store: all checks passed")
sys.exit(1 if bad else 0)
