/* Run lock (a second holder is refused with 75 while the first lives, and
 * gets it once the first is SIGKILLed), prune retention, and `run` end to end
 * with the stages that exist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/app.h"
#include "../../app/lock.h"
#include "../../common/log.h"
#include "../../db/db.h"
#include "../../db/db_maint.h"

static char dir[64];
static char dbp[128], lockp[128], confp[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ipdrift-run-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbp, sizeof dbp, "%s/t.db", dir);
	snprintf(lockp, sizeof lockp, "%s/t.db.lock", dir);
	snprintf(confp, sizeof confp, "%s/t.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Child takes the lock, tells the parent, then sleeps until killed. */
static pid_t holder(void)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lock l;
		close(p[0]);
		if (lock_take(&l, lockp, false) != 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (int i = 0; i < 600; i++)
			sleep(1);
		_exit(0);
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void second_lock_refused_until_holder_dies(void **state)
{
	(void)state;
	pid_t pid = holder();
	struct lock l;
	assert_int_equal(lock_take(&l, lockp, false), EX_TEMPFAIL);
	/* the whole command refuses too, before touching the store */
	FILE *f = fopen(confp, "w");
	fprintf(f, "database = %s\n", dbp);
	fclose(f);
	struct app app = { .db_path = "unused.db", .config_path = confp };
	char a0[] = "run";
	char *argv[] = { a0, NULL };
	optind = 0;
	assert_int_equal(cmd_run.run(&app, 1, argv), EX_TEMPFAIL);
	assert_int_equal(access(dbp, F_OK), -1);
	/* SIGKILL: the kernel drops the flock; no stale lock */
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	assert_int_equal(lock_take(&l, lockp, false), 0);
	lock_release(&l);
	/* --wait: blocks until the holder goes away */
	pid = holder();
	pid_t killer = fork();
	if (killer == 0) {
		usleep(300 * 1000);
		kill(pid, SIGTERM);
		_exit(0);
	}
	time_t t0 = time(NULL);
	assert_int_equal(lock_take(&l, lockp, true), 0);
	assert_true(time(NULL) - t0 < 10);
	lock_release(&l);
	waitpid(pid, &st, 0);
	waitpid(killer, &st, 0);
}

static void exec_sql(const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(dbp, &h), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, err);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(h);
}

static int64_t count(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(dbp, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void prune_keeps_findings_history(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(db_open(dbp, DB_CREATE, &db), IPD_OK);
	db_close(db);
	int64_t old = (int64_t)time(NULL) - 40 * 86400, now = (int64_t)time(NULL);
	char sql[4096];
	snprintf(sql, sizeof sql,
		 /* 1: old parent run, 2: its old audit with findings -> both kept;
		  * 3: old sweep -> deleted (its coverage cascades); 4: new sweep kept;
		  * 5: an old run still 'running' is never deleted */
		 "INSERT INTO runs(id,kind,started,status) VALUES (1,'run',%lld,'ok');"
		 "INSERT INTO runs(id,kind,parent_id,started,status) VALUES (2,'audit',1,%lld,'ok');"
		 "INSERT INTO runs(id,kind,started,status) VALUES (3,'sweep',%lld,'ok');"
		 "INSERT INTO runs(id,kind,started,status) VALUES (4,'sweep',%lld,'ok');"
		 "INSERT INTO runs(id,kind,started,status) VALUES (5,'listen',%lld,'running');"
		 "INSERT INTO findings(run_id,fingerprint,rule,severity,subject_kind,subject,state,"
		 " summary) VALUES (2,'rogue-host|192.0.2.9','rogue-host','high','ip','192.0.2.9',"
		 " 'new','x');"
		 "INSERT INTO observations(ip,ip_text,family,mac,method,first_seen,last_seen)"
		 " VALUES (x'00000000000000000000ffffc0000209','192.0.2.9',4,'02:00:00:00:00:09',"
		 " 'arp-active',%lld,%lld),"
		 " (x'00000000000000000000ffffc000020a','192.0.2.10',4,'02:00:00:00:00:0a',"
		 " 'arp-active',%lld,%lld);"
		 "INSERT INTO dns_answers(qname,qtype,status,at) VALUES ('a.','A','ok',%lld),"
		 " ('b.','A','timeout',%lld);"
		 "INSERT INTO events(at,kind) VALUES (%lld,'new station'),(%lld,'flip flop');"
		 "INSERT INTO coverage(run_id,lo,hi,at) VALUES (4,x'00',x'ff',%lld),(4,x'00',x'ff',%lld);",
		 (long long)old, (long long)old, (long long)old, (long long)now, (long long)old,
		 (long long)old, (long long)old, (long long)old, (long long)now, (long long)old,
		 (long long)now, (long long)old, (long long)now, (long long)old, (long long)now);
	exec_sql(sql);

	assert_int_equal(db_open(dbp, 0, &db), IPD_OK);
	struct db_prune_counts c;
	/* dry run: counts, nothing deleted */
	assert_int_equal(db_prune(db, now - 30 * 86400, true, &c), IPD_OK);
	assert_int_equal(c.runs, 1);
	assert_int_equal(count("SELECT count(*) FROM runs"), 5);
	assert_int_equal(db_prune(db, now - 30 * 86400, false, &c), IPD_OK);
	assert_int_equal(c.runs, 1);
	assert_int_equal(c.observations, 1);
	assert_int_equal(c.dns_answers, 1);
	assert_int_equal(c.events, 1);
	assert_int_equal(c.coverage, 1);
	assert_int_equal(db_vacuum(db), IPD_OK);
	assert_true(db_integrity_ok(db));
	db_close(db);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE id IN (1,2,4,5)"), 4);
	assert_int_equal(count("SELECT count(*) FROM findings"), 1);
	assert_int_equal(count("SELECT count(*) FROM observations WHERE ip_text='192.0.2.10'"), 1);
}

static void marks_killed_runs_interrupted(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(db_open(dbp, DB_CREATE, &db), IPD_OK);
	int64_t parent = db_run_start(db, "run", 0, NULL, NULL, NULL);
	int64_t child = db_run_start(db, "sweep", parent, "eth0", NULL, NULL);
	int64_t alone = db_run_start(db, "listen", 0, "eth0", NULL, NULL);
	/* a stage that ignored parent_run and stopped on the watchdog's SIGTERM */
	int64_t stopped = db_run_start(db, "sweep", 0, "eth1", NULL, NULL);
	struct db_run_stats st = { .status = "interrupted", .loss = -1 };
	assert_int_equal(db_run_finish(db, stopped, &st), IPD_OK);
	assert_true(parent > 0 && child > 0 && alone > 0 && stopped > 0);
	assert_int_equal(db_runs_mark_interrupted(db), 2);
	db_close(db);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE status='interrupted'"), 3);
	char q[128];
	snprintf(q, sizeof q, "SELECT parent_id FROM runs WHERE id=%lld", (long long)stopped);
	assert_int_equal(count(q), parent);
	/* a standalone `ipdrift listen` outside any run is left alone */
	assert_int_equal(count("SELECT count(*) FROM runs WHERE status='running' AND kind='listen'"), 1);
}

static void run_records_parent_and_stage_results(void **state)
{
	(void)state;
	FILE *f = fopen(confp, "w");
	fprintf(f, "database = t.db\n[audit]\nfail_on = high\n[report]\nhtml = out/r.html\n");
	fclose(f);
	struct app app = { .db_path = "unused.db", .config_path = confp };
	char a0[] = "run", a1[] = "--quiet", a2[] = "--skip", a3[] = "import,sweep,listen,resolve";
	char *argv[] = { a0, a1, a2, a3, NULL };
	optind = 0;
	int rc = cmd_run.run(&app, 4, argv);
	log_set_level(LOG_LVL_WARN);
	/* 0, or 1 when a real audit finds something at/above high in an empty store (it
	 * should not); never an error: unavailable stages are skipped, not fatal */
	assert_int_equal(rc, 0);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE kind='run' AND status='ok'"), 1);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE kind='run' AND stats LIKE"
			       " '%\"stage\":\"audit\"%'"), 1);
	/* the stages that exist record their runs under the parent */
	assert_int_equal(count("SELECT count(*) FROM runs WHERE parent_id IS NOT NULL AND"
			       " parent_id <> (SELECT id FROM runs WHERE kind='run')"), 0);
	/* a bad --fail-on is a usage error */
	char b1[] = "--fail-on", b2[] = "severe";
	char *bad[] = { a0, b1, b2, NULL };
	optind = 0;
	assert_int_equal(cmd_run.run(&app, 3, bad), EX_USAGE);
}

static void run_prunes_at_end_under_its_lock(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(db_open(dbp, DB_CREATE, &db), IPD_OK);
	db_close(db);
	int64_t old = (int64_t)time(NULL) - 100 * 86400;
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO runs(id,kind,started,status) VALUES (1,'sweep',%lld,'ok');"
		 "INSERT INTO events(at,kind) VALUES (%lld,'new station');",
		 (long long)old, (long long)old);
	exec_sql(sql);
	FILE *f = fopen(confp, "w");
	fprintf(f, "database = t.db\n[prune]\nolder_than = 30\n");
	fclose(f);
	struct app app = { .db_path = "unused.db", .config_path = confp };
	char a0[] = "run", a1[] = "--skip", a2[] = "import,sweep,listen,resolve,audit,report,fix";
	char *argv[] = { a0, a1, a2, NULL };
	optind = 0;
	assert_int_equal(cmd_run.run(&app, 3, argv), 0);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE id = 1"), 0);
	assert_int_equal(count("SELECT count(*) FROM events"), 0);
	assert_int_equal(count("SELECT count(*) FROM runs WHERE kind='run' AND status='ok'"
			       " AND stats LIKE '%\"stage\":\"prune\"%'"), 1);
}

int main(void)
{
	log_init(LOG_LVL_WARN, LOG_TO_STDERR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(second_lock_refused_until_holder_dies, setup, teardown),
		cmocka_unit_test_setup_teardown(prune_keeps_findings_history, setup, teardown),
		cmocka_unit_test_setup_teardown(marks_killed_runs_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(run_records_parent_and_stage_results, setup, teardown),
		cmocka_unit_test_setup_teardown(run_prunes_at_end_under_its_lock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
