/*
 * bench_pcap_floor FILE...: the floor for `ipdrift listen -r`: read every
 * frame with pcap_next_ex and count it (and touch one byte, so the data is
 * really read), nothing else. Prints "frames N bytes B".
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	uint64_t frames = 0, bytes = 0, sum = 0;
	for (int i = 1; i < argc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(argv[i], err);
		if (!p) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		struct pcap_pkthdr *h;
		const u_char *d;
		int r;
		while ((r = pcap_next_ex(p, &h, &d)) == 1) {
			frames++;
			bytes += h->caplen;
			if (h->caplen)
				sum += d[h->caplen - 1];
		}
		if (r == PCAP_ERROR)
			fprintf(stderr, "%s: %s\n", argv[i], pcap_geterr(p));
		pcap_close(p);
	}
	printf("frames %llu bytes %llu (%llu)\n", (unsigned long long)frames,
	       (unsigned long long)bytes, (unsigned long long)(sum & 1));
	return 0;
}
