/* One status enum for the whole program, with a strerror (c-ares style). */
#ifndef IPD_STATUS_H
#define IPD_STATUS_H

enum ipd_status {
	IPD_OK = 0,
	IPD_ETRUNC,      /* input ended before a field it announced */
	IPD_EINVAL,      /* input is malformed */
	IPD_ENOMEM,
	IPD_EIO,         /* file or socket error (see errno) */
	IPD_EDB,         /* store error */
	IPD_ENOTFOUND,
	IPD_EUNSUPP,     /* understood but not handled (e.g. other link type) */
	IPD_EPERM,
	IPD_ETIMEOUT,
	IPD_STATUS_MAX
};

const char *ipd_strerror(enum ipd_status st);

#endif
