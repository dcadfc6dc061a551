/*
 * Benchmark input generator for `ipdrift import`.
 *   gen_import netbox N FILE   NetBox 4 IP-address CSV, N unique rows
 *                              (198.18.0.0/15 repeated over VRFs v0..v7)
 *   gen_import kea4 N FILE     Kea 2.x lease4 memfile, N lines: renewals of
 *                              198.18.0.0/15 addresses, every 50th a delete
 * Data only: nothing here sends packets; addresses are from the benchmark
 * range 198.18.0.0/15 anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv);

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gen_import netbox|kea4 N FILE\n");
		return 64;
	}
	long n = strtol(argv[2], NULL, 10);
	FILE *f = fopen(argv[3], "w");
	if (!f || n <= 0) {
		perror(argv[3]);
		return 73;
	}
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	const long space = 131072; /* 198.18.0.0/15 */
	if (!strcmp(argv[1], "netbox")) {
		fputs("address,vrf,tenant,status,role,device,virtual_machine,interface,fhrp_group,"
		      "is_primary,is_oob,dns_name,description,owner,comments,tags\r\n", f);
		static const char *const st[] = { "active", "active", "active", "reserved", "dhcp",
						  "deprecated" };
		for (long i = 0; i < n; i++) {
			long a = i % space, vrf = i / space;
			fprintf(f, "198.%ld.%ld.%ld/15,v%ld,tenant-%ld,%s,,,,,,,,host-%ld.v%ld.example.test,"
				   "\"bench row %ld, generated\",,,\r\n",
				18 + (a >> 16), (a >> 8) & 255, a & 255, vrf, i % 17, st[i % 6], a, vrf, i);
		}
	} else if (!strcmp(argv[1], "kea4")) {
		fputs("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
		      "hostname,state,user_context,pool_id\n", f);
		for (long i = 0; i < n; i++) {
			long a = (i * 7919) % space;  /* scattered renewals */
			long valid = i % 50 == 49 ? 0 : 7200;
			fprintf(f, "198.%ld.%ld.%ld,02:00:5e:%02lx:%02lx:%02lx,01:02:00:5e:%02lx:%02lx:%02lx,"
				   "%ld,%ld,1,1,1,host-%ld.example.test,0,%s,0\n",
				18 + (a >> 16), (a >> 8) & 255, a & 255, (a >> 16) & 255, (a >> 8) & 255,
				a & 255, (a >> 16) & 255, (a >> 8) & 255, a & 255, valid,
				1795545350L + i, a, i % 10 == 0 ? "{ \"note\": \"a&#x2cb\" }" : "");
		}
	} else {
		fprintf(stderr, "gen_import: unknown kind %s\n", argv[1]);
		return 64;
	}
	if (fclose(f) != 0) {
		perror(argv[3]);
		return 74;
	}
	return 0;
}
