/*
 * DNS reply parser: RFC 1035 §4.1 (header, question, RRs), §4.1.4 (name
 * compression), RFC 3596 (AAAA), RFC 2308 §5 (negative answers: the SOA in
 * the authority section gives the negative TTL). Bytes are read only through
 * scanner/pcur.h.
 */
#include "dns_msg.h"

#include <stdio.h>
#include <string.h>

#include "../scanner/pcur.h"

#define WIRE_NAME_MAX 255
#define MAX_JUMPS 64

/* Append one text byte (or an escape) to out; false when full. */
static bool put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > outlen)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	return true;
}

bool dns_name_decode(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outlen)
{
	struct pcur c;
	pcur_init(&c, msg, len);
	if (!pcur_skip(&c, *off))
		return false;
	size_t o = 0, wire = 1, end = 0;
	int jumps = 0;
	bool jumped = false;
	if (outlen < 2)
		return false;
	for (;;) {
		uint8_t l = pcur_u8(&c);
		if (!pcur_ok(&c))
			return false;
		if (l == 0)
			break;
		if ((l & 0xc0) == 0xc0) {
			uint16_t ptr = (uint16_t)((l & 0x3f) << 8 | pcur_u8(&c));
			if (!pcur_ok(&c) || ptr >= len || ++jumps > MAX_JUMPS)
				return false;
			if (!jumped) {
				end = pcur_offset(&c);
				jumped = true;
			}
			pcur_init(&c, msg, len);
			pcur_skip(&c, ptr);
			continue;
		}
		if (l & 0xc0)
			return false; /* 0x40/0x80: extended/binary label types, obsolete */
		wire += (size_t)l + 1;
		if (wire > WIRE_NAME_MAX)
			return false;
		const uint8_t *lab = pcur_bytes(&c, l);
		if (!lab)
			return false;
		for (size_t i = 0; i < l; i++) {
			bool ok;
			if (lab[i] == '.')
				ok = put(out, outlen, &o, "\\.", 2);
			else if (lab[i] == '\\')
				ok = put(out, outlen, &o, "\\\\", 2);
			else if (lab[i] == 0)
				ok = put(out, outlen, &o, "\\000", 4);
			else
				ok = put(out, outlen, &o, (const char *)&lab[i], 1);
			if (!ok)
				return false;
		}
		if (!put(out, outlen, &o, ".", 1))
			return false;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	*off = jumped ? end : pcur_offset(&c);
	return true;
}

enum ipd_status dns_msg_parse(const uint8_t *msg, size_t len, uint16_t qtype,
			      struct dns_msg_info *info, dns_msg_rr_cb cb, void *arg)
{
	struct pcur c;
	char owner[DNS_NAME_TEXT_MAX], target[DNS_NAME_TEXT_MAX];
	memset(info, 0, sizeof *info);
	info->rcode = -1;
	info->neg_ttl = -1;
	pcur_init(&c, msg, len);
	info->id = pcur_be16(&c);
	uint16_t flags = pcur_be16(&c);
	info->qdcount = pcur_be16(&c);
	info->ancount = pcur_be16(&c);
	info->nscount = pcur_be16(&c);
	info->arcount = pcur_be16(&c);
	if (!pcur_ok(&c))
		return IPD_ETRUNC;
	info->qr = flags & 0x8000;
	info->aa = flags & 0x0400;
	info->tc = flags & 0x0200;
	info->rcode = flags & 0x000f;

	size_t off = pcur_offset(&c);
	for (unsigned i = 0; i < info->qdcount; i++) {
		if (!dns_name_decode(msg, len, &off, owner, sizeof owner))
			return IPD_EINVAL;
		if (off + 4 > len)
			return IPD_ETRUNC;
		off += 4;
	}
	unsigned total = (unsigned)info->ancount + info->nscount;
	for (unsigned i = 0; i < total; i++) {
		bool answer = i < info->ancount;
		if (!dns_name_decode(msg, len, &off, owner, sizeof owner))
			return IPD_EINVAL;
		pcur_init(&c, msg, len);
		pcur_skip(&c, off);
		uint16_t type = pcur_be16(&c);
		uint16_t klass = pcur_be16(&c);
		uint32_t ttl = pcur_be32(&c);
		uint16_t rdlen = pcur_be16(&c);
		size_t rdoff = pcur_offset(&c);
		struct pcur rd = pcur_sub(&c, rdlen);
		if (!pcur_ok(&c) || !pcur_ok(&rd))
			return IPD_ETRUNC;
		off = pcur_offset(&c);
		if (ttl > 0x7fffffffu)
			ttl = 0; /* RFC 2181 §8: treat as zero */
		if (klass != 1)
			continue;
		if (answer && type == qtype) {
			struct dns_msg_rr rr = { .type = type, .ttl = ttl, .owner = owner };
			if (type == DNS_T_A) {
				uint8_t b[4];
				if (rdlen != 4 || !pcur_copy(&rd, b, 4))
					return IPD_EINVAL;
				ipd_ip_from_v4_bytes(&rr.ip, b);
			} else if (type == DNS_T_AAAA) {
				uint8_t b[16];
				if (rdlen != 16 || !pcur_copy(&rd, b, 16))
					return IPD_EINVAL;
				ipd_ip_from_v6_bytes(&rr.ip, b);
			} else if (type == DNS_T_PTR) {
				size_t t = rdoff;
				if (!dns_name_decode(msg, len, &t, target, sizeof target) ||
				    t > rdoff + rdlen)
					return IPD_EINVAL;
				rr.target = target;
			}
			if (cb)
				cb(arg, &rr);
		} else if (!answer && type == 6 /* SOA */) {
			/* RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM) */
			size_t t = rdoff;
			if (!dns_name_decode(msg, len, &t, target, sizeof target) ||
			    !dns_name_decode(msg, len, &t, target, sizeof target) ||
			    t + 20 > rdoff + rdlen)
				return IPD_EINVAL;
			struct pcur s;
			pcur_init(&s, msg, len);
			pcur_skip(&s, t + 16);
			uint32_t minimum = pcur_be32(&s);
			info->neg_ttl = minimum < ttl ? minimum : ttl;
		}
	}
	return IPD_OK;
}
