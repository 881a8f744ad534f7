/* test_frankd_relay.c: the relay's pure parts as tables: the order of MX
 * hosts (preference, shuffling among equals, implicit MX, null MX), the
 * status code in an error text, the DSN's structure, the envelope's
 * quarantine and warned fields, and the relay settings of frankd.conf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"
#include "mime.h"
#include "net.h"

/* An answer of MX records "PREF NAME,PREF NAME,...". */
static struct net_dns_answer *mx_answer(enum net_dns_rcode rcode, const char *records)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup("d.test");
	a->qtype = NET_DNS_MX;
	a->rcode = rcode;
	char *copy = lib_xstrdup(records), *save = NULL;
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		a->records = lib_xrealloc(a->records, (a->count + 1) * sizeof *a->records);
		struct net_dns_record *rec = &a->records[a->count++];
		memset(rec, 0, sizeof *rec);
		char name[64] = "";
		sscanf(r, "%u %63s", &rec->preference, name);
		rec->text = lib_xstrdup(strcmp(name, ".") == 0 ? "" : name);
		rec->text_len = strlen(rec->text);
	}
	free(copy);
	return a;
}

/* rnd: a fixed sequence, so the shuffle is known. */
static unsigned seq_rnd(void *arg)
{
	unsigned *next = arg;
	return (*next)++;
}

static void mx_order_table(void **state)
{
	(void)state;
	static const struct {
		enum net_dns_rcode rcode;
		const char *records;
		unsigned seed;
		enum frankd_mx_status status;
		const char *hosts; /* joined by spaces */
	} cases[] = {
		{ NET_DNS_ANSWER, "10 a.test", 0, FRANKD_MX_HOSTS, "a.test" },
		{ NET_DNS_ANSWER, "20 b.test,10 a.test,30 c.test", 0, FRANKD_MX_HOSTS,
		  "a.test b.test c.test" },
		/* equal preferences: Fisher-Yates with rnd 0, 1: i=1 -> k=0 swaps */
		{ NET_DNS_ANSWER, "10 a.test,10 b.test,5 first.test", 0, FRANKD_MX_HOSTS,
		  "first.test b.test a.test" },
		{ NET_DNS_ANSWER, "10 a.test,10 b.test,5 first.test", 1, FRANKD_MX_HOSTS,
		  "first.test a.test b.test" },
		{ NET_DNS_ANSWER, "0 .", 0, FRANKD_MX_NULL, "" },
		/* a "." among real hosts is not a null MX: it is skipped */
		{ NET_DNS_ANSWER, "0 .,10 a.test", 0, FRANKD_MX_HOSTS, "a.test" },
		{ NET_DNS_NODATA, "", 0, FRANKD_MX_HOSTS, "d.test" },
		{ NET_DNS_NXDOMAIN, "", 0, FRANKD_MX_NO_DOMAIN, "" },
		{ NET_DNS_TEMPFAIL, "", 0, FRANKD_MX_TEMPFAIL, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_dns_answer *a = mx_answer(cases[i].rcode, cases[i].records);
		struct frankd_mx_list mx;
		unsigned seed = cases[i].seed;
		frankd_mx_order(a, "d.test", seq_rnd, &seed, &mx);
		struct lib_buf got = LIB_BUF_INIT;
		for (size_t j = 0; j < mx.count; j++)
			lib_buf_printf(&got, "%s%s", j ? " " : "", mx.hosts[j]);
		if (mx.status != cases[i].status || strcmp(got.data ? got.data : "", cases[i].hosts))
			fail_msg("case %zu: status %d hosts \"%s\", want %d \"%s\"", i, mx.status,
				 got.data ? got.data : "", cases[i].status, cases[i].hosts);
		lib_buf_release(&got);
		frankd_mx_list_release(&mx);
		net_dns_answer_free(a);
	}
}

/* Over many shuffles, each of three equal hosts comes first sometimes. */
static void mx_equal_preference_random(void **state)
{
	(void)state;
	struct net_dns_answer *a = mx_answer(NET_DNS_ANSWER, "10 a.test,10 b.test,10 c.test");
	int first[3] = { 0 };
	for (unsigned seed = 0; seed < 30; seed++) {
		unsigned s = seed * 7 + 3;
		struct frankd_mx_list mx;
		frankd_mx_order(a, "d.test", seq_rnd, &s, &mx);
		assert_int_equal(mx.count, 3);
		first[mx.hosts[0][0] - 'a']++;
		frankd_mx_list_release(&mx);
	}
	assert_true(first[0] > 0 && first[1] > 0 && first[2] > 0);
	net_dns_answer_free(a);
}

static void dsn_status_table(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "550 5.1.1 no such user", "5.1.1" },
		{ "mx[1.2.3.4] said to RCPT TO: 451 4.7.1 Greylisted", "4.7.1" },
		{ "556 5.1.10 d has a null MX", "5.1.10" },
		{ "550 no enhanced code here", "5.0.0" },
		{ "version 5.1.1x is not a code", "5.0.0" },
		{ "6.1.1 is not a class", "5.0.0" },
		{ "5.1234.1 too long", "5.0.0" },
		{ "", "5.0.0" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[16];
		frankd_dsn_status(cases[i].text, "5.0.0", out, sizeof out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: %s: got %s, want %s", i, cases[i].text, out, cases[i].want);
	}
}

static void dsn_structure(void **state)
{
	(void)state;
	struct frankd_conf *conf = frankd_conf_new();
	conf->hostname = lib_xstrdup("mx.a.test");
	struct frankd_envelope env;
	frankd_envelope_init(&env);
	memcpy(env.id, "0123456789ABCDEF0123", FRANKD_QUEUE_ID_LEN + 1);
	env.created = 1700000000;
	env.sender = lib_xstrdup("alice@a.test");
	frankd_envelope_add_rcpt(&env, "ok@b.test", FRANKD_ROUTE_REMOTE);
	frankd_envelope_add_rcpt(&env, "gone@b.test", FRANKD_ROUTE_REMOTE);
	env.rcpts[1].status = FRANKD_RCPT_FAILED;
	frankd_rcpt_set_error(&env.rcpts[1], "mx.b.test[192.0.2.1] said to RCPT TO: 550 5.1.1 no");
	int mark[2] = { 0, 1 };
	const char *headers = "Subject: hello\r\nMessage-ID: <m@a.test>\r\n";
	struct lib_buf out = LIB_BUF_INIT;
	frankd_dsn_build(conf, &env, mark, FRANKD_DSN_FAILED, headers, strlen(headers),
			 1700000100, &out);
	static const char *const want[] = {
		"From: Mail Delivery System <MAILER-DAEMON@mx.a.test>\r\n",
		"To: <alice@a.test>\r\n",
		"Auto-Submitted: auto-replied\r\n",
		"Content-Type: multipart/report; report-type=delivery-status;\r\n",
		"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.a.test\r\n",
		"Final-Recipient: rfc822; gone@b.test\r\nAction: failed\r\nStatus: 5.1.1\r\n",
		"Remote-MTA: dns; mx.b.test\r\nDiagnostic-Code: smtp; 550 5.1.1 no\r\n",
		"Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nMessage-ID: <m@a.test>\r\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(out.data, want[i]))
			fail_msg("DSN lacks: %s\n%s", want[i], out.data);
	assert_null(strstr(out.data, "ok@b.test")); /* only the marked recipient */
	/* every line ends in CRLF */
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n')
			assert_true(i > 0 && out.data[i - 1] == '\r');
	lib_buf_release(&out);
	frankd_envelope_release(&env);
	frankd_conf_free(conf);
}

static void envelope_flags_round_trip(void **state)
{
	(void)state;
	struct frankd_envelope env, back;
	frankd_envelope_init(&env);
	memcpy(env.id, "0123456789ABCDEF0123", FRANKD_QUEUE_ID_LEN + 1);
	env.created = 1;
	env.sender = lib_xstrdup("");
	env.size = 3;
	env.quarantine = 1;
	env.warned = 1;
	frankd_envelope_add_rcpt(&env, "bob@b.test", FRANKD_ROUTE_LOCAL);
	struct lib_buf text = LIB_BUF_INIT;
	frankd_envelope_format(&env, &text);
	assert_non_null(strstr(text.data, "quarantine 1\n"));
	assert_non_null(strstr(text.data, "warned 1\n"));
	struct lib_err err;
	assert_int_equal(frankd_envelope_parse(text.data, text.len, &back, &err), 0);
	assert_int_equal(back.quarantine, 1);
	assert_int_equal(back.warned, 1);
	frankd_envelope_release(&back);
	static const char *const bad[] = { "quarantine 2\n", "warned yes\n",
					   "warned 1\nwarned 1\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lib_buf t = LIB_BUF_INIT;
		lib_buf_append(&t, text.data, text.len);
		lib_buf_puts(&t, bad[i]);
		struct frankd_envelope e;
		if (frankd_envelope_parse(t.data, t.len, &e, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		frankd_envelope_release(&e);
		lib_buf_release(&t);
	}
	lib_buf_release(&text);
	frankd_envelope_release(&env);
}

static void relay_settings(void **state)
{
	(void)state;
	static const char good[] = "dns network\nauthserv_id mx.test\ndmarc_policy quarantine\n"
				   "relay_port 2525\n"
				   "smarthost smtp.test 587 user u password_file pw ca_file ca.pem\n";
	struct frankd_conf *c = frankd_conf_new();
	struct lib_err err;
	assert_int_equal(c->mta.dns_network, 0);
	assert_string_equal(c->mta.relay_port, "25");
	assert_int_equal(c->mta.dmarc, FRANKD_DMARC_FOLLOW);
	assert_int_equal(frankd_conf_parse(c, "t.conf", "/d", good, strlen(good), &err), 0);
	assert_int_equal(c->mta.dns_network, 1);
	assert_string_equal(c->mta.authserv_id, "mx.test");
	assert_int_equal(c->mta.dmarc, FRANKD_DMARC_QUARANTINE);
	assert_string_equal(c->mta.relay_port, "2525");
	assert_string_equal(c->mta.smarthost_ca_file, "/d/ca.pem");
	assert_string_equal(c->smarthost.password_file, "/d/pw");
	frankd_conf_free(c);
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "dns maybe\n", "t.conf:1: dns: offline or network, not maybe" },
		{ "dmarc_policy strict\n", "t.conf:1: dmarc_policy: follow, quarantine or none, not strict" },
		{ "relay_port 0\n", "t.conf:1: relay_port: not a port: 0" },
		{ "relay_port 65536\n", "t.conf:1: relay_port: not a port: 65536" },
		{ "relay_port\n", "t.conf:1: usage: relay_port PORT" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = frankd_conf_new();
		err.msg[0] = '\0';
		int rc = frankd_conf_parse(c, "t.conf", "/d", cases[i].text, strlen(cases[i].text),
					   &err);
		if (rc != -1 || strcmp(err.msg, cases[i].error) != 0)
			fail_msg("case %zu: rc %d\n got: %s\nwant: %s", i, rc, err.msg, cases[i].error);
		frankd_conf_free(c);
	}
}

/* The smarthost's password_command: its text kept as written (single
 * quotes are the shell's), and what running it gives: the first line, or
 * an error naming why, never the output. */
static void smarthost_password_command(void **state)
{
	(void)state;
	static const char conf_text[] =
		"smarthost smtp.test 587 user u password_command 'printf \"%s\\n\" $HOME'\n";
	struct frankd_conf *c = frankd_conf_new();
	struct lib_err err;
	assert_int_equal(frankd_conf_parse(c, "t.conf", "/d", conf_text, strlen(conf_text), &err), 0);
	assert_string_equal(c->smarthost.password_command, "printf \"%s\\n\" $HOME");
	assert_null(c->smarthost.password_file);
	frankd_conf_free(c);

	static const struct {
		const char *command, *password, *error;
	} cases[] = {
		{ "echo s3cret", "s3cret", NULL },
		{ "printf 'first\\r\\nsecond\\n'", "first", NULL },
		{ "printf 'no newline'", "no newline", NULL },
		{ "echo leaked; exit 3", NULL, "password_command failed (exit status 3)" },
		{ "true", NULL, "password_command printed no password" },
		{ "printf '\\n'", NULL, "password_command printed no password" },
		{ "kill -9 $$", NULL, "password_command was killed by signal 9" },
		{ "head -c 5000 /dev/zero | tr '\\0' x", NULL,
		  "password_command printed a line longer than 4096 bytes" },
		{ "head -c 2000000 /dev/zero", NULL,
		  "password_command printed more than 1048576 bytes" },
		{ "read line; echo \"got:$line\"", "got:", NULL }, /* stdin is /dev/null */
		{ "sleep 5", NULL, "password_command gave no answer within 1 s" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *pw = NULL;
		err.msg[0] = '\0';
		int rc = frankd_password_command(cases[i].command, 1, &pw, &err);
		if (cases[i].password) {
			if (rc != 0 || !pw || strcmp(pw, cases[i].password) != 0)
				fail_msg("case %zu: rc %d, got %s (%s)", i, rc, pw ? pw : "NULL", err.msg);
		} else if (rc != -1 || pw || strcmp(err.msg, cases[i].error) != 0) {
			fail_msg("case %zu: rc %d\n got: %s\nwant: %s", i, rc, err.msg, cases[i].error);
		}
		free(pw);
	}
}

/* The 7-bit downgrade (RFC 6152): input -> what the output must hold (and
 * never a byte above 127), or the error. */
static void downgrade_table(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want1, *want2, *error;
	} cases[] = {
		/* 8-bit text without a CTE: quoted-printable */
		{ "From: a@b.test\r\nSubject: x\r\n\r\nCaf\xc3\xa9 cr\xc3\xa8me\r\n",
		  "Content-Transfer-Encoding: quoted-printable", "Caf=C3=A9 cr=C3=A8me", NULL },
		/* declared 8bit, a charset kept */
		{ "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		  "Content-Transfer-Encoding: 8bit\r\n\r\n\xc3\xbc\r\n",
		  "charset=utf-8", "=C3=BC", NULL },
		/* a multipart: the 8-bit part re-encoded, the base64 one kept */
		{ "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n"
		  "\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
		  "\r\nna\xc3\xafve\r\n--BB\r\nContent-Type: application/octet-stream\r\n"
		  "Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--BB--\r\n",
		  "na=C3=AFve", "AAECAw==", NULL },
		/* 7-bit already: the same text */
		{ "From: a@b.test\r\nSubject: plain\r\n\r\nHello.\r\n", "Subject: plain", "Hello.", NULL },
		/* a header that is not ASCII: SMTPUTF8 or nothing */
		{ "From: a@b.test\r\nSubject: \xc3\xa9t\xc3\xa9\r\n\r\nBody\r\n", NULL, NULL,
		  "its header section is not ASCII (that needs SMTPUTF8)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_buf out = LIB_BUF_INIT;
		struct lib_err err = { "" };
		int rc = mime_message_to_7bit(cases[i].in, strlen(cases[i].in), &out, &err);
		if (cases[i].error) {
			if (rc != -1 || strcmp(err.msg, cases[i].error) != 0)
				fail_msg("case %zu: rc %d, error %s", i, rc, err.msg);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			for (size_t j = 0; j < out.len; j++)
				if ((unsigned char)out.data[j] >= 0x80)
					fail_msg("case %zu: an 8-bit byte at %zu:\n%s", i, j, out.data);
			if (!strstr(out.data, cases[i].want1) || !strstr(out.data, cases[i].want2))
				fail_msg("case %zu: want %s and %s in\n%s", i, cases[i].want1,
					 cases[i].want2, out.data);
		}
		lib_buf_release(&out);
	}
	assert_int_equal(mime_header_is_8bit("A: \xc3\xa9\r\n\r\nx", 10), 1);
	assert_int_equal(mime_header_is_8bit("A: b\r\n\r\n\xc3\xa9", 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mx_order_table),
		cmocka_unit_test(mx_equal_preference_random),
		cmocka_unit_test(dsn_status_table),
		cmocka_unit_test(dsn_structure),
		cmocka_unit_test(envelope_flags_round_trip),
		cmocka_unit_test(relay_settings),
		cmocka_unit_test(smarthost_password_command),
		cmocka_unit_test(downgrade_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
