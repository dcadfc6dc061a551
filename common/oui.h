/*
 * MAC vendor lookup from the IEEE registry (Debian ieee-data CSVs):
 * MA-L (24-bit), MA-M (28-bit) and MA-S / IAB (36-bit) assignments, longest
 * prefix wins. The CSVs are read with the RFC 4180 reader (common/csv.h):
 * organisation addresses contain quoted newlines, so a line split is wrong.
 *
 * An optional override file in arp-scan's mac-vendor.txt format (mac-vendor(5):
 * "<2..12 hex digits, separators :-. ignored><TAB><vendor>", '#' comments) is
 * consulted first, longest prefix wins; it may name locally administered
 * prefixes too (52:54:00 QEMU).
 *
 * Locally administered unicast MACs (randomised / "private" addresses) have no
 * vendor: the lookup returns OUI_LA_VENDOR for them instead.
 */
#ifndef IPD_OUI_H
#define IPD_OUI_H
#include <stdbool.h>

#include "addr.h"

#define OUI_DEFAULT_DIR "/usr/share/ieee-data"
#define OUI_LA_VENDOR "randomised/locally administered"

struct oui_db;

enum oui_match {
	OUI_UNKNOWN = 0,   /* not in the registry: vendor NULL */
	OUI_REGISTRY,      /* IEEE MA-L / MA-M / MA-S / IAB */
	OUI_OVERRIDE,      /* from the override file */
	OUI_LOCAL,         /* locally administered unicast: OUI_LA_VENDOR */
};

struct oui_result {
	enum oui_match match;
	const char *vendor;  /* borrowed from the db; NULL when OUI_UNKNOWN */
	int bits;            /* prefix length that matched (24, 28, 36; override: 4*digits) */
	const char *registry;/* "MA-L", "MA-M", "MA-S", "IAB", "override", "LA" or NULL */
};

/*
 * Create a lookup handle. Nothing is read until the first lookup (loaded
 * lazily, once). dir NULL = OUI_DEFAULT_DIR; override_path may be NULL.
 */
struct oui_db *oui_new(const char *dir, const char *override_path);
void oui_free(struct oui_db *db);
/* Force the load now; returns the number of registry entries read (0 when the
 * registry is missing, which is logged once and not fatal). */
long oui_load(struct oui_db *db);

/* Vendor name (borrowed), OUI_LA_VENDOR for LA unicast, or NULL when unknown. */
const char *oui_vendor(struct oui_db *db, const struct ipd_mac *mac);
/* The same with the kind of match and the prefix length. */
void oui_lookup(struct oui_db *db, const struct ipd_mac *mac, struct oui_result *out);

/* A process-wide handle on OUI_DEFAULT_DIR (no override), created on first
 * use; for callers that have no handle to thread through (sweep output). */
struct oui_db *oui_default(void);

#endif
