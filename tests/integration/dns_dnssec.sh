#!/bin/sh
# dns_dnssec.sh: DNSSEC validation as the resolver reports it.  Two zones
# signed here with ldns-signzone are served by NSD on 127.0.0.1; the
# resolver forwards to it with a trust anchor that holds secure.test's key
# and a key bogus.test was NOT signed with: answers under secure.test are
# "secure", under bogus.test a TEMPFAIL marked bogus, with unbound's reason.
. tests/lib.sh
PATH=$PATH:/usr/sbin:/sbin
t_need nsd ldns-keygen ldns-signzone
t_tmpdir
Q=build/tests/tools/dns_query
. tests/integration/dns.lib

make_zone() { # NAME
	cat >"$T_TMP/$1.zone" <<EOF
\$ORIGIN $1.
\$TTL 300
@    SOA ns hostmaster 1 3600 900 604800 300
@    NS  ns
ns   A   192.0.2.53
www  A   192.0.2.80
@    TXT "v=spf1 -all"
@    MX  10 mail
mail A   192.0.2.25
EOF
}

(
	cd "$T_TMP" || exit 1
	make_zone secure.test
	make_zone bogus.test
	ksk=$(ldns-keygen -a ECDSAP256SHA256 -k secure.test) &&
		zsk=$(ldns-keygen -a ECDSAP256SHA256 secure.test) &&
		ldns-signzone -o secure.test. secure.test.zone "$ksk" "$zsk" &&
		bksk=$(ldns-keygen -a ECDSAP256SHA256 -k bogus.test) &&
		bzsk=$(ldns-keygen -a ECDSAP256SHA256 bogus.test) &&
		other=$(ldns-keygen -a ECDSAP256SHA256 -k bogus.test) &&
		ldns-signzone -o bogus.test. bogus.test.zone "$bksk" "$bzsk" &&
		cat "$ksk.key" "$other.key" >anchors.key
) >"$T_TMP/sign.log" 2>&1
t_check "the test zones are signed" test -s "$T_TMP/secure.test.zone.signed" -a \
	-s "$T_TMP/bogus.test.zone.signed" -a -s "$T_TMP/anchors.key"

nsd_on() {
	cat >"$T_TMP/nsd.conf" <<EOF
server:
  port: $1
  ip-address: 127.0.0.1
  username: ""
  chroot: ""
  zonesdir: "$T_TMP"
  pidfile: "$T_TMP/nsd.pid"
  database: ""
  xfrdfile: "$T_TMP/xfrd.state"
  zonelistfile: "$T_TMP/zone.list"
  xfrdir: "$T_TMP"
  logfile: "$T_TMP/nsd.log"
remote-control:
  control-enable: no
zone:
  name: secure.test
  zonefile: secure.test.zone.signed
zone:
  name: bogus.test
  zonefile: bogus.test.zone.signed
EOF
	nsd -d -c "$T_TMP/nsd.conf" 2>>"$T_TMP/nsd.log" &
	SERVER_PID=$!
}

dns_serve nsd_on "$T_TMP/nsd.log" 'nsd started'
t_ok "nsd serves the signed zones on 127.0.0.1 port $PORT"
FWD="--forward 127.0.0.1@$PORT --trust-anchor $T_TMP/anchors.key --timeout 5000"

$Q $FWD A www.secure.test MX secure.test TXT secure.test A nope.secure.test \
	TXT www.secure.test >"$T_TMP/secure.out" 2>&1
cat >"$T_TMP/secure.want" <<'EOF'
www.secure.test A ANSWER secure
  300 192.0.2.80
secure.test MX ANSWER secure
  300 10 mail.secure.test
secure.test TXT ANSWER secure
  300 "v=spf1 -all" strings=1
nope.secure.test A NXDOMAIN secure
www.secure.test TXT NODATA secure
EOF
dns_same "answers, NXDOMAIN and NODATA under a trusted key are secure" \
	"$T_TMP/secure.want" "$T_TMP/secure.out"

$Q $FWD A www.bogus.test >"$T_TMP/bogus.out" 2>&1
t_contains "a zone not signed with its anchor's key is bogus, a TEMPFAIL with the reason" \
	"$T_TMP/bogus.out" "www.bogus.test A TEMPFAIL bogus: DNSSEC validation failed: "
t_lacks "its records are not handed out" "$T_TMP/bogus.out" "192.0.2.80"

# Without a trust anchor nothing is validated: the same answers, not secure.
$Q --forward "127.0.0.1@$PORT" A www.secure.test www.bogus.test >"$T_TMP/plain.out" 2>&1
cat >"$T_TMP/plain.want" <<'EOF'
www.secure.test A ANSWER
  300 192.0.2.80
www.bogus.test A ANSWER
  300 192.0.2.80
EOF
dns_same "without a trust anchor answers are neither secure nor bogus" \
	"$T_TMP/plain.want" "$T_TMP/plain.out"
t_done
