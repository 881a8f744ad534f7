#!/bin/sh
# dns.sh: the resolver's network backend (libunbound) against a real DNS
# server, dnsmasq, started on 127.0.0.1: every record type, MX order, TXT
# strings joined, NXDOMAIN against NODATA, CNAMEs, TEMPFAIL for a refusal
# and for a server that is gone, the cache honouring TTLs (the server
# counts the queries it gets), 150 queries in flight, and zone answers
# winning over the network.
. tests/lib.sh
PATH=$PATH:/usr/sbin:/sbin
t_need dnsmasq
t_tmpdir
Q=build/tests/tools/dns_query
LOG=$T_TMP/dnsmasq.log
. tests/integration/dns.lib

# dnsmasq on PORT, answering only from its own records (no upstream, no
# /etc/hosts, no config file), logging each query it gets.
dnsmasq_on() {
	dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$1" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
		--user=root --pid-file="$T_TMP/dnsmasq.pid" \
		--log-queries --log-facility="$LOG" \
		--local=/test/ --local-ttl=300 \
		--host-record=mail.alice.test,192.0.2.10,2001:db8::10 \
		--mx-host=alice.test,mx2.alice.test,20 \
		--mx-host=alice.test,mx1.alice.test,10 \
		--mx-host=alice.test,mx3.alice.test,30 \
		--txt-record=alice.test,"v=spf1 ","ip4:192.0.2.0/24 ","-all" \
		--txt-record=_dmarc.alice.test,"v=DMARC1; p=none" \
		--cname=www.alice.test,mail.alice.test \
		--ptr-record=10.2.0.192.in-addr.arpa,mail.alice.test \
		--host-record=sentinel.alice.test,192.0.2.254 \
		--address=/many.test/192.0.2.99 \
		2>>"$LOG" &
	SERVER_PID=$!
}

# settle: asks for a sentinel name and waits until the server has logged
# it, so every query before it is in the log.
settle() {
	n=$(grep -c 'query\[A\] sentinel.alice.test' "$LOG")
	"$Q" --forward "127.0.0.1@$PORT" A sentinel.alice.test >/dev/null
	i=0
	while [ $i -lt 50 ]; do
		[ "$(grep -c 'query\[A\] sentinel.alice.test' "$LOG")" -gt "$n" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
}

# queries_for TYPE NAME: how many queries the server got for it.
queries_for() {
	grep -ci "query\[$1\] $2 from" "$LOG"
}

dns_serve dnsmasq_on "$LOG" 'started, version'
t_ok "dnsmasq serves on 127.0.0.1 port $PORT"
FWD="--forward 127.0.0.1@$PORT"

# --- every type, through the network ------------------------------------
$Q $FWD --timeout 5000 MX alice.test TXT alice.test _dmarc.alice.test \
	A mail.alice.test www.alice.test nope.alice.test \
	AAAA mail.alice.test TXT mail.alice.test PTR 10.2.0.192.in-addr.arpa \
	CNAME www.alice.test >"$T_TMP/types.out" 2>"$T_TMP/types.err"
t_check "dns_query answers every query" test $? -eq 0
sed 's/^  [0-9][0-9]* /  TTL /' "$T_TMP/types.out" >"$T_TMP/types.txt"
cat >"$T_TMP/types.want" <<'EOF'
alice.test MX ANSWER
  TTL 10 mx1.alice.test
  TTL 20 mx2.alice.test
  TTL 30 mx3.alice.test
alice.test TXT ANSWER
  TTL "v=spf1 ip4:192.0.2.0/24 -all" strings=3
_dmarc.alice.test TXT ANSWER
  TTL "v=DMARC1; p=none" strings=1
mail.alice.test A ANSWER
  TTL 192.0.2.10
www.alice.test A ANSWER cname=mail.alice.test
  TTL 192.0.2.10
nope.alice.test A NXDOMAIN
mail.alice.test AAAA ANSWER
  TTL 2001:db8::10
mail.alice.test TXT NODATA
10.2.0.192.in-addr.arpa PTR ANSWER
  TTL mail.alice.test
www.alice.test CNAME ANSWER
  TTL mail.alice.test
EOF
dns_same "A, AAAA, MX (by preference), TXT (joined), PTR, CNAME, NXDOMAIN, NODATA" \
	"$T_TMP/types.want" "$T_TMP/types.txt"
t_contains "a fresh answer carries the server's TTL" "$T_TMP/types.out" \
	'  300 "v=spf1 ip4:192.0.2.0/24 -all" strings=3'

# --- the cache ----------------------------------------------------------
settle
$Q $FWD A cached.many.test cached.many.test cached.many.test >"$T_TMP/cache.out" 2>&1
settle
t_check "three queries for one name reach the server once" \
	test "$(queries_for A cached.many.test)" -eq 1
t_check "all three are answered" \
	test "$(grep -c '^cached.many.test A ANSWER$' "$T_TMP/cache.out")" -eq 3
before=$(queries_for TXT alice.test)
$Q $FWD TXT alice.test alice.test >"$T_TMP/cache2.out" 2>&1
settle
t_check "a new process asks again, its repeated query comes from its cache" \
	test "$(queries_for TXT alice.test)" -eq $((before + 1))
t_check "both answers carry the records" \
	test "$(grep -c 'v=spf1 ip4:192.0.2.0/24 -all' "$T_TMP/cache2.out")" -eq 2

# --- many queries in flight ---------------------------------------------
names=""
i=1
while [ $i -le 150 ]; do
	names="$names host$i.many.test"
	i=$((i + 1))
done
# shellcheck disable=SC2086
$Q $FWD --timeout 10000 --parallel A $names >"$T_TMP/many.out" 2>&1
t_check "150 parallel queries are all answered" \
	test "$(grep -c '^host[0-9]*\.many\.test A ANSWER$' "$T_TMP/many.out")" -eq 150
t_check "each with its own record" \
	test "$(grep -c '^  [0-9]* 192\.0\.2\.99$' "$T_TMP/many.out")" -eq 150
t_contains "they were in flight at once" "$T_TMP/many.out" "in flight: 150"
order=$(sed -n 's/^\(host[0-9]*\.many\.test\) A .*/\1/p' "$T_TMP/many.out" | tr '\n' ' ')
t_check "each answer belongs to its query" test "$order" = "${names# } "

# --- zones win over the network -----------------------------------------
ZONE='$ORIGIN alice.test.
@ SOA ns hostmaster 1 1h 15m 1w 300
@ MX 5 zone-mx
offline CNAME mail.alice.test.
$ORIGIN zone.test.
@ SOA ns hostmaster 1 1h 15m 1w 300
alias CNAME mail.alice.test.
outside CNAME www.alice.test.'
settle
mx_before=$(queries_for MX alice.test)
$Q $FWD --zone-text "$ZONE" MX alice.test A mail.alice.test zone.test \
	alias.zone.test TXT nosuch.alice.test >"$T_TMP/zone.out" 2>&1
settle
cat >"$T_TMP/zone.want" <<'EOF'
alice.test MX ANSWER zone
  3600 5 zone-mx.alice.test
mail.alice.test A NXDOMAIN zone
zone.test A NODATA zone
alias.zone.test A NXDOMAIN cname=mail.alice.test zone
nosuch.alice.test TXT NXDOMAIN zone
EOF
dns_same "names under a zone's apex are answered by the zone alone" \
	"$T_TMP/zone.want" "$T_TMP/zone.out"
t_check "the server was not asked for them" test "$(queries_for MX alice.test)" -eq "$mx_before"
t_check "not for the zone's NXDOMAIN either" test "$(queries_for TXT nosuch.alice.test)" -eq 0

# A zone's CNAME that leads out of the zones is followed on the network.
ZONE2='$ORIGIN zone.test.
@ SOA ns hostmaster 1 1h 15m 1w 300
alias CNAME mail.alice.test.
chain CNAME www.alice.test.'
$Q $FWD --zone-text "$ZONE2" A alias.zone.test chain.zone.test MX zone.test \
	TXT alice.test >"$T_TMP/follow.out" 2>&1
sed 's/^  [0-9][0-9]* /  TTL /' "$T_TMP/follow.out" >"$T_TMP/follow.txt"
cat >"$T_TMP/follow.want" <<'EOF'
alias.zone.test A ANSWER cname=mail.alice.test
  TTL 192.0.2.10
chain.zone.test A ANSWER cname=mail.alice.test
  TTL 192.0.2.10
zone.test MX NODATA zone
alice.test TXT ANSWER
  TTL "v=spf1 ip4:192.0.2.0/24 -all" strings=3
EOF
dns_same "a CNAME out of the zone is followed on the network; other names go there too" \
	"$T_TMP/follow.want" "$T_TMP/follow.txt"

# --- temporary failures -------------------------------------------------
$Q $FWD A refused.example >"$T_TMP/refused.out" 2>&1
t_contains "a server's refusal is a TEMPFAIL" "$T_TMP/refused.out" \
	"refused.example A TEMPFAIL: the DNS server answered SERVFAIL"

dns_stop
$Q $FWD --timeout 1000 MX gone.alice.test TXT gone.alice.test >"$T_TMP/gone.out" 2>&1
t_check "dns_query still exits 0 with the server gone" test $? -eq 0
t_contains "with the server gone, MX is a TEMPFAIL" "$T_TMP/gone.out" \
	"gone.alice.test MX TEMPFAIL: no answer within 1000 ms"
t_contains "and TXT too" "$T_TMP/gone.out" "gone.alice.test TXT TEMPFAIL: no answer within 1000 ms"
$Q $FWD --timeout 1000 --zone tests/data/dns/example.zone MX alice.test >"$T_TMP/offzone.out" 2>&1
t_contains "the zone still answers with the server gone" "$T_TMP/offzone.out" \
	"alice.test MX ANSWER zone"

t_done
