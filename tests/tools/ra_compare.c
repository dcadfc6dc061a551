/*
 * ra_compare FILE...: reads each capture twice, through scanner/readahead.c
 * (which takes classic pcap files with its direct reader) and with a bare
 * pcap_next_ex loop, and compares them frame by frame (time stamp, lengths,
 * bytes) and at the end (clean end, or the same error message). Prints one
 * line per file: "ok FILE frames=N direct=D libpcap=L" or "DIFF FILE: ...".
 * Exit 0 when every file matched, 1 otherwise, 2 on usage or open errors.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "../../scanner/readahead.h"

static int compare(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *a = pcap_open_offline(path, err);
	if (!a) {
		printf("open %s: %s\n", path, err);
		return 2;
	}
	pcap_t *b = pcap_open_offline(path, err);
	if (!b) {
		pcap_close(a);
		printf("open %s: %s\n", path, err);
		return 2;
	}
	struct readahead *ra = readahead_start(a, true);
	if (!ra) {
		printf("DIFF %s: no read-ahead thread\n", path);
		return 1;
	}
	struct ra_frame f;
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0;
	int rb, diff = 0;
	for (;;) {
		int ga = readahead_next(ra, &f);
		rb = pcap_next_ex(b, &h, &d);
		if (!ga && rb != 1)
			break;
		if (ga != (rb == 1)) {
			printf("DIFF %s: frame %llu: %s\n", path, n + 1,
			       ga ? "only the read-ahead has it" : "only libpcap has it");
			diff = 1;
			break;
		}
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		if (f.ts_us != ts || f.caplen != h->caplen || f.wirelen != h->len ||
		    memcmp(f.data, d, f.caplen) != 0) {
			printf("DIFF %s: frame %llu: ts %lld/%lld caplen %zu/%u len %zu/%u\n", path,
			       n + 1, (long long)f.ts_us, (long long)ts, f.caplen, h->caplen, f.wirelen,
			       h->len);
			diff = 1;
			break;
		}
		n++;
	}
	uint64_t nd = 0, nl = 0;
	readahead_counts(ra, &nd, &nl);
	char raerr[PCAP_ERRBUF_SIZE] = "";
	enum ipd_status st = readahead_finish(ra, raerr, sizeof raerr);
	if (!diff) {
		const char *berr = rb == PCAP_ERROR ? pcap_geterr(b) : "";
		if ((st != IPD_OK) != (rb == PCAP_ERROR) || strcmp(st != IPD_OK ? raerr : "", berr)) {
			printf("DIFF %s: end: read-ahead \"%s\", libpcap \"%s\"\n", path,
			       st != IPD_OK ? raerr : "(clean)", rb == PCAP_ERROR ? berr : "(clean)");
			diff = 1;
		}
	}
	if (!diff)
		printf("ok %s frames=%llu direct=%llu libpcap=%llu%s%s\n", path, n,
		       (unsigned long long)nd, (unsigned long long)nl, st != IPD_OK ? " error=" : "",
		       st != IPD_OK ? raerr : "");
	pcap_close(a);
	pcap_close(b);
	return diff;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ra_compare FILE...\n");
		return 2;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		int r = compare(argv[i]);
		if (r > rc)
			rc = r;
	}
	return rc;
}
