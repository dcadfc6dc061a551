/* Run lock: flock(2) on DATABASE.lock; see lock.h. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/xmem.h"

char *lock_path_for_db(const char *db_path)
{
	return xasprintf("%s.lock", db_path);
}

static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	return (end != buf && pid > 0) ? pid : -1;
}

int lock_take(struct lock *l, const char *path, bool wait)
{
	l->fd = -1;
	l->path = NULL;
	/* O_CLOEXEC: a program exec'd by a stage must not keep the run locked. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		log_warn("cannot open lock file %s", path);
		return EX_CANTCREAT;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			log_warn("cannot lock %s", path);
			close(fd);
			return EX_CANTCREAT;
		}
		long pid = holder_pid(fd);
		if (!wait) {
			enum log_level lvl = log_get_level();
			if (lvl < LOG_LVL_WARN)
				log_set_level(LOG_LVL_WARN);
			log_warnx("another ipdrift run is in progress (lock %s held by pid %ld);"
				  " not starting a second one (use --wait to queue)", path, pid);
			log_set_level(lvl);
			close(fd);
			return EX_TEMPFAIL;
		}
		log_info("waiting for the run holding %s (pid %ld)", path, pid);
		while (flock(fd, LOCK_EX) != 0) {
			if (errno != EINTR) {
				log_warn("cannot lock %s", path);
				close(fd);
				return EX_CANTCREAT;
			}
		}
	}
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_debug("cannot write pid into %s", path); /* informational only */
	l->fd = fd;
	l->path = xstrdup(path);
	return 0;
}

void lock_release(struct lock *l)
{
	if (l->fd >= 0) {
		/* Truncate first so a stale pid is not shown to the next waiter. */
		if (ftruncate(l->fd, 0) != 0)
			log_debug("cannot truncate %s", l->path);
		flock(l->fd, LOCK_UN);
		close(l->fd);
	}
	free(l->path);
	l->fd = -1;
	l->path = NULL;
}
