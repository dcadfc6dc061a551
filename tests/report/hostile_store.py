#!/usr/bin/env python3
"""hostile_store.py DB: rewrite every text column of every table of an
ipdrift store (except the few that tie rows together: runs.kind, ids) so that
it starts with a formula character and carries markup, a newline, ESC, a
bidi override, a NUL and invalid UTF-8. Reports and fixes written from such a
store must still be well formed (see check_hostile.py)."""
import sqlite3, sys

HOSTILE = b"=cmd|' /C calc'!A0\n<script>document.title='PWNED'</script><img src=x onerror=alert(1)>\x1b[2J\xe2\x80\xae\x00\xff\xfe;\"\\"
KEEP = {("runs", "kind"), ("runs", "status")}   # the report must still find the audit run

c = sqlite3.connect(sys.argv[1])
c.text_factory = bytes
for (table,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall():
    t = table.decode()
    for col in c.execute(f"PRAGMA table_info({t})").fetchall():
        name, typ = col[1].decode(), col[2].decode().upper()
        if typ != "TEXT" or (t, name) in KEEP:
            continue
        # evidence/fix stay JSON (hostile strings inside), or become raw text
        if name in ("evidence", "fix"):
            c.execute(f"UPDATE {t} SET {name} = json_set({name}, '$.details.h', CAST(? AS TEXT))"
                      f" WHERE json_valid({name})", (HOSTILE,))
            c.execute(f"UPDATE {t} SET {name} = CAST(? AS TEXT) WHERE id % 3 = 0 AND {name} IS NOT NULL", (HOSTILE,))
            continue
        try:
            c.execute(f"UPDATE OR IGNORE {t} SET {name} = CAST(? || CAST({name} AS BLOB) AS TEXT)"
                      f" WHERE {name} IS NOT NULL", (HOSTILE,))
        except sqlite3.Error as e:
            print(f"# {t}.{name}: {e}", file=sys.stderr)
c.commit()
