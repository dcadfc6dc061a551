/*
 * gen_pcaps OUTDIR [CORPUSDIR]: writes the golden-test captures of
 * tests/pcap/ (one per protocol feature, one per malformed variant), and
 * optionally every frame as a fuzz seed (first byte = link type selector,
 * as tests/fuzz/fuzz_frame.c reads it). Deterministic: fixed timestamps.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "framebuild.h"

#define BC "ff:ff:ff:ff:ff:ff"
#define M1 "02:00:00:00:00:01"
#define M2 "02:00:00:00:00:02"
#define M3 "02:00:00:00:00:03"
#define MS "02:00:00:00:00:53"
#define Z "00:00:00:00:00:00"
#define T0 1700000000L

static const char *outdir, *corpusdir;
static pcap_t *dead;
static pcap_dumper_t *dump;
static FILE *ngf;          /* pcapng output when not NULL */
static int cur_lt;
static long ts;
static int nseed;

static int lt_selector(int lt)
{
	return lt == DLT_EN10MB ? 0 : lt == DLT_LINUX_SLL ? 1 : lt == DLT_LINUX_SLL2 ? 2 : 3;
}

static void begin(const char *name, int lt)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s.pcap", outdir, name);
	dead = pcap_open_dead(lt, 65535);
	dump = pcap_dump_open(dead, p);
	if (!dump) {
		fprintf(stderr, "%s: %s\n", p, pcap_geterr(dead));
		exit(1);
	}
	cur_lt = lt;
	ts = T0;
}

static void end(void)
{
	if (ngf) {
		fclose(ngf);
		ngf = NULL;
		return;
	}
	pcap_dump_close(dump);
	pcap_close(dead);
}

static void seed(const uint8_t *b, size_t n)
{
	if (!corpusdir)
		return;
	char p[512];
	snprintf(p, sizeof p, "%s/seed-%04d", corpusdir, nseed++);
	FILE *f = fopen(p, "wb");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputc(lt_selector(cur_lt), f);
	fwrite(b, 1, n, f);
	fclose(f);
}

/* pcapng (hand-written: libpcap writes only pcap): SHB, one IDB, EPBs. */
static void ng_u32(uint32_t v) { fwrite(&v, 4, 1, ngf); }
static void ng_u16(uint16_t v) { fwrite(&v, 2, 1, ngf); }

static void begin_ng(const char *name, int lt)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s.pcapng", outdir, name);
	ngf = fopen(p, "wb");
	if (!ngf) {
		perror(p);
		exit(1);
	}
	cur_lt = lt;
	ts = T0;
	ng_u32(0x0a0d0d0a);  /* SHB */
	ng_u32(28);
	ng_u32(0x1a2b3c4d);
	ng_u16(1);
	ng_u16(0);
	ng_u32(0xffffffff);  /* section length unknown */
	ng_u32(0xffffffff);
	ng_u32(28);
	ng_u32(1);           /* IDB */
	ng_u32(20);
	ng_u16((uint16_t)lt);
	ng_u16(0);
	ng_u32(65535);
	ng_u32(20);
}

static void put_len(const uint8_t *b, size_t n, size_t wirelen)
{
	seed(b, n);
	if (ngf) {
		uint64_t t = (uint64_t)ts * 1000000;
		size_t padded = (n + 3) & ~(size_t)3;
		uint32_t blen = (uint32_t)(32 + padded);
		ng_u32(6);       /* EPB */
		ng_u32(blen);
		ng_u32(0);
		ng_u32((uint32_t)(t >> 32));
		ng_u32((uint32_t)t);
		ng_u32((uint32_t)n);
		ng_u32((uint32_t)wirelen);
		fwrite(b, 1, n, ngf);
		for (size_t i = n; i < padded; i++)
			fputc(0, ngf);
		ng_u32(blen);
		ts++;
		return;
	}
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)wirelen };
	h.ts.tv_sec = ts++;
	pcap_dump((u_char *)dump, &h, b);
}

static void put(const struct fb *f) { put_len(f->b, f->n, f->n); }

/* Advance the capture clock (seconds). */
static void later(long s) { ts += s; }

static void arp(const unsigned *tags, int nt, const char *esrc, unsigned op, const char *sha,
		const char *spa, const char *tha, const char *tpa)
{
	struct fb f = { .n = 0 };
	fb_eth(&f, op == 1 ? BC : M1, esrc, tags, nt, 0x0806);
	fb_arp(&f, op, sha, spa, tha, tpa);
	fb_pad(&f);
	put(&f);
}

static void nd(struct fb *f, const char *esrc, const char *src, const char *dst, unsigned type,
	       const uint8_t *body, size_t blen)
{
	fb_reset(f);
	fb_eth(f, "33:33:00:00:00:01", esrc, NULL, 0, 0x86dd);
	size_t at = fb_ipv6(f, src, dst, 255);
	fb_u8(f, type);
	fb_u8(f, 0);
	fb_be16(f, 0);
	fb_bytes(f, body, blen);
	fb_ipv6_end(f, at);
}

static size_t ns_body(uint8_t *b, const char *target, const char *slla)
{
	memset(b, 0, 4);
	inet_pton(AF_INET6, target, b + 4);
	if (!slla)
		return 20;
	struct fb m = { .n = 0 };
	fb_mac(&m, slla);
	b[20] = 1;
	b[21] = 1;
	memcpy(b + 22, m.b, 6);
	return 28;
}

static size_t na_body(uint8_t *b, unsigned flags, const char *target, const char *tlla)
{
	size_t n = ns_body(b, target, tlla);
	b[0] = (uint8_t)flags;
	if (tlla)
		b[20] = 2;
	return n;
}

static size_t ra_body(uint8_t *b, const char *slla)
{
	size_t n = 0;
	memset(b, 0, 128);
	b[0] = 64;
	b[2] = 0x07;
	b[3] = 0x08; /* 1800 s */
	n = 12;
	struct fb m = { .n = 0 };
	fb_mac(&m, slla);
	b[n] = 1; b[n + 1] = 1;
	memcpy(b + n + 2, m.b, 6);
	n += 8;
	b[n] = 3; b[n + 1] = 4; b[n + 2] = 64; b[n + 3] = 0xc0;
	b[n + 4] = 0; b[n + 5] = 0; b[n + 6] = 0x0e; b[n + 7] = 0x10;
	inet_pton(AF_INET6, "2001:db8:1::", b + n + 16);
	n += 32;
	b[n] = 5; b[n + 1] = 1; b[n + 6] = 0x05; b[n + 7] = 0xdc;
	n += 8;
	b[n] = 25; b[n + 1] = 3; b[n + 7] = 60;
	inet_pton(AF_INET6, "2001:db8::53", b + n + 8);
	n += 24;
	return n;
}

static void dhcp(struct fb *f, const char *esrc, unsigned op, const char *src, const char *dst,
		 const char *ciaddr, const char *yiaddr, const char *chaddr, const uint8_t *opts,
		 size_t olen)
{
	fb_reset(f);
	fb_eth(f, BC, esrc, NULL, 0, 0x0800);
	size_t at = fb_ipv4_udp(f, src, dst, op == 1 ? 68 : 67, op == 1 ? 67 : 68);
	fb_bootp(f, op, 0x1234abcd, ciaddr, yiaddr, "0.0.0.0", chaddr);
	fb_bytes(f, opts, olen);
	fb_ipv4_udp_end(f, at);
}

/* Every proper prefix of f as its own frame (wire length = full). */
static void all_prefixes(const struct fb *f, size_t from)
{
	for (size_t n = from; n < f->n; n++)
		put_len(f->b, n, f->n);
}

static const uint8_t discover[] = {
	53, 1, 1, 12, 6, 'l', 'a', 'p', 't', 'o', 'p', 61, 7, 1, 0x02, 0, 0, 0, 0, 0x02,
	55, 4, 1, 3, 6, 15, 60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.', '0', 255,
};
static const uint8_t request[] = {
	53, 1, 3, 50, 4, 192, 0, 2, 50, 54, 4, 192, 0, 2, 1, 12, 6, 'l', 'a', 'p', 't', 'o', 'p', 255,
};
static const uint8_t offer[] = {
	53, 1, 2, 54, 4, 192, 0, 2, 1, 1, 4, 255, 255, 255, 0, 3, 4, 192, 0, 2, 1,
	6, 8, 192, 0, 2, 53, 192, 0, 2, 54, 51, 4, 0, 0, 14, 16, 255,
};
static const uint8_t ack[] = {
	53, 1, 5, 54, 4, 192, 0, 2, 1, 3, 4, 192, 0, 2, 1, 6, 4, 192, 0, 2, 53, 255,
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_pcaps OUTDIR [CORPUSDIR]\n");
		return 2;
	}
	outdir = argv[1];
	corpusdir = argc > 2 ? argv[2] : NULL;
	mkdir(outdir, 0755);
	if (corpusdir)
		mkdir(corpusdir, 0755);
	struct fb f = { .n = 0 };
	uint8_t b[256];
	size_t n;

	begin("arp_request_reply", DLT_EN10MB);
	arp(NULL, 0, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
	arp(NULL, 0, M2, 2, M2, "192.0.2.2", M1, "192.0.2.1");
	arp(NULL, 0, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
	end();

	begin("arp_gratuitous_announce", DLT_EN10MB);
	arp(NULL, 0, M1, 1, M1, "192.0.2.10", Z, "192.0.2.10");  /* RFC 5227 announcement */
	arp(NULL, 0, M2, 2, M2, "192.0.2.11", BC, "192.0.2.11"); /* gratuitous reply */
	end();

	begin("arp_probe_conflict", DLT_EN10MB);
	arp(NULL, 0, M1, 2, M1, "192.0.2.5", M2, "192.0.2.9");
	arp(NULL, 0, M2, 1, M2, "0.0.0.0", Z, "192.0.2.5");      /* probe for a held address */
	arp(NULL, 0, M3, 1, M3, "0.0.0.0", Z, "192.0.2.77");     /* probe for a free one */
	end();

	begin("arp_changed_flipflop_reused", DLT_EN10MB);
	arp(NULL, 0, M1, 2, M1, "192.0.2.7", M3, "192.0.2.1");
	later(60);
	arp(NULL, 0, M2, 2, M2, "192.0.2.7", M3, "192.0.2.1");   /* changed */
	later(60);
	arp(NULL, 0, M1, 2, M1, "192.0.2.7", M3, "192.0.2.1");   /* flip flop */
	later(3 * 86400);
	arp(NULL, 0, M2, 2, M2, "192.0.2.7", M3, "192.0.2.1");   /* reused old, days later */
	end();

	begin("arp_ethernet_mismatch", DLT_EN10MB);
	arp(NULL, 0, M3, 2, M1, "192.0.2.20", M2, "192.0.2.1");
	end();

	{
		unsigned q[] = { 0x8100, 42 };
		begin("arp_vlan", DLT_EN10MB);
		arp(q, 1, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		arp(NULL, 0, M2, 1, M2, "192.0.2.1", Z, "192.0.2.2"); /* same IP, untagged: other host */
		end();
		unsigned qq[] = { 0x88a8, 100, 0x8100, 7 };
		begin("arp_qinq_88a8", DLT_EN10MB);
		arp(qq, 2, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		end();
		unsigned q9[] = { 0x9100, 200, 0x8100, 8 };
		begin("arp_qinq_9100", DLT_EN10MB);
		arp(q9, 2, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		end();
	}

	begin("arp_bogon", DLT_EN10MB);   /* run with --prefix 192.0.2.0/24 */
	arp(NULL, 0, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
	arp(NULL, 0, M2, 1, M2, "198.51.100.9", Z, "192.0.2.1");
	end();

	begin("nd_ns_na", DLT_EN10MB);
	n = ns_body(b, "2001:db8::2", M1);
	nd(&f, M1, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	put(&f);
	n = na_body(b, 0x60, "2001:db8::2", M2);
	nd(&f, M2, "2001:db8::2", "2001:db8::1", 136, b, n);
	put(&f);
	n = na_body(b, 0xa0, "fe80::2", M2);  /* router, override, unsolicited */
	nd(&f, M2, "fe80::2", "ff02::1", 136, b, n);
	put(&f);
	end();

	begin("nd_dad_conflict", DLT_EN10MB);
	n = na_body(b, 0x20, "2001:db8::5", M1);
	nd(&f, M1, "2001:db8::5", "ff02::1", 136, b, n);
	put(&f);
	n = ns_body(b, "2001:db8::5", NULL);
	nd(&f, M2, "::", "ff02::1:ff00:5", 135, b, n);
	put(&f);
	n = ns_body(b, "2001:db8::6", NULL);   /* DAD for a free address */
	nd(&f, M3, "::", "ff02::1:ff00:6", 135, b, n);
	put(&f);
	end();

	begin("nd_rs_ra", DLT_EN10MB);
	memset(b, 0, 4);
	b[4] = 1; b[5] = 1;
	{
		struct fb m = { .n = 0 };
		fb_mac(&m, M2);
		memcpy(b + 6, m.b, 6);
	}
	nd(&f, M2, "fe80::2", "ff02::2", 133, b, 12);
	put(&f);
	n = ra_body(b, M1);
	nd(&f, M1, "fe80::1", "ff02::1", 134, b, n);
	put(&f);
	put(&f);   /* the same router again: one event */
	end();

	begin("nd_echo_reply", DLT_EN10MB);
	{
		uint8_t e[12] = { 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' };
		nd(&f, M3, "2001:db8::33", "2001:db8::1", 129, e, 8);
		put(&f);
		nd(&f, M3, "2001:db8::33", "2001:db8::1", 128, e, 8);  /* request: skipped */
		put(&f);
	}
	end();

	begin("dhcp_client", DLT_EN10MB);
	dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, discover,
	     sizeof discover);
	put(&f);
	dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, request,
	     sizeof request);
	put(&f);
	{
		static const uint8_t inform[] = { 53, 1, 8, 255 };
		dhcp(&f, M2, 1, "192.0.2.50", "192.0.2.1", "192.0.2.50", "0.0.0.0", M2, inform,
		     sizeof inform);
		put(&f);
	}
	end();

	begin("dhcp_server", DLT_EN10MB);
	dhcp(&f, MS, 2, "192.0.2.1", "255.255.255.255", "0.0.0.0", "192.0.2.50", M2, offer,
	     sizeof offer);
	put(&f);
	dhcp(&f, MS, 2, "192.0.2.1", "255.255.255.255", "0.0.0.0", "192.0.2.50", M2, ack, sizeof ack);
	put(&f);
	end();

	begin("dhcp_overload", DLT_EN10MB);
	{
		static const uint8_t o52[] = { 53, 1, 1, 52, 1, 3, 255 };
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, o52, sizeof o52);
		size_t bootp = 14 + 28;
		static const uint8_t infile[] = { 12, 4, 'f', 'i', 'l', 'e', 255 };
		static const uint8_t insname[] = { 61, 3, 0, 'i', 'd', 255 };
		memcpy(f.b + bootp + 108, infile, sizeof infile);
		memcpy(f.b + bootp + 44, insname, sizeof insname);
		put(&f);
	}
	end();

	begin("dhcp_hostile_hostname", DLT_EN10MB);
	{
		static const uint8_t h[] = { 53, 1, 1, 12, 22, '<', 's', 'c', 'r', 'i', 'p', 't', '>',
					     0x1b, '[', '2', 'J', '"', '\\', 0xff, 0xfe, 0, '\n', '=',
					     'c', 'm', 'd', 255 };
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, h, sizeof h);
		put(&f);
	}
	end();

	begin("sll_arp", DLT_LINUX_SLL);
	{
		struct fb s = { .n = 0 };
		fb_be16(&s, 0);
		fb_be16(&s, 1);
		fb_be16(&s, 6);
		fb_mac(&s, M2);
		fb_be16(&s, 0);
		fb_be16(&s, 0x0806);
		fb_arp(&s, 2, M2, "198.51.100.7", M1, "198.51.100.1");
		put(&s);
	}
	end();

	begin("sll2_arp", DLT_LINUX_SLL2);
	{
		struct fb s = { .n = 0 };
		fb_be16(&s, 0x0806);
		fb_be16(&s, 0);
		fb_be32(&s, 2);
		fb_be16(&s, 1);
		fb_u8(&s, 0);
		fb_u8(&s, 6);
		fb_mac(&s, M3);
		fb_be16(&s, 0);
		fb_arp(&s, 2, M3, "198.51.100.8", M1, "198.51.100.1");
		put(&s);
	}
	end();

	begin_ng("pcapng_mixed", DLT_EN10MB);
	arp(NULL, 0, M1, 1, M1, "203.0.113.1", Z, "203.0.113.2");
	n = na_body(b, 0x20, "2001:db8::9", M2);
	nd(&f, M2, "2001:db8::9", "ff02::1", 136, b, n);
	put(&f);
	end();

	/* --- malformed --- */
	begin("malformed_truncated_arp", DLT_EN10MB);
	{
		unsigned q[] = { 0x8100, 5 };
		fb_reset(&f);
		fb_eth(&f, BC, M1, q, 1, 0x0806);
		fb_arp(&f, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		all_prefixes(&f, 0);
	}
	end();

	begin("malformed_truncated_nd", DLT_EN10MB);
	n = ra_body(b, M1);
	nd(&f, M1, "fe80::1", "ff02::1", 134, b, n);
	all_prefixes(&f, 12);
	end();

	begin("malformed_truncated_dhcp", DLT_EN10MB);
	dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, discover,
	     sizeof discover);
	all_prefixes(&f, 12);
	end();

	begin("malformed_nd_options", DLT_EN10MB);
	n = ns_body(b, "2001:db8::2", M1);
	b[21] = 0;   /* zero-length option */
	nd(&f, M1, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	put(&f);
	n = ns_body(b, "2001:db8::2", M1);
	b[21] = 9;   /* option longer than the message */
	nd(&f, M1, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	put(&f);
	n = ra_body(b, M1);
	b[12 + 8 + 1] = 3;   /* prefix option with length 3 */
	nd(&f, M1, "fe80::1", "ff02::1", 134, b, n - 8 - 24);
	put(&f);
	end();

	begin("malformed_dhcp_options", DLT_EN10MB);
	{
		static const uint8_t absurd[] = { 53, 1, 1, 12, 255, 'x' };
		static const uint8_t nolen[] = { 53, 1, 1, 12 };
		static const uint8_t badsid[] = { 53, 1, 2, 54, 3, 1, 2, 3, 255 };
		static const uint8_t zerohost[] = { 53, 1, 1, 12, 0, 255 };
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, absurd,
		     sizeof absurd);
		put(&f);
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, nolen,
		     sizeof nolen);
		put(&f);
		dhcp(&f, MS, 2, "192.0.2.1", "255.255.255.255", "0.0.0.0", "192.0.2.50", M2, badsid,
		     sizeof badsid);
		put(&f);
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, zerohost,
		     sizeof zerohost);
		put(&f);
		/* UDP length larger than the IP payload */
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, discover,
		     sizeof discover);
		fb_put16(&f, 14 + 24, 2000);
		put(&f);
	}
	end();

	begin("malformed_vlan", DLT_EN10MB);
	fb_reset(&f);
	fb_mac(&f, BC);
	fb_mac(&f, M1);
	fb_be16(&f, 0x8100);
	put(&f);                  /* tag, nothing after */
	fb_be16(&f, 5);
	fb_be16(&f, 0x0806);
	put(&f);                  /* complete tag, empty ARP */
	{
		unsigned deep[] = { 0x8100, 1, 0x8100, 2, 0x8100, 3, 0x8100, 4, 0x8100, 5 };
		fb_reset(&f);
		fb_eth(&f, BC, M1, deep, 5, 0x0806);
		fb_arp(&f, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		put(&f);          /* five tags: invalid */
	}
	end();

	/* Found by the shared tcpdump captures: a TCP segment cut by the
	 * snapshot length was counted as a truncated DHCP/ND packet. It is
	 * somebody else's packet: skipped. */
	begin("bug_snapped_tcp_is_skipped", DLT_EN10MB);
	{
		fb_reset(&f);
		fb_eth(&f, M2, M1, NULL, 0, 0x0800);
		size_t at = fb_ipv4_udp(&f, "192.0.2.1", "192.0.2.2", 40000, 443);
		fb_zero(&f, 1200);
		fb_ipv4_udp_end(&f, at);
		f.b[at + 9] = 6;
		put_len(f.b, 96, f.n);       /* tcpdump -s 96 */
		fb_reset(&f);
		fb_eth(&f, M2, M1, NULL, 0, 0x86dd);
		size_t a6 = fb_ipv6(&f, "2001:db8::1", "2001:db8::2", 64);
		fb_zero(&f, 1200);
		fb_ipv6_end(&f, a6);
		f.b[a6 + 6] = 6;             /* next header TCP */
		put_len(f.b, 96, f.n);
		fb_reset(&f);
		fb_eth(&f, BC, M1, NULL, 0, 0x0800);
		at = fb_ipv4_udp(&f, "0.0.0.0", "255.255.255.255", 68, 67);
		fb_bootp(&f, 1, 1, "0.0.0.0", "0.0.0.0", "0.0.0.0", M1);
		fb_ipv4_udp_end(&f, at);
		put_len(f.b, 96, f.n);       /* a snapped DHCP message is truncated */
	}
	end();

	/* --count and --filter (run with "--count 2 -f arp") */
	begin("opt_count_filter", DLT_EN10MB);
	{
		fb_reset(&f);
		fb_eth(&f, M2, M1, NULL, 0, 0x0800);
		size_t at = fb_ipv4_udp(&f, "192.0.2.1", "192.0.2.2", 5353, 53);
		fb_zero(&f, 20);
		fb_ipv4_udp_end(&f, at);
		put(&f);
		arp(NULL, 0, M1, 1, M1, "192.0.2.1", Z, "192.0.2.2");
		put(&f);
		arp(NULL, 0, M2, 2, M2, "192.0.2.2", M1, "192.0.2.1");
		arp(NULL, 0, M3, 2, M3, "192.0.2.3", M1, "192.0.2.1");  /* beyond --count */
	}
	end();

	begin("other_linktype", DLT_RAW);
	{
		struct fb r = { .n = 0 };
		size_t at = fb_ipv4_udp(&r, "192.0.2.1", "192.0.2.2", 68, 67);
		fb_ipv4_udp_end(&r, at);
		put(&r);
	}
	end();

	begin("noise", DLT_EN10MB);
	{
		fb_reset(&f);
		fb_eth(&f, M2, M1, NULL, 0, 0x0800);
		size_t at = fb_ipv4_udp(&f, "192.0.2.1", "192.0.2.2", 5353, 53);
		fb_zero(&f, 20);
		fb_ipv4_udp_end(&f, at);
		put(&f);
		f.b[14 + 9] = 6;  /* TCP */
		put(&f);
		fb_reset(&f);
		fb_eth(&f, M2, M1, NULL, 0, 0x88cc);  /* LLDP */
		fb_zero(&f, 46);
		put(&f);
		fb_reset(&f);
		fb_mac(&f, M2);
		fb_mac(&f, M1);
		fb_be16(&f, 46);  /* 802.3 length */
		fb_zero(&f, 46);
		put(&f);
	}
	end();

	/* DHCP fingerprints (55 / 60 / 61) reach the events. The vendor class
	 * is attacker-controlled: quote, backslash, ESC sequence, a C0 control,
	 * invalid UTF-8 (0xff, a lead byte cut short), U+202E and "</". */
	begin("dhcp_fingerprint", DLT_EN10MB);
	{
		static const uint8_t fp[] = {
			53, 1, 1,
			61, 7, 1, 0x02, 0, 0, 0, 0, 0x03,
			55, 6, 1, 3, 6, 15, 119, 252,
			60, 27, 'u', 'd', 'h', 'c', 'p', '"', '\\', 0x1b, '[', '3', '1', 'm', 0x01,
			0xff, 0xc3, '(', 0xe2, 0x80, 0xae, '<', '/', 's', 'c', 'r', 'i', 'p', 't',
			255,
		};
		static const uint8_t named[] = {
			53, 1, 3, 50, 4, 192, 0, 2, 60, 12, 5, 'p', 'h', 'o', 'n', 'e',
			61, 7, 1, 0x02, 0, 0, 0, 0, 0x03,
			55, 6, 1, 3, 6, 15, 119, 252,
			60, 4, 'M', 'S', 'F', 'T',
			255,
		};
		static const uint8_t vc_only[] = { 53, 1, 1, 60, 15, 'a', 'n', 'd', 'r', 'o', 'i', 'd',
						   '-', 'd', 'h', 'c', 'p', '-', '1', '3', 255 };
		static const uint8_t vc_prl[] = { 53, 1, 1, 60, 15, 'a', 'n', 'd', 'r', 'o', 'i', 'd',
						  '-', 'd', 'h', 'c', 'p', '-', '1', '3',
						  55, 3, 1, 3, 6, 255 };
		static const uint8_t bare[] = { 53, 1, 1, 255 };
		/* no hostname: a "dhcp client" event, then the same again: none */
		dhcp(&f, M3, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M3, fp, sizeof fp);
		put(&f);
		put(&f);
		/* with a hostname: the fingerprint rides on "dhcp hostname" */
		dhcp(&f, M3, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M3, named,
		     sizeof named);
		put(&f);
		/* vendor class only: the other keys are absent */
		dhcp(&f, M1, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M1, vc_only,
		     sizeof vc_only);
		put(&f);
		/* the same client with a changed fingerprint: a new event */
		dhcp(&f, M1, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M1, vc_prl,
		     sizeof vc_prl);
		put(&f);
		/* neither hostname nor fingerprint: no event */
		dhcp(&f, M2, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", M2, bare,
		     sizeof bare);
		put(&f);
	}
	end();
	return 0;
}
