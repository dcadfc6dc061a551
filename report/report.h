/*
 * Report writers: one vtable per output format, looked up by name in a static
 * registry (after zmap's output_modules). A writer pulls what it needs from
 * the store through db/db_report.h and streams it to ctx->f; every string
 * that came from outside the program goes through common/escape.h for its
 * format. The record layout of json/ndjson is documented in report/SCHEMA.md.
 */
#ifndef IPD_REPORT_H
#define IPD_REPORT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/escape.h"
#include "../common/status.h"
#include "../db/db_report.h"

#define RPT_SCHEMA_VERSION 1

enum rpt_what {
	RPT_FINDINGS = 1,
	RPT_HOSTS = 2,
	RPT_ALL = 3,
};

enum rpt_evidence {
	RPT_EVIDENCE_AUTO = 0,  /* full up to RPT_FULL_EVIDENCE_MAX findings, else summary */
	RPT_EVIDENCE_FULL,      /* HTML: every finding's evidence and fix JSON in <details> */
	RPT_EVIDENCE_SUMMARY,   /* HTML: first observation/record/answer + counts only */
};
#define RPT_FULL_EVIDENCE_MAX 20000

struct rpt_ctx {
	FILE *f;
	struct db *db;
	int64_t run_id;       /* audit run reported on; -1 = none (inventory only) */
	int64_t prev_run_id;  /* the audit before it, -1 = none */
	unsigned what;        /* enum rpt_what bits */
	int64_t now;          /* generation time (SOURCE_DATE_EPOCH when set) */
	enum rpt_evidence evidence;
	const char *version;  /* tool version */
	const char *db_path;
	/* MAC -> vendor name or NULL; the result is borrowed until the next
	 * call. NULL hook: only "randomised/LA" is known. */
	const char *(*vendor)(void *arg, const char *mac);
	void *vendor_arg;
};

struct rpt_writer {
	const char *name;
	const char *ext;           /* file name extension, no dot */
	unsigned what_default;     /* what to write when --what is not given */
	unsigned what_ok;          /* what it can write */
	bool one_table;            /* findings or hosts per file, not both */
	enum ipd_status (*write)(struct rpt_ctx *c);
};

extern const struct rpt_writer rpt_json, rpt_ndjson, rpt_csv, rpt_html;
/* NULL when unknown. */
const struct rpt_writer *rpt_writer_find(const char *name);
/* "json, ndjson, csv, html" for usage messages. */
const char *rpt_writer_names(void);

/* --- helpers shared by the writers --- */

/* Counts of one run; index 0..4 = db_rpt_severities, 5 = other. */
enum { RPT_ST_NEW, RPT_ST_ONGOING, RPT_ST_RESOLVED, RPT_ST_OTHER, RPT_NST };
extern const char *const rpt_state_names[RPT_NST];
struct rpt_summary {
	int64_t n[6][RPT_NST];   /* unsuppressed, by severity x state */
	int64_t by_sev[6], by_state[RPT_NST];
	int64_t suppressed, total;
};
enum ipd_status rpt_summary_load(struct rpt_ctx *c, struct rpt_summary *s);
int rpt_state_index(const char *state);

/* Usable addresses of a subnet, as the audit's subnet-exhaustion rule counts
 * them: IPv4 prefixes up to /30 lose the network and broadcast address. */
uint64_t rpt_usable(const struct db_subnet_usage *u);

/* "2023-11-14T22:13:20Z", "" for t <= 0. buf >= 24. */
const char *rpt_time(int64_t t, char *buf, size_t len);
#define RPT_TIME_LEN 24

/* Vendor of a MAC: the hook's answer, else "randomised/LA" for locally
 * administered unicast MACs, else NULL. */
const char *rpt_vendor(struct rpt_ctx *c, const char *mac);

/* Copy stored JSON (json_valid() said yes) re-encoded so the output is valid
 * UTF-8 JSON whatever the stored bytes were: invalid UTF-8 -> U+FFFD (only
 * possible inside strings), "</" -> "<\/", U+2028/9 -> \u2028/9. */
void rpt_json_copy(const struct esc_out *o, const char *s, size_t n);

/* Write the dns/ipam names that a fix writer would refuse, for reports:
 * calls cb once per refused name. */
typedef int (*rpt_refused_cb)(void *arg, const struct db_rpt_fix_dns *fx, const struct db_text *bad);
enum ipd_status rpt_refused_names(struct rpt_ctx *c, rpt_refused_cb cb, void *arg);

#endif

/* --- output files --- */
/* Open path for writing a report or fix. Without force: created with
 * O_CREAT|O_EXCL, mode 0640 (refuses to overwrite). With force: written to a
 * temporary file in the same directory and renamed over path by
 * rpt_out_close, so readers never see half a file. path NULL or "-" = stdout.
 * Returns NULL (logged) on error. */
struct rpt_out;
struct rpt_out *rpt_out_open(const char *path, bool force, FILE **f);
/* Close; ok == false discards the output (removes the file). Returns false
 * when closing or renaming failed. */
bool rpt_out_close(struct rpt_out *out, bool ok);
