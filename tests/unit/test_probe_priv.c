/* Privilege handling (app/priv_linux.c). The drop is tested in a forked
 * child so the test runner keeps its own privileges; needs root, skipped
 * otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <linux/if_ether.h>

#include "../../app/priv.h"
#include "../../common/log.h"

/* Run fn in a child; return its exit status (or 255 when it did not exit). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static int child_drop_to_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL)
		return 10;
	if (priv_init() != 0)
		return 11;
	if (cap_get_bound(CAP_NET_RAW) < 0)
		return 12;
	/* raw socket works inside the bracket */
	if (priv_raise_net() != 0)
		return 13;
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	priv_lower_net();
	if (fd < 0)
		return 14;
	close(fd);
	if (priv_drop(NULL) != 0)
		return 15;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid)
		return 16;
	if (getgid() != pw->pw_gid || getegid() != pw->pw_gid)
		return 17;
	if (getgroups(0, NULL) != 0)
		return 18;
	if (setuid(0) != -1 || setgid(0) != -1)
		return 19;
	if (priv_have_net_raw())
		return 20;
	if (socket(AF_PACKET, SOCK_RAW, 0) >= 0)
		return 21;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 22;
	if (priv_raise_net() == 0)
		return 23;
	return 0;
}

static void drop_root_to_nobody(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(in_child(child_drop_to_nobody), 0);
}

static int child_effective_clear_after_init(void)
{
	if (priv_init() != 0)
		return 10;
	/* CAP_NET_RAW is permitted but not effective outside the bracket */
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_SET;
	cap_get_flag(c, CAP_NET_RAW, CAP_EFFECTIVE, &v);
	cap_flag_value_t p = CAP_CLEAR;
	cap_get_flag(c, CAP_NET_RAW, CAP_PERMITTED, &p);
	cap_flag_value_t a = CAP_SET;
	cap_get_flag(c, CAP_SYS_ADMIN, CAP_PERMITTED, &a);
	cap_free(c);
	if (v != CAP_CLEAR || p != CAP_SET || a != CAP_CLEAR)
		return 11;
	return 0;
}

static void init_limits_sets(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(in_child(child_effective_clear_after_init), 0);
}

static int child_unknown_user(void)
{
	if (priv_init() != 0)
		return 10;
	return priv_drop("no-such-user-ipdrift") == EX_NOUSER ? 0 : 11;
}

static void unknown_user_refused(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(in_child(child_unknown_user), 0);
}

static int child_no_privilege(void)
{
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL || setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		return 10;
	return priv_init() == EX_NOPERM ? 0 : 11;
}

static void missing_privilege_is_exit_77(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(in_child(child_no_privilege), 0);
}

int main(void)
{
	log_init(LOG_LVL_ERR, LOG_TO_STDERR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drop_root_to_nobody),
		cmocka_unit_test(init_limits_sets),
		cmocka_unit_test(unknown_user_refused),
		cmocka_unit_test(missing_privilege_is_exit_77),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
