#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>

static enum log_level cur_level = LOG_LVL_WARN;
static enum log_target cur_target = LOG_TO_STDERR;

static const int sysprio[] = {
	[LOG_LVL_ERR] = LOG_ERR, [LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO, [LOG_LVL_DEBUG] = LOG_DEBUG,
};

void log_init(enum log_level level, enum log_target target)
{
	cur_level = level;
	cur_target = target;
	if (target == LOG_TO_SYSLOG)
		openlog("ipdrift", LOG_PID, LOG_DAEMON);
}

void log_set_level(enum log_level level) { cur_level = level; }
enum log_level log_get_level(void) { return cur_level; }
bool log_enabled(enum log_level level) { return level <= cur_level; }

static void vlog(enum log_level lvl, int errnum, const char *fmt, va_list ap)
{
	char msg[2048];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0)
		return;
	if (errnum) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof msg - len, ": %s", strerror(errnum));
	}
	switch (cur_target) {
	case LOG_TO_SYSLOG:
		syslog(sysprio[lvl], "%s", msg);
		break;
	case LOG_TO_JOURNAL:
		fprintf(stderr, "<%d>%s\n", sysprio[lvl], msg);
		break;
	default:
		fprintf(stderr, "ipdrift: %s\n", msg);
		break;
	}
}

#define LOGFN(name, lvl, witherr)                                      \
	void name(const char *fmt, ...)                                \
	{                                                              \
		int e = errno;                                         \
		if (!log_enabled(lvl))                                 \
			return;                                        \
		va_list ap;                                            \
		va_start(ap, fmt);                                     \
		vlog(lvl, witherr ? e : 0, fmt, ap);                   \
		va_end(ap);                                            \
		errno = e;                                             \
	}

LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_LVL_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, e, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}
