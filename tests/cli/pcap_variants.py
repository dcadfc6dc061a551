#!/usr/bin/env python3
"""pcap_variants.py SRC.pcap OUTDIR: writes classic pcap files that exercise
scanner/readahead.c's direct reader and its hand-over to libpcap, built
from SRC (a little-endian microsecond pcap, e.g. from gen_bench_pcap):

  le.pcap        SRC as is, plus odd time stamps (negative seconds, a
                 fraction of a second >= 1,000,000)
  be.pcap        the same, written big-endian
  ns.pcap        nanosecond magic (fractions not multiples of 1000)
  be_ns.pcap     big-endian and nanoseconds
  snap0.pcap     snaplen 0 in the file header (libpcap uses its maximum)
  big.pcap       60,000-byte frames: records cross 1 MiB blocks
  oversnap.pcap  snaplen 100 and, mid-file, records longer than that (libpcap
                 cuts them to 100 bytes; from there on libpcap reads)
  huge.pcap      a record claiming 300,000 captured bytes mid-file (error)
  v23.pcap       format version 2.3 (libpcap only)
  cut_*.pcap     le.pcap cut inside a record header, inside record data and
                 exactly after a record
"""
import os
import struct
import sys


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack_from("<I", data, 0)
    assert magic == 0xA1B2C3D4, "SRC must be a little-endian microsecond pcap"
    linktype, = struct.unpack_from("<I", data, 20)
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, caplen, length = struct.unpack_from("<IIII", data, off)
        out.append([sec, usec, length, data[off + 16:off + 16 + caplen]])
        off += 16 + caplen
    return linktype, out


def write(path, recs, linktype, be=False, nsec=False, snaplen=65535, version=(2, 4)):
    e = ">" if be else "<"
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", magic, version[0], version[1], 0, 0, snaplen, linktype))
        for sec, frac, length, payload in recs:
            f.write(struct.pack(e + "iIII", sec, frac, len(payload), length))
            f.write(payload)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lt, recs = records(src)
    recs = recs[:3000]
    # odd time stamps libpcap passes through: negative seconds (signed 32
    # bit), a microsecond field past one second
    recs[1][0] = -5 & 0xFFFFFFFF
    recs[2][1] = 1999999
    signed = [[s if s < 2**31 else s - 2**32, u, l, p] for s, u, l, p in recs]
    write(f"{out}/le.pcap", signed, lt)
    write(f"{out}/be.pcap", signed, lt, be=True)
    ns = [[s, (u * 1000 + 999) & 0xFFFFFFFF, l, p] for s, u, l, p in signed]
    write(f"{out}/ns.pcap", ns, lt, nsec=True)
    write(f"{out}/be_ns.pcap", ns, lt, be=True, nsec=True)
    write(f"{out}/snap0.pcap", signed, lt, snaplen=0)
    big = [[1700000000 + i, i, 60000, (p * (60000 // max(len(p), 1) + 1))[:60000]]
           for i, (s, u, l, p) in enumerate(signed[:60])]
    write(f"{out}/big.pcap", big, lt, snaplen=262144)
    over = [[s, u, l, p[:100]] for s, u, l, p in signed]
    for i in range(1500, 1510):
        over[i][3] = signed[i][3] + b"\x00" * 200   # > snaplen 100
    write(f"{out}/oversnap.pcap", over, lt, snaplen=100)
    write(f"{out}/huge.pcap", signed[:1000], lt)
    with open(f"{out}/huge.pcap", "ab") as f:
        f.write(struct.pack("<iIII", 1700000000, 0, 300000, 300000))
        f.write(b"\x00" * 300000)
    write(f"{out}/v23.pcap", signed, lt, version=(2, 3))
    with open(f"{out}/le.pcap", "rb") as f:
        data = f.read()
    first = 24 + 16 + len(signed[0][3])          # end of record 1
    for name, n in (("hdr", first + 7), ("data", first + 16 + 5), ("edge", first),
                    ("late", len(data) - 3)):
        with open(f"{out}/cut_{name}.pcap", "wb") as f:
            f.write(data[:n])


if __name__ == "__main__":
    main()
