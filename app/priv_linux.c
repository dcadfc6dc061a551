/*
 * Privileges on Linux with libcap (after arp-scan utils.c limit_capabilities /
 * set_capability / drop_capabilities, and the unbound / OpenBSD ntpd drop order).
 *
 * Two ways to be allowed to open raw handles:
 *  - root: the permitted set is cut down to CAP_NET_RAW plus what the later
 *    drop needs (CAP_SETUID, CAP_SETGID) and what root's file access relies
 *    on (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, so the store still opens as
 *    the operator expects). CAP_NET_RAW is effective only between
 *    priv_raise_net() and priv_lower_net(). priv_drop() switches to an
 *    unprivileged user, which empties every capability set.
 *  - a binary with `setcap cap_net_raw+p`: only CAP_NET_RAW is permitted,
 *    effective only inside the raise/lower bracket; priv_drop() clears all.
 * Either way PR_SET_NO_NEW_PRIVS is set last so that nothing exec'd later can
 * regain privilege.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sysexits.h>
#include <unistd.h>

#include "../common/log.h"
#include "priv.h"

#define PRIV_DEFAULT_USER "nobody"

static bool as_root;

static bool cap_has(cap_t c, cap_value_t v, cap_flag_t set)
{
	cap_flag_value_t fv = CAP_CLEAR;
	if (cap_get_flag(c, v, set, &fv) != 0)
		return false;
	return fv == CAP_SET;
}

/* Set the process sets to exactly perm (permitted) and eff (effective, a
 * subset of perm); inheritable is always empty. */
static int set_caps(const cap_value_t *perm, int nperm, const cap_value_t *eff, int neff)
{
	cap_t c = cap_init(); /* all clear */
	if (c == NULL)
		return -1;
	int rc = -1;
	if (nperm > 0 && cap_set_flag(c, CAP_PERMITTED, nperm, perm, CAP_SET) != 0)
		goto done;
	if (neff > 0 && cap_set_flag(c, CAP_EFFECTIVE, neff, eff, CAP_SET) != 0)
		goto done;
	rc = cap_set_proc(c);
done:
	cap_free(c);
	return rc;
}

bool priv_have_net_raw(void)
{
	cap_t c = cap_get_proc();
	if (c == NULL)
		return false;
	bool ok = cap_has(c, CAP_NET_RAW, CAP_PERMITTED);
	cap_free(c);
	return ok;
}

static const cap_value_t root_keep[] = { CAP_NET_RAW, CAP_SETUID, CAP_SETGID,
	CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
static const cap_value_t root_eff[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
static const cap_value_t raw_only[] = { CAP_NET_RAW };

int priv_init(void)
{
	as_root = (geteuid() == 0 || getuid() == 0);
	if (!priv_have_net_raw()) {
		log_warnx("raw sockets need root or CAP_NET_RAW: run as root, or "
			  "`setcap cap_net_raw+p` on the ipdrift binary");
		return EX_NOPERM;
	}
	int rc;
	if (as_root)
		rc = set_caps(root_keep, (int)(sizeof root_keep / sizeof root_keep[0]), root_eff,
			      (int)(sizeof root_eff / sizeof root_eff[0]));
	else
		rc = set_caps(raw_only, 1, NULL, 0);
	if (rc != 0) {
		log_warn("cannot limit capabilities");
		return EX_NOPERM;
	}
	return 0;
}

int priv_raise_net(void)
{
	cap_t c = cap_get_proc();
	if (c == NULL) {
		log_warn("cap_get_proc");
		return EX_OSERR;
	}
	int rc = 0;
	if (!cap_has(c, CAP_NET_RAW, CAP_PERMITTED)) {
		log_warnx("CAP_NET_RAW is not permitted (already dropped?)");
		rc = EX_NOPERM;
	} else if (cap_set_flag(c, CAP_EFFECTIVE, 1, raw_only, CAP_SET) != 0 ||
		   cap_set_proc(c) != 0) {
		log_warn("cannot raise CAP_NET_RAW");
		rc = EX_NOPERM;
	}
	cap_free(c);
	return rc;
}

void priv_lower_net(void)
{
	cap_t c = cap_get_proc();
	if (c == NULL)
		return;
	if (cap_set_flag(c, CAP_EFFECTIVE, 1, raw_only, CAP_CLEAR) != 0 || cap_set_proc(c) != 0)
		log_warn("cannot lower CAP_NET_RAW");
	cap_free(c);
}

static int raise_setid(void)
{
	static const cap_value_t ids[] = { CAP_SETUID, CAP_SETGID };
	cap_t c = cap_get_proc();
	if (c == NULL)
		return -1;
	int rc = -1;
	if (cap_set_flag(c, CAP_EFFECTIVE, 2, ids, CAP_SET) == 0)
		rc = cap_set_proc(c);
	cap_free(c);
	return rc;
}

/* After the drop every capability set must be empty. */
static bool caps_empty(void)
{
	cap_t c = cap_get_proc();
	if (c == NULL)
		return false;
	cap_t z = cap_init();
	bool empty = z != NULL && cap_compare(c, z) == 0;
	cap_free(z);
	cap_free(c);
	return empty;
}

static int drop_root(const char *user)
{
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		if (errno)
			log_warn("getpwnam(%s)", user);
		else
			log_warnx("unknown user %s (--user)", user);
		return EX_NOUSER;
	}
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (uid == 0) {
		log_warnx("refusing to keep running as root: --user %s has uid 0", user);
		return EX_USAGE;
	}
	/* priv_init() left CAP_SETUID/CAP_SETGID permitted but not effective. A
	 * real-root process that never called priv_init() still has them. */
	if (raise_setid() != 0)
		log_debug("raising CAP_SETUID/CAP_SETGID failed; trying the switch anyway");
	if (setgroups(0, NULL) != 0) {
		log_warn("setgroups");
		return EX_OSERR;
	}
	if (setresgid(gid, gid, gid) != 0) {
		log_warn("setresgid(%u)", (unsigned)gid);
		return EX_OSERR;
	}
	if (setresuid(uid, uid, uid) != 0) {
		log_warn("setresuid(%u)", (unsigned)uid);
		return EX_OSERR;
	}
	/* Verify: root must not be regainable, and no group may be left. */
	if (setuid(0) != -1 || seteuid(0) != -1) {
		log_warnx("privilege drop failed: could regain uid 0");
		return EX_SOFTWARE;
	}
	uid_t r, e, s;
	gid_t gr, ge, gs;
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid ||
	    getresgid(&gr, &ge, &gs) != 0 || gr != gid || ge != gid || gs != gid ||
	    getgroups(0, NULL) != 0) {
		log_warnx("privilege drop failed: ids not as requested");
		return EX_SOFTWARE;
	}
	log_debug("dropped root to %s (%u:%u)", user, (unsigned)uid, (unsigned)gid);
	return 0;
}

int priv_drop(const char *user)
{
	if (user == NULL || *user == '\0')
		user = PRIV_DEFAULT_USER;
	int rc;
	if (getuid() == 0 || geteuid() == 0) {
		rc = drop_root(user);
		if (rc != 0)
			return rc;
		/* setresuid away from 0 clears the capability sets (no KEEP_CAPS);
		 * clear explicitly anyway so the check below holds either way. */
	}
	if (set_caps(NULL, 0, NULL, 0) != 0) {
		log_warn("cannot clear capabilities");
		return EX_OSERR;
	}
	if (!caps_empty()) {
		log_warnx("privilege drop failed: capabilities remain");
		return EX_SOFTWARE;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		log_warn("prctl(PR_SET_NO_NEW_PRIVS)");
		return EX_OSERR;
	}
	return 0;
}
