# tests/tools/dovecot_lib.sh: a private Dovecot for the sync tests (sourced
# after tests/lib.sh).  dovecot_start writes a config under $1 (its own
# base_dir, a passwd-file with plain test passwords, Maildirs under
# $1/mail/USER, ssl=required with a self-signed certificate made now by
# net_certgen), starts Dovecot on free high ports of 127.0.0.1 and sets:
#   DC_DIR DC_IMAPS DC_IMAP DC_POP3S DC_POP3  ports (993/143/995/110 kinds)
#   DC_FP     the certificate's SHA-256 pin, for tls_fingerprint
#   DC_MAIL   the Maildir root of user "test" (password "Tr0ub4dor-3")
#   DC_OWNER  who owns mail files (chown target after writing into DC_MAIL)
# With DC_CAPS set, Dovecot announces exactly those capabilities after
# login (to test a server without QRESYNC, say).
# dovecot_stop stops it (put it in T_CLEANUP_HOOK).  As root (CI), mail and
# login processes run as Debian's dovecot/dovenull users and mail as nobody,
# since Dovecot refuses mail access as root; as another user, all run as
# that user.

dovecot_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

dovecot_start() { # DIR
	DC_DIR=$1
	mkdir -p "$DC_DIR/run" "$DC_DIR/state" "$DC_DIR/mail" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		dc_internal=dovecot
		dc_login=dovenull
		dc_uid=$(id -u nobody)
		dc_gid=$(id -g nobody)
		DC_OWNER=nobody:$(id -gn nobody)
		# The mail user must reach its Maildir through the test's tmp dir.
		d=$DC_DIR
		while [ "$d" != / ] && [ -n "$d" ]; do
			chmod o+x "$d" 2>/dev/null
			d=$(dirname "$d")
		done
	else
		dc_internal=$(id -un)
		dc_login=$(id -un)
		dc_uid=$(id -u)
		dc_gid=$(id -g)
		DC_OWNER=$(id -u):$(id -g)
	fi
	DC_MAIL=$DC_DIR/mail/test
	mkdir -p "$DC_MAIL/cur" "$DC_MAIL/new" "$DC_MAIL/tmp"
	chown -R "$DC_OWNER" "$DC_DIR/mail"
	build/tests/tools/net_certgen self "$DC_DIR/cert" localhost >/dev/null || return 1
	DC_FP=$(build/tests/tools/net_certgen fingerprint "$DC_DIR/cert.crt") || return 1
	DC_IMAP=$(dovecot_free_port)
	DC_IMAPS=$(dovecot_free_port)
	DC_POP3=$(dovecot_free_port)
	DC_POP3S=$(dovecot_free_port)
	printf 'test:{PLAIN}Tr0ub4dor-3:%s:%s::%s/mail/test\n' "$dc_uid" "$dc_gid" "$DC_DIR" \
		>"$DC_DIR/passwd"
	printf 'other:{PLAIN}Tr0ub4dor-3:%s:%s::%s/mail/other\n' "$dc_uid" "$dc_gid" "$DC_DIR" \
		>>"$DC_DIR/passwd"
	cat >"$DC_DIR/dovecot.conf" <<EOF
base_dir = $DC_DIR/run
state_dir = $DC_DIR/state
instance_name = frank-test-$$
log_path = $DC_DIR/dovecot.log
info_log_path = $DC_DIR/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = $dc_internal
default_internal_group = $(id -gn "$dc_internal")
default_login_user = $dc_login
first_valid_uid = 1
first_valid_gid = 1
ssl = required
ssl_cert = <$DC_DIR/cert.crt
ssl_key = <$DC_DIR/cert.key
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:~
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DC_DIR/passwd
}
userdb {
  driver = passwd-file
  args = $DC_DIR/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DC_IMAP
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DC_IMAPS
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DC_POP3
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $DC_POP3S
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 100
}
pop3_uidl_format = %08Xu%08Xv
EOF
	[ -n "${DC_CAPS:-}" ] && printf 'protocol imap {\n  imap_capability = %s\n}\n' "$DC_CAPS" \
		>>"$DC_DIR/dovecot.conf"
	/usr/sbin/dovecot -c "$DC_DIR/dovecot.conf" >"$DC_DIR/start.out" 2>&1 || {
		cat "$DC_DIR/start.out" "$DC_DIR/dovecot.log" 2>/dev/null
		return 1
	}
	# Up when the imaps port answers.
	for _ in $(seq 1 100); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $DC_IMAPS), 1)" \
			2>/dev/null && return 0
		sleep 0.1
	done
	cat "$DC_DIR/dovecot.log" 2>/dev/null
	return 1
}

dovecot_stop() {
	[ -n "${DC_DIR:-}" ] && [ -f "$DC_DIR/dovecot.conf" ] &&
		/usr/sbin/dovecot -c "$DC_DIR/dovecot.conf" stop >/dev/null 2>&1
	return 0
}

# dovecot_fix_owner: after the test wrote files into DC_MAIL directly.
dovecot_fix_owner() {
	chown -R "$DC_OWNER" "$DC_DIR/mail"
}

# dovecot_account NAME [PASSWORD [USER]]: prints an account block for USER
# (test) of this Dovecot over imaps, to append to a frankrc (chmod 600 it).
dovecot_account() {
	echo "account $1 {"
	echo "    set from = ${3:-test}@example.org"
	echo "    set source = imaps://${3:-test}@127.0.0.1:$DC_IMAPS"
	echo "    set tls_fingerprint = $DC_FP"
	echo "    set password = ${2:-Tr0ub4dor-3}"
	echo "}"
}
