#include "status.h"

static const char *const msgs[IPD_STATUS_MAX] = {
	[IPD_OK] = "success",
	[IPD_ETRUNC] = "truncated",
	[IPD_EINVAL] = "invalid",
	[IPD_ENOMEM] = "out of memory",
	[IPD_EIO] = "I/O error",
	[IPD_EDB] = "database error",
	[IPD_ENOTFOUND] = "not found",
	[IPD_EUNSUPP] = "unsupported",
	[IPD_EPERM] = "permission denied",
	[IPD_ETIMEOUT] = "timed out",
};

const char *ipd_strerror(enum ipd_status st)
{
	if ((unsigned)st >= IPD_STATUS_MAX || !msgs[st])
		return "unknown status";
	return msgs[st];
}
