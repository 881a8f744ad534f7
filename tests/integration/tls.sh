#!/bin/sh
# tls.sh: client connections against openssl s_server and scripted servers,
# and the server side (net_tls_echo, on the net API and libevent) against
# frank's client and Python's ssl module.  Certificates are made here, at
# run time: a test CA, leaves for localhost (valid, expired, another name,
# an IP address), and frankd's self-signed kind.
. tests/lib.sh
t_tmpdir
t_need openssl python3 timeout
tools=build/tests/tools
client=$tools/net_client
certgen=$tools/net_certgen
for tool in "$client" "$certgen" "$tools/net_tls_echo"; do
	[ -x "$tool" ] || { t_fail "$tool is built" "run: make unit-tests"; exit 1; }
done
c=$T_TMP/certs
mkdir -p "$c"
T_CLEANUP_HOOK='stop_servers'
pids=""
stop_servers() { for p in $pids; do kill "$p" 2>/dev/null; done; }

"$certgen" ca "$c/ca" &&
	"$certgen" leaf "$c/ca" "$c/good" localhost -1 30 &&
	"$certgen" leaf "$c/ca" "$c/old" localhost -30 -1 &&
	"$certgen" leaf "$c/ca" "$c/other" mail.example.org -1 30 &&
	"$certgen" leaf "$c/ca" "$c/ip" 127.0.0.1 -1 30 >/dev/null
t_check "the test certificates are made" test -s "$c/ip.crt"
"$certgen" self "$c/self" localhost >"$T_TMP/self.out"
t_contains "a self-signed certificate is made when absent" "$T_TMP/self.out" "made"
self_fp=$("$certgen" fingerprint "$c/self.crt")
good_fp=$("$certgen" fingerprint "$c/good.crt")

# s_server CERT [OPTION]...: one openssl s_server in -rev mode (it sends
# each line back reversed) for one connection; sets $port.
s_server() {
	cert=$1
	shift
	out=$T_TMP/s_server.$$.$RANDOM.out
	openssl s_server -accept 127.0.0.1:0 -cert "$c/$cert.crt" -key "$c/$cert.key" \
		-rev -naccept 1 "$@" >"$out" 2>&1 &
	pids="$pids $!"
	port=""
	for _ in $(seq 1 100); do
		port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$out")
		[ -n "$port" ] && break
		sleep 0.05
	done
}

# tls NAME [CLIENT OPTION]...: net_client with implicit TLS to $port.
tls() {
	name=$1
	shift
	timeout 30 "$client" --tls --timeout 5000 "$@" 127.0.0.1 "$port" >"$T_TMP/$name.out" 2>&1
	echo $? >"$T_TMP/$name.rc"
}

s_server good
tls trusted --ca "$c/ca.crt" --name localhost --send hello
t_check "a chain from the test CA is trusted" t_rc_is trusted 0
t_contains "data crosses the TLS connection" "$T_TMP/trusted.out" "S: olleh"

s_server good
tls system --name localhost --send hello
t_check "the system store does not trust the test CA" t_rc_is system 1
t_contains "untrusted is named" "$T_TMP/system.out" "ERROR certificate untrusted"

s_server old
tls expired --ca "$c/ca.crt" --name localhost --send hello
t_check "an expired certificate is refused" t_rc_is expired 1
t_contains "expired is named" "$T_TMP/expired.out" "ERROR certificate expired"
t_contains "with OpenSSL's reason" "$T_TMP/expired.out" "(certificate has expired)"
t_lacks "nothing was sent over it" "$T_TMP/expired.out" "olleh"

s_server other
tls wronghost --ca "$c/ca.crt" --name localhost --send hello
t_check "a certificate for another host is refused" t_rc_is wronghost 1
t_contains "the wrong host is named" "$T_TMP/wronghost.out" "ERROR certificate for another host"

s_server ip
tls ipname --ca "$c/ca.crt" --name 127.0.0.1 --send hello
t_check "a certificate for an IP address matches that address" t_rc_is ipname 0

s_server self
tls selfsigned --name localhost --send hello
t_check "an unpinned self-signed certificate is refused" t_rc_is selfsigned 1
t_contains "untrusted is named" "$T_TMP/selfsigned.out" "ERROR certificate untrusted"
t_contains "the error prints the fingerprint to pin" "$T_TMP/selfsigned.out" \
	"SHA-256 fingerprint $self_fp"
t_contains "and the subject" "$T_TMP/selfsigned.out" "subject /CN=localhost"
t_contains "and the expiry" "$T_TMP/selfsigned.out" "expires "

s_server self
tls pinned --name localhost --pin "$self_fp" --send hello
t_check "a pinned self-signed certificate is accepted" t_rc_is pinned 0
t_contains "and used" "$T_TMP/pinned.out" "S: olleh"

lower_fp=$(printf '%s' "$self_fp" | tr -d : | tr 'A-F' 'a-f')
s_server self
tls pinnedhex --name localhost --pin "$lower_fp" --send hello
t_check "the pin may be lowercase hex without colons" t_rc_is pinnedhex 0

s_server good
tls pinmismatch --ca "$c/ca.crt" --name localhost --pin "$self_fp" --send hello
t_check "a pin decides even over a trusted chain" t_rc_is pinmismatch 1
t_contains "the mismatch is named" "$T_TMP/pinmismatch.out" "ERROR certificate fingerprint mismatch"
t_contains "with the certificate's real fingerprint" "$T_TMP/pinmismatch.out" "$good_fp"

s_server good -no_tls1_2 -no_tls1_3
tls oldproto --ca "$c/ca.crt" --name localhost --send hello
t_check "a server without TLS 1.2 or newer is refused" t_rc_is oldproto 1
t_contains "as a handshake failure" "$T_TMP/oldproto.out" "ERROR TLS handshake failed"

# --- scripted servers: no STARTTLS, silence, injection, a cut line --------

# script MODE: starts net_script_server.py; sets $port and $record.
script() {
	record=$T_TMP/record.$1
	rm -f "$T_TMP/port.$1"
	python3 tests/tools/net_script_server.py "$1" "$T_TMP/port.$1" "$record" &
	pids="$pids $!"
	for _ in $(seq 1 100); do
		[ -s "$T_TMP/port.$1" ] && break
		sleep 0.05
	done
	port=$(cat "$T_TMP/port.$1")
}

plain() {
	name=$1
	shift
	timeout 30 "$client" --timeout 3000 "$@" 127.0.0.1 "$port" >"$T_TMP/$name.out" 2>&1
	echo $? >"$T_TMP/$name.rc"
}

secret=App-Pass-7f3Q
script record
plain noauth --greeting --send CAPABILITY --secret "$secret" --send LOGOUT --debug "$T_TMP/trace"
sleep 0.2
t_check "a credential on a connection without TLS is refused" t_rc_is noauth 1
t_contains "with a clear error" "$T_TMP/noauth.out" "refusing to send a password over a connection without TLS"
t_check "the server received the commands before it" grep -q CAPABILITY "$record"
t_lacks "the server received no credential" "$record" "$secret"
t_lacks "nor anything after it" "$record" "LOGOUT"
t_contains "the trace shows what was sent" "$T_TMP/trace" "C: CAPABILITY"

script record
plain loopauth --greeting --secret "$secret" --plain-loopback --send LOGOUT --debug "$T_TMP/trace2"
sleep 0.2
t_check "plaintext to loopback is allowed only when asked" t_rc_is loopauth 0
t_contains "then the server receives it (the recording works)" "$record" "$secret"
t_contains "the trace marks the secret" "$T_TMP/trace2" "C: <secret, "
t_lacks "and never shows it" "$T_TMP/trace2" "$secret"

script silent
plain silent --greeting --timeout 1000
t_check "a server that never speaks times out" t_rc_is silent 1
t_contains "timeout is named" "$T_TMP/silent.out" "ERROR timed out"

script inject
plain inject --greeting --starttls --pin "$self_fp" --name localhost
t_check "plaintext after the STARTTLS reply is refused" t_rc_is inject 1
t_contains "as an injection" "$T_TMP/inject.out" "sent data before TLS started"

script cut
plain cut --greeting
t_check "a server that closes mid-line" t_rc_is cut 1
t_contains "closed is named" "$T_TMP/cut.out" "ERROR server closed the connection"

script record
plain toolong --greeting --max-line 8
t_check "a line over the limit is an error" t_rc_is toolong 1
t_contains "too long is named" "$T_TMP/toolong.out" "line longer than 8 bytes"

# A port nobody listens on: take one from a server that is gone.
script cut
plain probe --greeting
plain refused --greeting
t_check "a closed port" t_rc_is refused 1
t_contains "is refused" "$T_TMP/refused.out" "ERROR connection refused"

timeout 60 "$client" --greeting no-such-host.invalid 143 >"$T_TMP/dns.out" 2>&1
t_contains "an unknown host is a DNS error" "$T_TMP/dns.out" "ERROR DNS lookup failed"

# --- the server side: net_tls_echo -----------------------------------------

# echo_server NAME [OPTION]...: sets $port.
echo_server() {
	name=$1
	shift
	"$tools/net_tls_echo" "$@" "$c/echo.crt" "$c/echo.key" "$T_TMP/port.echo.$name" &
	pids="$pids $!"
	for _ in $(seq 1 100); do
		[ -s "$T_TMP/port.echo.$name" ] && break
		sleep 0.05
	done
	port=$(cat "$T_TMP/port.echo.$name")
}

echo_server starttls --max-line 100
t_check "the server made its own certificate" test -s "$c/echo.crt"
key_mode=$(stat -c %a "$c/echo.key")
t_check "its key is private (0600)" test "$key_mode" = 600
echo_fp=$("$certgen" fingerprint "$c/echo.crt")

plain st --greeting --send before --starttls --pin "$echo_fp" --name localhost --send after --send QUIT
t_check "STARTTLS upgrades a connection to the server" t_rc_is st 0
t_contains "before it, plaintext" "$T_TMP/st.out" "S: ECHO before tls=0"
t_contains "after it, TLS" "$T_TMP/st.out" "S: ECHO after tls=1"
t_contains "the last reply arrives before the server closes" "$T_TMP/st.out" "S: BYE"

# Python verifies the self-signed certificate as its own root: the name
# (subjectAltName localhost) and dates must be right, not only the key.
python3 - "$port" "$c/echo.crt" >"$T_TMP/py.out" 2>&1 <<'PY'
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"STARTTLS\r\n")
print(f.readline().decode().strip())
ctx = ssl.create_default_context(cafile=sys.argv[2])
t = ctx.wrap_socket(s, server_hostname="localhost")
t.sendall(b"from python\r\n")
print(t.recv(200).decode().strip(), t.version())
PY
t_contains "Python's ssl module speaks STARTTLS with it, verifying the certificate" "$T_TMP/py.out" "ECHO from python tls=1 TLSv1.3"

python3 - "$port" >"$T_TMP/inj.out" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"STARTTLS\r\nINJECTED\r\n")
print(f.readline().decode().strip())
PY
t_contains "commands pipelined after STARTTLS are refused" "$T_TMP/inj.out" "ERR data after STARTTLS"

long=$(printf '%0200d' 0)
plain serverlong --greeting --send "$long"
t_contains "the server refuses a line over its limit" "$T_TMP/serverlong.out" "S: ERR line too long"

echo_server implicit --implicit
timeout 30 "$client" --tls --pin "$echo_fp" --name localhost --greeting --send hi 127.0.0.1 "$port" \
	>"$T_TMP/implicit.out" 2>&1
t_contains "implicit TLS from the first byte" "$T_TMP/implicit.out" "S: ECHO hi tls=1"
printf 'Q\n' | timeout 30 openssl s_client -connect "127.0.0.1:$port" -quiet >"$T_TMP/sclient.out" 2>&1
t_contains "openssl s_client reaches it" "$T_TMP/sclient.out" "* echo ready"

"$certgen" self "$c/echo" localhost >"$T_TMP/again.out"
t_contains "an existing certificate is kept" "$T_TMP/again.out" "kept"
t_check "unchanged" test "$("$certgen" fingerprint "$c/echo.crt")" = "$echo_fp"
rm "$c/echo.key"
"$certgen" self "$c/echo" localhost >"$T_TMP/half.out" 2>&1
t_contains "a certificate without its key is an error" "$T_TMP/half.out" "exists but"
t_done
