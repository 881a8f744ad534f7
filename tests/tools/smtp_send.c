/* smtp_send.c: the SMTP submission client alone, for the tests against
 * scripted servers.
 *
 *   smtp_send [--tls] [--ca FILE] [--user U] [--password P]
 *             [--plaintext-loopback] [--from ADDR] [--timeout MS]
 *             HOST PORT RCPT... < MESSAGE
 *
 * Prints "stage: NAME", every reply of the transaction ("mail: ...",
 * "rcpt ADDR: ...", "data: ...", "final: ...") and "ERROR message" on
 * failure; exits 0 only when the message was sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "lib.h"
#include "net.h"
#include "proto.h"

static void print_reply(const char *what, const struct smtp_reply *r)
{
	if (!r->code)
		return;
	struct lib_buf b = LIB_BUF_INIT;
	smtp_reply_text(r, &b);
	printf("%s: %s\n", what, b.data);
	lib_buf_release(&b);
}

static const char *stage_name(enum smtp_stage s)
{
	static const char *const names[] = { "check", "mail", "rcpt",    "data",
					     "body",  "unknown", "io", "sent" };
	return names[s];
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	struct net_tls_policy tls = { NULL, NULL };
	struct smtp_opts o = { 0 };
	o.tls = &tls;
	o.helo_name = "client.test";
	const char *from = "alice@example.org";
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--tls") == 0)
			o.implicit_tls = 1;
		else if (strcmp(a, "--plaintext-loopback") == 0)
			o.allow_plaintext_loopback = 1;
		else if (i + 1 < argc && strcmp(a, "--ca") == 0)
			tls.ca_file = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--user") == 0)
			o.user = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--password") == 0)
			o.password = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--from") == 0)
			from = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--timeout") == 0)
			o.conn.io_timeout_ms = o.conn.connect_timeout_ms = atoi(argv[++i]);
		else {
			fprintf(stderr, "smtp_send: bad option %s\n", a);
			return 2;
		}
	}
	if (argc - i < 3) {
		fprintf(stderr, "usage: smtp_send [OPTIONS] HOST PORT RCPT... < MESSAGE\n");
		return 2;
	}
	o.host = argv[i];
	o.port = argv[i + 1];
	struct lib_buf msg = LIB_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		lib_buf_append(&msg, chunk, n);
	lib_buf_puts(&msg, "");

	struct lib_err err;
	struct smtp_client *c;
	if (smtp_client_open(&c, &o, &err) < 0) {
		printf("stage: open\nERROR %s\n", err.msg);
		lib_buf_release(&msg);
		return 1;
	}
	const struct smtp_caps *caps = smtp_client_caps(c);
	printf("caps: ext %#x auth %#x size %llu\n", caps->ext, caps->auth, caps->size_max);
	struct smtp_outcome out;
	int rc = smtp_client_send(c, from, (const char *const *)(argv + i + 2), (size_t)(argc - i - 2),
				  msg.data, msg.len, &out, &err);
	printf("stage: %s\n", stage_name(out.stage));
	print_reply("mail", &out.mail);
	for (size_t k = 0; k < out.nrcpts; k++) {
		char what[300];
		snprintf(what, sizeof what, "rcpt %s", out.rcpts[k].address);
		print_reply(what, &out.rcpts[k].reply);
	}
	print_reply("data", &out.data);
	print_reply("final", &out.final);
	if (rc < 0)
		printf("ERROR %s\n", err.msg);
	smtp_outcome_release(&out);
	smtp_client_free(c);
	lib_buf_release(&msg);
	return rc < 0 ? 1 : 0;
}
