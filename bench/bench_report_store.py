#!/usr/bin/env python3
"""bench_report_store.py DB N HOSTS NOW [EVENTS]: fill an initialised ipdrift
store with a synthetic audit: HOSTS observed hosts in 198.18.0.0/15 (3/4
allocated, 1/2 with a PTR answer), 512 /24 subnets, EVENTS (default 50000)
'dhcp hostname' events spread over the hosts as `listen` records them (2/3
with no ip, matched to the host by MAC; a client repeats its name), and N
findings of audit run 2 spread over rules, severities and states with
realistic evidence; one in ten carries a DNS fix, one in ten an IPAM fix;
every 1000th has a hostile hostname."""
import json, sqlite3, sys

db, N, HOSTS, NOW = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
EVENTS = int(sys.argv[5]) if len(sys.argv) > 5 else 50000
c = sqlite3.connect(db)
c.execute("PRAGMA journal_mode=WAL")

def ip(i):
    return "198.%d.%d.%d" % (18 + (i >> 16) % 2, (i >> 8) % 256, 1 + i % 254)
def blob(s):
    return bytes(10) + b"\xff\xff" + bytes(int(x) for x in s.split("."))
def mac(i):
    return "52:54:00:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)

c.execute("INSERT INTO runs (id, kind, started, finished, status) VALUES (1,'audit',?,?,'ok'),(2,'audit',?,?,'ok')",
          (NOW - 86400, NOW - 86399, NOW, NOW + 2))
c.execute("INSERT INTO sources (id, name, kind, format, path, digest, imported, rows) VALUES "
          "(1,'ipam','ipam','netbox','/srv/ipam.csv','sha256:00',?,?)", (NOW, HOSTS))
c.executemany("INSERT INTO subnets (source_id, family, lo, hi, prefix_len, cidr, vlan, status) VALUES (1,4,?,?,24,?,?,'active')",
              [(blob("198.%d.%d.0" % (18 + i // 256, i % 256)), blob("198.%d.%d.255" % (18 + i // 256, i % 256)),
                "198.%d.%d.0/24" % (18 + i // 256, i % 256), 100 + i % 50) for i in range(512)])
methods = ["arp-active", "arp-passive", "dhcp"]
c.executemany("INSERT OR IGNORE INTO observations (ip, ip_text, family, mac, vlan, iface, sensor, method, first_seen, last_seen, count)"
              " VALUES (?,?,4,?,100,'eth0','s1',?,?,?,?)",
              [(blob(ip(i)), ip(i), mac(i), methods[i % 3], NOW - 86400, NOW - i % 3600, 1 + i % 50) for i in range(HOSTS)])
c.executemany("INSERT OR IGNORE INTO allocations (source_id, ip, ip_text, mac, hostname, status) VALUES (1,?,?,?,?,'active')",
              [(blob(ip(i)), ip(i), mac(i), "host%d.example.test" % i) for i in range(HOSTS) if i % 4])
c.executemany("INSERT INTO dns_answers (run_id, qname, qtype, status, ip, ip_text, name, ttl, server, at)"
              " VALUES (2,?,'PTR','ok',?,?,?,3600,'127.0.0.1#53',?)",
              [("x.in-addr.arpa.", blob(ip(i)), ip(i), "host%d.example.test." % i, NOW) for i in range(0, HOSTS, 2)])
# the host listing's dhcp names: every host's events found by ip or by MAC
# (a per-host query that scans these events is O(HOSTS x EVENTS))
def dhcp_events():
    for e in range(EVENTS):
        i = (e * 7919) % HOSTS
        name = ("client-%d" % i) if e % 5 else ("client-%d-renamed" % i)
        yield (NOW - 3600 + e % 3600, None if e % 3 else blob(ip(i)), None if e % 3 else ip(i), mac(i),
               json.dumps({"hostname": name}), name.encode())
c.executemany("INSERT INTO events (run_id, at, kind, ip, ip_text, mac, vlan, iface, detail, raw)"
              " VALUES (NULL,?,'dhcp hostname',?,?,?,100,'eth0',?,?)", dhcp_events())
rules = ["rogue-host", "missing-ptr", "stale-allocation", "mac-mismatch", "name-mismatch", "random-mac", "stale-dns"]
sevs = ["critical", "high", "high", "medium", "medium", "medium", "low", "low", "info", "info"]
states = ["new", "ongoing", "resolved"]
def rows():
    for i in range(N):
        a, m = ip(i), mac(i)
        host = "host%d.example.test" % i
        if i % 1000 == 7:
            host = "<script>alert(%d)</script>\x1b[2J=HYPERLINK(\"x\")" % i
        ev = {"observations": [{"ip": a, "mac": m, "vlan": 100, "iface": "eth0", "sensor": "s1", "method": "arp-active",
                                "first_seen": NOW - 86400, "last_seen": NOW - i % 3600, "count": 3}],
              "records": [{"kind": "allocation", "source": "ipam", "line": i + 2, "ip": a, "mac": m, "hostname": host,
                           "status": "active"}],
              "dns": [{"qname": "x.in-addr.arpa.", "qtype": "PTR", "status": "nxdomain", "answer": None, "ttl": None,
                       "server": "127.0.0.1#53", "at": NOW}]}
        fix = None
        if i % 10 == 1:
            o = a.split(".")
            fix = {"dns": [{"op": "add", "zone": None, "name": "%s.%s.%s.%s.in-addr.arpa." % (o[3], o[2], o[1], o[0]),
                            "type": "PTR", "value": host + ".", "old": None}], "ipam": []}
        elif i % 10 == 2:
            fix = {"dns": [], "ipam": [{"op": "register", "ip": a, "mac": m, "hostname": None, "status": "active",
                                        "description": "seen by arp-active"}]}
        r = rules[i % 7]
        yield (2, "%s|%s#%d" % (r, a, i), r, sevs[i % 10], "ip", a, states[i % 3], 1, int(i % 50 == 0),
               "%s %s (%s)" % (a, r, host), json.dumps(ev), json.dumps(fix) if fix else None)
c.executemany("INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, first_run,"
              " suppressed, summary, evidence, fix) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
c.commit()
