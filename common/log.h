/*
 * Tiny logging API (after OpenBSD ntpd log.h): log_warn adds errno, log_warnx
 * does not; fatal/fatalx do not return. The level is checked before any
 * formatting happens.
 */
#ifndef IPD_LOG_H
#define IPD_LOG_H
#include <stdbool.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

enum log_target {
	LOG_TO_STDERR,   /* "ipdrift: message" */
	LOG_TO_JOURNAL,  /* "<N>message" (sd-daemon(3) priority prefixes) */
	LOG_TO_SYSLOG,
};

void log_init(enum log_level level, enum log_target target);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
