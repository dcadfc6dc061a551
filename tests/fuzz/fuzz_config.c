/*
 * libFuzzer target for the ipdrift.conf(5) parser (app/config.c): arbitrary
 * bytes as a configuration file. The parser must never crash, every
 * diagnostic must be one "NAME:..." line, and an accepted configuration must
 * hold only values the parser validated (checked on a few fields).
 * The file is an in-memory memfd, read through /proc/self/fd/N.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../app/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.conf", 0);
	if (fd < 0)
		return 0;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return 0;
		}
		off += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *msgs = NULL;
	size_t len = 0;
	FILE *errf = open_memstream(&msgs, &len);
	struct config *cfg = NULL;
	int n = config_load(path, errf, &cfg);
	fclose(errf);
	close(fd);
	if ((n == 0) != (cfg != NULL))
		abort();
	/* every diagnostic line starts with the file name */
	for (char *line = msgs; line && *line;) {
		if (strncmp(line, path, strlen(path)) != 0)
			abort();
		char *nl = strchr(line, '\n');
		if (!nl)
			abort();
		line = nl + 1;
	}
	if (cfg) {
		for (size_t i = 0; i < cfg->nseg; i++) {
			const struct cfg_segment *s = &cfg->seg[i];
			if (!s->iface || strlen(s->iface) > 15 || s->vlan < 0 || s->vlan > 4094)
				abort();
		}
		if (cfg->fail_on && !config_is_severity(cfg->fail_on))
			abort();
		if (cfg->listen_window < 0 || cfg->listen_window > 86400)
			abort();
		config_free(cfg);
	}
	free(msgs);
	return 0;
}
