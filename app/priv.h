/*
 * Privilege handling for the two commands that open raw handles (sweep,
 * listen). Order: priv_init() first thing; priv_raise_net() just around
 * pcap_activate()/libnet_init()/socket(AF_PACKET); priv_lower_net() after;
 * priv_drop() once every handle is open and before the first packet is parsed.
 * Implemented in app/priv_linux.c (libcap).
 */
#ifndef IPD_PRIV_H
#define IPD_PRIV_H
#include <stdbool.h>

/* Keep CAP_NET_RAW in the permitted set only, clear the effective set.
 * Returns 0, or EX_NOPERM with a clear message when neither root nor
 * CAP_NET_RAW is available. */
int priv_init(void);
bool priv_have_net_raw(void);
int priv_raise_net(void);
void priv_lower_net(void);
/* As root: setgroups(0) -> setresgid -> setresuid to user (default "nobody"),
 * every return checked, and verify root cannot be regained. With capabilities
 * only: clear all sets. Then PR_SET_NO_NEW_PRIVS. Returns 0 or a sysexits code. */
int priv_drop(const char *user);

#endif
