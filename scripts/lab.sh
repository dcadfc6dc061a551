#!/bin/bash
# The demo / test network: a small LAN built from network namespaces only.
#
#   scripts/lab.sh up       build it (idempotent: a second `up` is a no-op)
#   scripts/lab.sh down     remove exactly what `up` recorded
#   scripts/lab.sh status   what is running (exit 0 when fully up)
#   scripts/lab.sh env      shell variables describing the lab (eval-able)
#   scripts/lab.sh trigger  make the passive-only causes happen once: gratuitous
#                           ARP / NS from every host, a DHCP DISCOVER (answered by
#                           the legitimate and the rogue server), a Router
#                           Solicitation (answered by both routers)
#
# Every name carries the prefix $IPD_LAB (default "ipd", [a-z][a-z0-9]{0,7}) so
# several labs can run side by side: namespaces $IPD_LAB-<host>, the bridge
# $IPD_LAB-br0 and its ports $IPD_LAB-<host> live in the namespace $IPD_LAB-sw,
# so nothing is ever created in (or sent from) the root namespace.
# State (pids, TSIG key, named's zones and journals, logs) lives in
# $IPD_LAB_STATE (default /run/ipdrift-lab/$IPD_LAB).
# Hosts are listed in scripts/lab/hosts.tsv; the planted findings in
# scripts/lab/README.md and scripts/lab/expected-findings.txt.
set -euo pipefail

P=${IPD_LAB:-ipd}
if ! [[ $P =~ ^[a-z][a-z0-9]{0,7}$ ]]; then
	echo "lab.sh: IPD_LAB must match [a-z][a-z0-9]{0,7} (got '$P')" >&2
	exit 64
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIX=$HERE/lab
STATE=${IPD_LAB_STATE:-/run/ipdrift-lab/$P}
SW=$P-sw
BR=$P-br0
DNS4=192.0.2.53
DNS6=2001:db8:0:1::53
KEYNAME=ipdrift-lab

log() { echo "lab[$P]: $*" >&2; }
die() { log "$*"; exit 1; }
trap 'log "failed: line $LINENO: $BASH_COMMAND"' ERR

# hosts.tsv → arrays H_NS H_MAC H_V4 H_V6 (index-aligned)
H_NS=() H_MAC=() H_V4=() H_V6=()
while read -r ns mac v4 v6 _; do
	[[ -z $ns || $ns == \#* ]] && continue
	H_NS+=("$ns") H_MAC+=("$mac") H_V4+=("$v4") H_V6+=("$v6")
done <"$FIX/hosts.tsv"

# Processes up starts: name → (namespace, program name for /proc/PID/comm).
DAEMONS="named:ns1:named dhcp-legit:rtr:dnsmasq dhcp-rogue:build:dnsmasq ra-rogue:labpc:dnsmasq"

nsx() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

ns_exists() { [ -e "/run/netns/$1" ]; }

# pid_ok NAME COMM: the recorded pid is alive and is still that program
pid_ok() {
	local f=$STATE/pids/$1.pid pid
	[ -s "$f" ] || return 1
	pid=$(head -n1 "$f" | tr -dc 0-9)
	[ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ]
}

healthy() {
	[ -f "$STATE/up.done" ] || return 1
	local ns d
	while read -r ns; do ns_exists "$ns" || return 1; done <"$STATE/netns"
	for d in $DAEMONS; do
		IFS=: read -r name _ comm <<<"$d"
		pid_ok "$name" "$comm" || return 1
	done
}

record_ns() {
	ip netns add "$1"
	echo "$1" >>"$STATE/netns"
}

# sysctls set inside a namespace only (never in the root namespace)
ns_sysctls() {
	local ns=$1
	in_ns "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_echo_ignore_broadcasts=1 \
		net.ipv6.icmp.ratelimit=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0 >/dev/null
}

make_switch() {
	record_ns "$SW"
	# The switch itself must stay silent: no IPv6 on any port, no STP.
	in_ns "$SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$SW" link set lo up
	# ageing_time 0: the bridge forgets MACs at once and floods every frame,
	# like a sensor on a SPAN port, so listen sees unicast DHCP OFFERs too.
	ip -n "$SW" link add "$BR" type bridge stp_state 0 forward_delay 0 ageing_time 0 mcast_snooping 0
	ip -n "$SW" link set "$BR" up
}

make_host() {
	local ns=${H_NS[$1]} mac=${H_MAC[$1]} v4=${H_V4[$1]} v6=${H_V6[$1]}
	local full=$P-$ns port=$P-$ns a
	record_ns "$full"
	ns_sysctls "$full"
	ip -n "$full" link set lo up
	# Create the pair inside the switch namespace, the peer straight into the host.
	ip -n "$SW" link add "$port" type veth peer name eth0 netns "$full"
	ip -n "$full" link set eth0 address "$mac"
	in_ns "$full" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.accept_dad=0 \
		net.ipv6.conf.eth0.router_solicitations=0 net.ipv6.conf.eth0.autoconf=0 >/dev/null
	if [ "$v4" != - ]; then
		for a in ${v4//,/ }; do ip -n "$full" addr add "$a/24" dev eth0; done
	fi
	if [ "$v6" != - ]; then
		for a in ${v6//,/ }; do ip -n "$full" addr add "$a/64" dev eth0 nodad; done
	fi
	ip -n "$SW" link set "$port" master "$BR"
	ip -n "$SW" link set "$port" up
	ip -n "$full" link set eth0 up
}

start_named() {
	local d=$STATE/named
	mkdir -p "$d"
	cp "$FIX/zones/db.example.test" "$FIX/zones/db.192.0.2" "$FIX/zones/db.2001-db8-0-1" \
		"$FIX/zones/db.198.18.5" "$FIX/zones/db.empty" "$d/"
	cp "$FIX/zones/db.198.18.7.broken" "$d/db.198.18.7"
	cp "$FIX/zones/db.empty" "$d/db.203.0.113"
	cp "$FIX/zones/db.empty" "$d/db.198.51.100"
	cp "$FIX/zones/db.empty" "$d/db.fe80"
	tsig-keygen -a hmac-sha256 "$KEYNAME" >"$STATE/tsig.key"
	chmod 600 "$STATE/tsig.key"
	cat >"$d/named.conf" <<EOF
// Generated by scripts/lab.sh for lab $P. Runs in namespace $P-ns1 only.
include "$STATE/tsig.key";
options {
	directory "$d";
	pid-file "$STATE/pids/named.pid";
	session-keyfile none;
	listen-on port 53 { $DNS4; 127.0.0.1; };
	listen-on-v6 port 53 { $DNS6; };
	recursion no;
	notify no;
	dnssec-validation no;
	allow-query { any; };
	allow-transfer { key $KEYNAME; };
};
controls { };
logging {
	channel lab { file "$d/named.log" versions 2 size 5m; print-time yes; severity info; };
	category default { lab; };
	category lame-servers { null; };
};
zone "example.test" {
	type primary; file "db.example.test";
	update-policy { grant $KEYNAME zonesub ANY; };
};
zone "2.0.192.in-addr.arpa" {
	type primary; file "db.192.0.2";
	update-policy { grant $KEYNAME zonesub PTR; };
};
zone "1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" {
	type primary; file "db.2001-db8-0-1";
	update-policy { grant $KEYNAME zonesub PTR; };
};
zone "5.18.198.in-addr.arpa" {
	type primary; file "db.198.18.5";
	update-policy { grant $KEYNAME zonesub PTR; };
};
// dns-lookup-failed: this file is broken on purpose; named answers SERVFAIL.
zone "7.18.198.in-addr.arpa" { type primary; file "db.198.18.7"; };
zone "113.0.203.in-addr.arpa" { type primary; file "db.203.0.113"; };
zone "100.51.198.in-addr.arpa" { type primary; file "db.198.51.100"; };
// fe80::/16: PTR lookups of link-local addresses get NXDOMAIN, not REFUSED.
zone "0.8.e.f.ip6.arpa" { type primary; file "db.fe80"; };
EOF
	# Without -f/-g named daemonizes and writes the pid file itself.
	nsx ns1 named -c "$d/named.conf" -n 2 2>>"$d/named.stderr" 9>&- || true
	local n
	for n in $(seq 200); do
		if nsx scan dig +time=1 +tries=1 +short @"$DNS4" example.test SOA >/dev/null 2>&1 &&
			[ -s "$STATE/pids/named.pid" ]; then
			return 0
		fi
		sleep 0.1
	done
	die "named did not answer on $DNS4 (see $d/named.log)"
}

# start_dnsmasq NAME NS ARGS...: a DHCP/RA-only dnsmasq (no DNS, no config file)
start_dnsmasq() {
	local name=$1 ns=$2
	shift 2
	nsx "$ns" dnsmasq --conf-file=/dev/null --port=0 --no-resolv --no-hosts \
		--interface=eth0 --bind-interfaces --user=root --group=root \
		--pid-file="$STATE/pids/$name.pid" --log-facility="$STATE/$name.log" \
		--dhcp-leasefile="$STATE/$name.leases" "$@" 9>&-
	local n
	for n in $(seq 100); do
		pid_ok "$name" dnsmasq && return 0
		sleep 0.1
	done
	die "dnsmasq $name did not start (see $STATE/$name.log)"
}

cmd_up() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
	local t
	for t in ip named tsig-keygen dig dnsmasq sysctl; do
		command -v "$t" >/dev/null || die "missing $t (run scripts/install-deps.sh)"
	done
	if healthy; then
		log "ok: already up (state $STATE)"
		return 0
	fi
	if [ -e "$STATE" ]; then
		log "partial lab found; removing it first"
		cmd_down
	fi
	local h
	for h in "${H_NS[@]}"; do
		ns_exists "$P-$h" && die "namespace $P-$h exists but is not recorded in $STATE; not touching it"
	done
	ns_exists "$SW" && die "namespace $SW exists but is not recorded in $STATE; not touching it"
	mkdir -p "$STATE/pids"
	: >"$STATE/netns"
	local t0=$SECONDS i
	make_switch
	for i in "${!H_NS[@]}"; do make_host "$i"; done
	# The scanner resolves through the lab server (ip netns exec bind-mounts this).
	mkdir -p "/etc/netns/$P-scan"
	echo "/etc/netns/$P-scan" >"$STATE/etc-netns"
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNS4" >"/etc/netns/$P-scan/resolv.conf"
	start_named
	# The legitimate DHCP server and IPv6 router (allowlisted).
	# laptop-1 (dhcpc) has a reservation for its recorded lease 192.0.2.101, so the
	# trigger's DHCP exchange matches the recorded view (--no-ping: dhcpc already
	# holds .101 statically and would answer the server's in-use check).
	start_dnsmasq dhcp-legit rtr --dhcp-range=192.0.2.100,192.0.2.149,255.255.255.0,1h \
		--dhcp-host=f0:de:f1:00:01:01,192.0.2.101,laptop-1 --no-ping \
		--dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,$DNS4 \
		--enable-ra --dhcp-range=2001:db8:0:1::,ra-only,64 --ra-param=eth0,10,1800
	# rogue-dhcp-server: a second DHCP server on the build box.
	start_dnsmasq dhcp-rogue build --dhcp-range=192.0.2.200,192.0.2.210,255.255.255.0,10m --no-ping \
		--dhcp-option=option:router,192.0.2.67 --dhcp-option=option:dns-server,192.0.2.67
	# rogue-router: the lab PC advertises itself as a (high preference) IPv6 router.
	start_dnsmasq ra-rogue labpc --enable-ra --dhcp-range=2001:db8:0:1::,ra-only,64 \
		--ra-param=eth0,high,5,1800
	date -u +%FT%TZ >"$STATE/up.done"
	log "ok: up in $((SECONDS - t0))s: ${#H_NS[@]} hosts, bridge $BR in $SW, named on $DNS4, state $STATE"
}

kill_recorded() {
	local f name pid comm n
	[ -d "$STATE/pids" ] || return 0
	for f in "$STATE"/pids/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		pid=$(head -n1 "$f" | tr -dc 0-9)
		[ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
		comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
		case $comm in named | dnsmasq | dhclient) ;; *) continue ;; esac
		kill "$pid" 2>/dev/null || true
		for n in $(seq 30); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
		[ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null || true
		: "$name"
	done
}

cmd_down() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
	if [ ! -d "$STATE" ]; then
		log "ok: nothing recorded in $STATE (not up)"
		return 0
	fi
	kill_recorded
	local ns pid n
	if [ -f "$STATE/netns" ]; then
		# Anything still running inside our namespaces was started there
		# (by us or by a test using this lab): stop it, then delete them.
		while read -r ns; do
			[ -n "$ns" ] && ns_exists "$ns" || continue
			for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
		done <"$STATE/netns"
		for n in $(seq 50); do
			local left=0
			while read -r ns; do
				[ -n "$ns" ] && ns_exists "$ns" || continue
				[ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && left=1
			done <"$STATE/netns"
			[ $left -eq 0 ] && break
			sleep 0.1
		done
		while read -r ns; do
			[ -n "$ns" ] && ns_exists "$ns" || continue
			for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		done <"$STATE/netns"
		# Hosts first, the switch last (its veth ends go with the hosts).
		tac "$STATE/netns" | while read -r ns; do
			[ -n "$ns" ] && ns_exists "$ns" && ip netns del "$ns"
		done
	fi
	if [ -f "$STATE/etc-netns" ]; then
		local d
		d=$(cat "$STATE/etc-netns")
		case $d in /etc/netns/"$P"-*) rm -rf -- "$d" ;; esac
	fi
	rm -rf -- "$STATE"
	log "ok: down"
}

cmd_status() {
	local ns up=0 down=0 d name nsn comm
	if [ ! -d "$STATE" ]; then
		echo "lab $P: down (no state in $STATE)"
		return 1
	fi
	echo "lab $P: state $STATE, up since $(cat "$STATE/up.done" 2>/dev/null || echo '?')"
	while read -r ns; do
		if ns_exists "$ns"; then up=$((up + 1)); else down=$((down + 1)); echo "  missing netns $ns"; fi
	done <"$STATE/netns"
	echo "  namespaces: $up present, $down missing"
	for d in $DAEMONS; do
		IFS=: read -r name nsn comm <<<"$d"
		if pid_ok "$name" "$comm"; then
			printf '  %-11s %-8s pid %s (in %s)\n' "$name" running "$(cat "$STATE/pids/$name.pid")" "$P-$nsn"
		else
			printf '  %-11s %-8s (in %s)\n' "$name" STOPPED "$P-$nsn"
		fi
	done
	healthy
}

cmd_env() {
	cat <<EOF
LAB_PREFIX=$P
LAB_STATE=$STATE
LAB_FIXTURES=$FIX
LAB_SCAN_NS=$P-scan
LAB_IFACE=eth0
LAB_DNS=$DNS4
LAB_DNS6=$DNS6
LAB_TSIG_KEY=$STATE/tsig.key
LAB_TSIG_NAME=$KEYNAME
LAB_V4_PREFIX=192.0.2.0/24
LAB_V6_PREFIX=2001:db8:0:1::/64
EOF
}

cmd_trigger() {
	healthy || die "lab is not up"
	local i ns v4 v6 a pids=()
	# Gratuitous ARP from every IPv4 address, one NS from every IPv6 address
	# (to the scanner, with the source link-layer option): listen learns every
	# host, including the unmanaged 203.0.113.50 that no sweep of 192.0.2.0/24 finds.
	for i in "${!H_NS[@]}"; do
		ns=${H_NS[$i]} v4=${H_V4[$i]} v6=${H_V6[$i]}
		[ "$ns" = scan ] && continue
		if [ "$v4" != - ]; then
			for a in ${v4//,/ }; do
				nsx "$ns" timeout 3 arping -q -U -c 1 -w 1 -I eth0 "$a" >/dev/null 2>&1 &
				pids+=($!)
			done
		fi
		if [ "$v6" != - ]; then
			for a in ${v6//,/ }; do
				nsx "$ns" timeout 3 ndisc6 -n -q -1 -r 1 -w 200 -s "$a" 2001:db8:0:1::2 eth0 >/dev/null 2>&1 &
				pids+=($!)
			done
		fi
	done
	# A Router Solicitation: both the legitimate and the rogue router answer.
	nsx web timeout 3 rdisc6 -n -q -1 -r 1 -w 500 eth0 >/dev/null 2>&1 &
	pids+=($!)
	# One DHCP DISCOVER: the legitimate (rtr) and the rogue (build) server offer.
	# -sf /bin/true: nothing is configured, /etc/resolv.conf is never touched.
	local dh=$STATE/dhclient
	mkdir -p "$dh"
	rm -f "$dh/leases"
	# reject: take only the legitimate server's offer (the rogue's OFFER is
	# still on the wire for listen), so the client ends up with its recorded lease.
	printf '%s\n' 'timeout 8;' 'retry 1;' 'initial-interval 1;' 'send host-name "laptop-1";' \
		'send dhcp-requested-address 192.0.2.101;' 'reject 192.0.2.67;' >"$dh/dhclient.conf"
	local offers0
	offers0=$(grep -c DHCPOFFER "$STATE/dhcp-rogue.log" 2>/dev/null || true)
	nsx dhcpc timeout 10 dhclient -4 -1 -d -q -sf /bin/true -cf "$dh/dhclient.conf" \
		-lf "$dh/leases" -pf "$STATE/pids/dhclient.pid" eth0 >"$dh/log" 2>&1 &
	local dpid=$! n
	for n in $(seq 100); do
		grep -q 'lease {' "$dh/leases" 2>/dev/null && break
		sleep 0.1
	done
	kill "$dpid" 2>/dev/null || true
	# Return only once the rogue's OFFER is on the wire too (bounded).
	local rogue=no
	for n in $(seq 50); do
		if [ "$(grep -c DHCPOFFER "$STATE/dhcp-rogue.log" 2>/dev/null || true)" -gt "${offers0:-0}" ]; then
			rogue=yes
			break
		fi
		sleep 0.1
	done
	for a in "${pids[@]}"; do wait "$a" 2>/dev/null || true; done
	wait "$dpid" 2>/dev/null || true
	rm -f "$STATE/pids/dhclient.pid"
	if grep -q 'lease {' "$dh/leases" 2>/dev/null; then
		log "ok: trigger done (DHCP lease from $(grep -m1 'dhcp-server-identifier' "$dh/leases" | awk '{print $3}' | tr -d ';'); rogue OFFER sent: $rogue)"
	else
		log "trigger done (no DHCP lease within 10 s; the DISCOVER was still sent)"
	fi
}

# up/down of one prefix never overlap (two tests starting the same lab).
lock() {
	[ "$(id -u)" -eq 0 ] || return 0
	mkdir -p "$(dirname "$STATE")"
	exec 9>"$STATE.lock"
	flock -w 120 9 || die "another up/down of lab $P holds $STATE.lock"
}

case ${1:-} in
up) lock; cmd_up ;;
down) lock; cmd_down; rm -f "$STATE.lock" ;;
status) cmd_status ;;
env) cmd_env ;;
trigger) cmd_trigger ;;
*)
	echo "usage: IPD_LAB=prefix scripts/lab.sh up|down|status|env|trigger" >&2
	exit 64
	;;
esac
