/* test_frankd_conf.c: frankd.conf (values, defaults, every error's
 * file:line message), routing and sender checks, app passwords, rate
 * limits and the retry schedule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frankd.h"

static const char example[] =
	"# a whole configuration\n"
	"hostname Mail.Alice.Test\n"
	"listen 127.0.0.1 2525 smtp\n"
	"listen ::1 2587 submission\n"
	"listen * 0 submissions\n"
	"certificate tls/cert.pem\n"
	"key /etc/frankd/key.pem\n"
	"queue /var/spool/frankd-test\n"
	"passwords 'app passwords'\n"
	"zone_file offline.zone\n"
	"log syslog\n"
	"log_level debug\n"
	"recipient_delimiter -\n"
	"domain alice.test Example.ORG\n"
	"dkim_key alice.test sel1 keys/alice.pem\n"
	"smarthost smtp.example.net 587 user alice password_file sh.pw\n"
	"limit message_size 10M\n"
	"limit recipients 50\n"
	"limit timeout 2m\n"
	"retry first 1m\n"
	"retry give_up 2d\n"
	"queue_scan 30s\n"
	"user alice {\n"
	"    maildir Maildir/alice      # relative to the file\n"
	"    address alice@alice.test Alice@EXAMPLE.org\n"
	"    send_as *@alice.test\n"
	"}\n"
	"user bob {\n"
	"    maildir /srv/mail/bob\n"
	"    address bob@alice.test\n"
	"}\n"
	"postmaster bob\n";

static struct frankd_conf *parse_ok(const char *text)
{
	struct frankd_conf *conf = frankd_conf_new();
	struct lib_err err;
	if (frankd_conf_parse(conf, "t.conf", "/etc/frankd", text, strlen(text), &err) < 0 ||
	    frankd_conf_finish(conf, "/etc/frankd", 0, &err) < 0)
		fail_msg("%s", err.msg);
	return conf;
}

static void conf_example(void **state)
{
	(void)state;
	struct frankd_conf *c = parse_ok(example);
	assert_string_equal(c->hostname, "mail.alice.test");
	assert_int_equal(c->nlistens, 3);
	assert_string_equal(c->listens[1].address, "::1");
	assert_string_equal(c->listens[1].port, "2587");
	assert_int_equal(c->listens[1].mode, FRANKD_MODE_SUBMISSION);
	assert_int_equal(c->listens[2].mode, FRANKD_MODE_SUBMISSIONS);
	assert_string_equal(c->certificate, "/etc/frankd/tls/cert.pem");
	assert_string_equal(c->key, "/etc/frankd/key.pem");
	assert_string_equal(c->password_file, "/etc/frankd/app passwords");
	assert_string_equal(c->zone_file, "/etc/frankd/offline.zone");
	assert_true(c->log_syslog);
	assert_true(c->log_debug);
	assert_int_equal(c->recipient_delimiter, '-');
	assert_int_equal(c->ndomains, 2);
	assert_string_equal(c->domains[1], "example.org");
	assert_int_equal(c->ndkim_keys, 1);
	assert_string_equal(c->dkim_keys[0].key_file, "/etc/frankd/keys/alice.pem");
	assert_string_equal(c->smarthost.host, "smtp.example.net");
	assert_string_equal(c->smarthost.user, "alice");
	assert_string_equal(c->smarthost.password_file, "/etc/frankd/sh.pw");
	assert_int_equal(c->limits.message_size, 10u << 20);
	assert_int_equal(c->limits.recipients, 50);
	assert_int_equal(c->limits.timeout, 120);
	assert_int_equal(c->limits.errors, 10); /* a default */
	assert_int_equal(c->retry.first, 60);
	assert_int_equal(c->retry.give_up, 2 * 86400);
	assert_int_equal(c->retry.max, 3600);
	assert_int_equal(c->queue_scan, 30);
	assert_int_equal(c->nusers, 2);
	const struct frankd_user *a = frankd_conf_user(c, "alice");
	assert_string_equal(a->maildir, "/etc/frankd/Maildir/alice");
	assert_int_equal(a->naddresses, 2);
	assert_string_equal(a->addresses[1], "Alice@example.org");
	assert_string_equal(a->send_as[0], "*@alice.test");
	assert_string_equal(c->postmaster, "bob");
	frankd_conf_free(c);
}

static void conf_defaults(void **state)
{
	(void)state;
	struct frankd_conf *c = parse_ok("domain a.test\nuser u {\nmaildir /m\naddress u@a.test\n}\n");
	assert_int_equal(c->nlistens, 7); /* SMTP, POP3 and IMAP */
	assert_string_equal(c->listens[0].port, "2525"); /* not root */
	assert_string_equal(c->listens[1].port, "2587");
	assert_string_equal(c->listens[2].port, "2465");
	assert_string_equal(c->listens[0].address, "*");
	assert_string_equal(c->certificate, "/etc/frankd/frankd.crt");
	assert_string_equal(c->key, "/etc/frankd/frankd.key");
	assert_string_equal(c->password_file, "/etc/frankd/passwords");
	assert_string_equal(c->queue_dir, "/etc/frankd/queue");
	assert_string_equal(c->postmaster, "u"); /* the first user */
	assert_int_equal(c->limits.message_size, 25u << 20);
	assert_int_equal(c->limits.recipients, 100);
	assert_int_equal(c->recipient_delimiter, '+');
	assert_non_null(c->hostname);
	frankd_conf_free(c);
	struct frankd_conf *root = frankd_conf_new();
	struct lib_err err;
	assert_int_equal(frankd_conf_finish(root, "/etc/frankd", 1, &err), 0);
	assert_string_equal(root->listens[0].port, "25");
	assert_string_equal(root->listens[1].port, "587");
	assert_string_equal(root->listens[2].port, "465");
	assert_string_equal(root->queue_dir, "/var/spool/frankd");
	frankd_conf_free(root);
}

static void conf_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "listen 127.0.0.1 25 gopher\n", "t.conf:1: listen: mode gopher is not smtp, "
						  "submission, submissions, pop3, pop3s, imap or imaps" },
		{ "plaintext_auth always\n", "t.conf:1: plaintext_auth: tls or loopback, not always" },
		{ "\nlisten 127.0.0.1 99999 smtp\n", "t.conf:2: listen: bad port 99999" },
		{ "listen 127.0.0.1\n", "t.conf:1: usage: listen ADDRESS PORT smtp|submission|submissions|pop3|pop3s|imap|imaps" },
		{ "hostname bad_name\n", "t.conf:1: not a domain name: bad_name" },
		{ "flavour vanilla\n", "t.conf:1: unknown command: flavour" },
		{ "limit message_size 10X\n", "t.conf:1: message_size: bad value 10X (a number, with k, "
					      "M or G)" },
		{ "limit recipients 0\n", "t.conf:1: recipients: 0 is out of range (1 to 100000)" },
		{ "limit speed 10\n", "t.conf:1: unknown limit speed (one of: message_size, recipients, "
				      "line_length, errors, connections, connections_per_ip, timeout, "
				      "imap_idle_timeout, imap_login_timeout, auth_failures, "
				      "auth_window, drain_timeout, hops, workers)" },
		{ "retry first soon\n", "t.conf:1: first: not a number: soon" },
		{ "log loud\n", "t.conf:1: log: stderr or syslog, not loud" },
		{ "recipient_delimiter ++\n", "t.conf:1: recipient_delimiter: one of + - _ = or none" },
		{ "user a {\nmaildir /m\n", "t.conf:1: user a has no closing }" },
		{ "user a {\n}\n", "t.conf:2: user a has no maildir" },
		{ "user a b {\n", "t.conf:1: usage: user NAME {" },
		{ "user a/b {\n", "t.conf:1: user a/b: bad name (letters, digits, '.', '-', '_')" },
		{ "user a {\nuser b {\n", "t.conf:2: user blocks do not nest (user a has no closing })" },
		{ "user a {\naddress nobody\n", "t.conf:2: not an address (local@domain): nobody" },
		{ "user a {\nflavour x\n", "t.conf:2: in a user block: maildir PATH, address "
					    "ADDRESS..., send_as PATTERN... or }" },
		{ "user a {\nmaildir /m\n}\nuser a {\n", "t.conf:4: user a is defined twice" },
		{ "}\n", "t.conf:1: } without a block" },
		{ "smarthost h 587 token x\n", "t.conf:1: smarthost: unknown option token (user, "
						"password_file, password_command, ca_file)" },
		{ "smarthost h 587 user u password_file f password_command c\n",
		  "t.conf:1: smarthost: password_file and password_command: give one" },
		{ "smarthost h 587 password_command 'pass show x'\n",
		  "t.conf:1: smarthost: a password needs a user" },
		{ "domain \"unterminated\n", "t.conf:1: unterminated quote" },
		{ "queue\n", "t.conf:1: usage: queue VALUE" },
		{ "relay_from mx.example\n", "t.conf:1: relay_from: not an IPv4 or IPv6 address: "
					      "mx.example" },
		{ "relay_from\n", "t.conf:1: usage: relay_from ADDRESS" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_conf *c = frankd_conf_new();
		struct lib_err err = { "" };
		int rc = frankd_conf_parse(c, "t.conf", "/d", cases[i].text, strlen(cases[i].text),
					   &err);
		if (rc != -1 || strcmp(err.msg, cases[i].error) != 0)
			fail_msg("case %zu: rc %d\n got: %s\nwant: %s", i, rc, err.msg, cases[i].error);
		frankd_conf_free(c);
	}
}

static void conf_finish_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "user a {\nmaildir /m\naddress a@elsewhere.test\n}\n",
		  "t.conf: user a: a@elsewhere.test is not in a local domain (add: domain "
		  "elsewhere.test)" },
		{ "domain d.test\nuser a {\nmaildir /m\naddress x@d.test\n}\n"
		  "user b {\nmaildir /n\naddress X@D.test\n}\n",
		  "t.conf: X@d.test belongs to users a and b" },
		{ "postmaster nobody\n", "t.conf: postmaster: there is no user nobody" },
		{ "certificate /c.pem\n", "t.conf: certificate and key go together (give both or none)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_conf *c = frankd_conf_new();
		struct lib_err err = { "" };
		assert_int_equal(frankd_conf_parse(c, "t.conf", "/d", cases[i].text,
						   strlen(cases[i].text), &err),
				 0);
		int rc = frankd_conf_finish(c, "/d", 0, &err);
		if (rc != -1 || strcmp(err.msg, cases[i].error) != 0)
			fail_msg("case %zu: rc %d\n got: %s\nwant: %s", i, rc, err.msg, cases[i].error);
		frankd_conf_free(c);
	}
}

static void conf_describe_lists_tables(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	frankd_conf_describe(&b);
	assert_non_null(strstr(b.data, "limit message_size 25M\t"));
	assert_non_null(strstr(b.data, "limit recipients 100\t"));
	assert_non_null(strstr(b.data, "retry first 5m\t"));
	assert_non_null(strstr(b.data, "retry give_up 5d\t"));
	assert_non_null(strstr(b.data, "retry warn 4h\t"));
	lib_buf_release(&b);
}

/* --- routing ------------------------------------------------------------------ */

static void route_table(void **state)
{
	(void)state;
	struct frankd_conf *c = parse_ok("domain alice.test\n"
					 "user alice {\nmaildir /m/a\naddress alice@alice.test\n"
					 "send_as *@alice.test list@lists.test\n}\n"
					 "user bob {\nmaildir /m/b\naddress bob@alice.test\n}\n"
					 "postmaster bob\n");
	static const struct {
		const char *address;
		enum frankd_route_kind kind;
		const char *user;
	} cases[] = {
		{ "alice@alice.test", FRANKD_ROUTE_LOCAL, "alice" },
		{ "ALICE@Alice.Test", FRANKD_ROUTE_LOCAL, "alice" },
		{ "alice+news@alice.test", FRANKD_ROUTE_LOCAL, "alice" },
		{ "+x@alice.test", FRANKD_ROUTE_NO_USER, NULL },
		{ "carol@alice.test", FRANKD_ROUTE_NO_USER, NULL },
		{ "postmaster@alice.test", FRANKD_ROUTE_LOCAL, "bob" },
		{ "PostMaster", FRANKD_ROUTE_LOCAL, "bob" },
		{ "someone@bob.test", FRANKD_ROUTE_REMOTE, NULL },
		{ "alice@alice.test.evil", FRANKD_ROUTE_REMOTE, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_route r;
		frankd_route(c, cases[i].address, &r);
		if (r.kind != cases[i].kind ||
		    (cases[i].user && (!r.user || strcmp(r.user->name, cases[i].user) != 0)))
			fail_msg("%s: kind %d", cases[i].address, r.kind);
	}
	const struct frankd_user *alice = frankd_conf_user(c, "alice");
	const struct frankd_user *bob = frankd_conf_user(c, "bob");
	assert_true(frankd_may_send_as(alice, "alice@alice.test"));
	assert_true(frankd_may_send_as(alice, "anything@Alice.Test"));
	assert_true(frankd_may_send_as(alice, "LIST@lists.test"));
	assert_false(frankd_may_send_as(alice, "other@lists.test"));
	assert_false(frankd_may_send_as(alice, ""));
	assert_false(frankd_may_send_as(alice, "x@alice.test.evil"));
	assert_true(frankd_may_send_as(bob, "bob@alice.test"));
	assert_false(frankd_may_send_as(bob, "alice@alice.test"));
	assert_string_equal(frankd_address_domain("a@b@c.test"), "c.test");
	assert_string_equal(frankd_address_domain("postmaster"), "");
	frankd_conf_free(c);
}

/* --- app passwords ------------------------------------------------------------- */

static void passwords_cycle(void **state)
{
	(void)state;
	struct frankd_passwords pw = { NULL, 0 };
	struct lib_err err;
	char *p1 = NULL, *p2 = NULL;
	/* a low cost (2^4) keeps the test fast; the format carries it */
	assert_int_equal(frankd_passwords_add(&pw, "alice", "phone", 4, &p1, &err), 0);
	assert_int_equal(frankd_passwords_add(&pw, "alice", NULL, 4, &p2, &err), 0);
	assert_string_equal(pw.items[1].label, "app");
	assert_int_equal(strlen(p1), 24); /* 20 characters in groups of four */
	assert_int_equal(p1[4], '-');
	assert_string_not_equal(p1, p2);
	assert_int_equal(frankd_passwords_add(&pw, "alice", "phone", 4, &p2, &err), -1);
	assert_string_equal(err.msg, "alice already has a password labelled phone (revoke it first)");
	assert_int_equal(frankd_passwords_add(&pw, "alice", "bad label", 4, &p2, &err), -1);

	const char *label = NULL;
	assert_int_equal(frankd_passwords_check(&pw, "alice", p1, &label, &err), 1);
	assert_string_equal(label, "phone");
	char stripped[32];
	size_t n = 0;
	for (const char *c = p1; *c; c++)
		if (*c != '-')
			stripped[n++] = *c;
	stripped[n] = '\0';
	assert_int_equal(frankd_passwords_check(&pw, "alice", stripped, &label, &err), 1);
	assert_int_equal(frankd_passwords_check(&pw, "alice", "wrong", &label, &err), 0);
	assert_int_equal(frankd_passwords_check(&pw, "bob", p1, &label, &err), 0);

	/* the text form: no password in it, and it reads back */
	struct lib_buf text = LIB_BUF_INIT;
	frankd_passwords_format(&pw, &text);
	assert_null(strstr(text.data, p1));
	assert_null(strstr(text.data, stripped));
	assert_non_null(strstr(text.data, "alice phone $scrypt$ln=4,r=8,p=1$"));
	struct frankd_passwords back;
	assert_int_equal(frankd_passwords_parse("pw", text.data, text.len, &back, &err), 0);
	assert_int_equal(back.count, 2);
	assert_int_equal(frankd_passwords_check(&back, "alice", p1, &label, &err), 1);

	assert_int_equal(frankd_passwords_revoke(&back, "alice", "phone", &err), 0);
	assert_int_equal(frankd_passwords_check(&back, "alice", p1, &label, &err), 0);
	assert_int_equal(frankd_passwords_revoke(&back, "alice", "phone", &err), -1);
	assert_string_equal(err.msg, "alice has no password labelled phone");

	/* saved with mode 0600, loaded back; a missing file is empty */
	char dir[] = "/tmp/frankd-pw.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = lib_xasprintf("%s/passwords", dir);
	struct frankd_passwords none;
	assert_int_equal(frankd_passwords_load(path, &none, &err), 0);
	assert_int_equal(none.count, 0);
	assert_int_equal(frankd_passwords_save(path, &pw, &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	struct frankd_passwords loaded;
	assert_int_equal(frankd_passwords_load(path, &loaded, &err), 0);
	assert_int_equal(loaded.count, 2);
	unlink(path);
	rmdir(dir);
	free(path);

	frankd_password_free(p1);
	frankd_password_free(p2);
	lib_buf_release(&text);
	frankd_passwords_release(&pw);
	frankd_passwords_release(&back);
	frankd_passwords_release(&loaded);
}

static void passwords_parse_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"alice\n",
		"alice phone $scrypt$ln=15,r=8,p=1$c2FsdA==$aGFzaA== 1\n", /* short salt, hash */
		"alice phone $bcrypt$whatever 1\n",
		"alice phone $scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= 1\n",
		"al/ice phone $scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= 1\n",
		"alice phone $scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= soon\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct frankd_passwords pw;
		struct lib_err err;
		char *text = lib_xasprintf("# comment\n\n%s", bad[i]);
		if (frankd_passwords_parse("pw", text, strlen(text), &pw, &err) != -1)
			fail_msg("case %zu accepted", i);
		assert_string_equal(err.msg,
				    "pw:3: not a password entry (USER LABEL $scrypt$... CREATED)");
		free(text);
	}
}

/* --- rate limits and retries ---------------------------------------------------- */

static void ratelimit_windows(void **state)
{
	(void)state;
	struct frankd_ratelimit *rl = frankd_ratelimit_new(2);
	for (int i = 0; i < 3; i++) {
		assert_false(frankd_ratelimit_blocked(rl, "192.0.2.1", 1000, 3, 60));
		frankd_ratelimit_fail(rl, "192.0.2.1", 1000 + i, 60);
	}
	assert_true(frankd_ratelimit_blocked(rl, "192.0.2.1", 1010, 3, 60));
	assert_false(frankd_ratelimit_blocked(rl, "192.0.2.2", 1010, 3, 60));
	assert_false(frankd_ratelimit_blocked(rl, "192.0.2.1", 1060, 3, 60)); /* window over */
	/* a full table: the oldest window makes room, memory stays bounded */
	frankd_ratelimit_fail(rl, "a", 2000, 60);
	frankd_ratelimit_fail(rl, "b", 2001, 60);
	frankd_ratelimit_fail(rl, "c", 2002, 60);
	assert_true(frankd_ratelimit_blocked(rl, "c", 2003, 1, 60));
	assert_true(frankd_ratelimit_blocked(rl, "b", 2003, 1, 60));
	assert_false(frankd_ratelimit_blocked(rl, "a", 2003, 1, 60));
	frankd_ratelimit_free(rl);
}

static void retry_schedule(void **state)
{
	(void)state;
	struct frankd_retry r = { 300, 3600, 5 * 86400, 4 * 3600 };
	assert_int_equal(frankd_retry_delay(&r, 1), 300);
	assert_int_equal(frankd_retry_delay(&r, 2), 600);
	assert_int_equal(frankd_retry_delay(&r, 3), 1200);
	assert_int_equal(frankd_retry_delay(&r, 4), 2400);
	assert_int_equal(frankd_retry_delay(&r, 5), 3600);
	assert_int_equal(frankd_retry_delay(&r, 500), 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_example),
		cmocka_unit_test(conf_defaults),
		cmocka_unit_test(conf_errors),
		cmocka_unit_test(conf_finish_errors),
		cmocka_unit_test(conf_describe_lists_tables),
		cmocka_unit_test(route_table),
		cmocka_unit_test(passwords_cycle),
		cmocka_unit_test(passwords_parse_errors),
		cmocka_unit_test(ratelimit_windows),
		cmocka_unit_test(retry_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
