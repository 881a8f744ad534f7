#!/bin/sh
# frankd_imap_ports.sh: without any listen line frankd serves IMAP (143
# STARTTLS, 993 TLS) and POP3 (110 STLS, 995 TLS) beside SMTP (25, 587,
# 465) as root, and 2143, 2993, 2110, 2995, 2525, 2587, 2465 otherwise.
# The test runs itself in a network namespace of its own (unshare -rn:
# root there, its own loopback), so the fixed ports meet nothing else;
# then, as an unprivileged user there (unshare -U), the other set.
. tests/lib.sh
if [ -z "${FD_NETNS:-}" ]; then
	t_need unshare ip python3
	FD_NETNS=1 exec unshare -rn sh "$0"
fi
ip link set lo up
t_tmpdir
. tests/integration/frankd.lib

fd_conf
sed -i '/^listen /d' "$FD/frankd.conf"
t_check "the configuration has no listen line" test -z "$(grep '^listen' "$FD/frankd.conf")"

cat >"$T_TMP/probe.py" <<'EOF'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
name = sys.argv[2]
for spec in sys.argv[3:]:
    port, tls, greeting = spec.split(":")
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), 10)
        if tls == "tls":
            s = ctx.wrap_socket(s, server_hostname=name)
        line = s.makefile("rb").readline().decode().strip()
        print(port, tls, line.startswith(greeting), line[:40])
        s.close()
    except OSError as e:
        print(port, tls, False, e)
EOF
probe() { timeout 60 python3 "$T_TMP/probe.py" "$FD_CERT" "$FD_NAME" "$@"; }
ports_ok() { # description output
	t_check "$1" test "$(grep -c ' True ' "$2")" -eq 7
}

fd_start
probe 25:plain:220 587:plain:220 465:tls:220 110:plain:+OK 995:tls:+OK \
	143:plain:"* OK" 993:tls:"* OK" >"$T_TMP/root.out" 2>&1
ports_ok "as root: SMTP 25, 587, 465, POP3 110, 995 and IMAP 143, 993 answer" "$T_TMP/root.out"
t_contains "...IMAP on 143 offers STARTTLS" "$T_TMP/root.out" "143 plain True * OK [CAPABILITY"
t_contains "...IMAP on 993 greets under TLS" "$T_TMP/root.out" "993 tls True * OK"
fd_stop

# Not root: the unprivileged set (a user namespace inside, root unmapped).
chmod -R a+rwX "$T_TMP"
unshare -U "$FRANKD" -c "$FD/frankd.conf" 2>"$FD/log.user" &
FD_PID=$!
FD_LOG=$FD/log.user
fd_log_wait "info: started: " || t_fail "frankd starts as a user" "$(cat "$FD_LOG")"
probe 2525:plain:220 2587:plain:220 2465:tls:220 2110:plain:+OK 2995:tls:+OK \
	2143:plain:"* OK" 2993:tls:"* OK" >"$T_TMP/user.out" 2>&1
ports_ok "not root: 2525, 2587, 2465, 2110, 2995, 2143, 2993 answer" "$T_TMP/user.out"
fd_stop
t_done
