/* net_client: a client on the net API for the connection tests.
 *
 *   net_client [OPTION]... HOST PORT
 *     --tls             implicit TLS right after connecting
 *     --greeting        read one line first and print it
 *     --starttls        send "STARTTLS", read the reply, then start TLS
 *                       (this and the --send, --secret, --read-bytes steps
 *                       run in the order given)
 *     --name NAME       the name to check the certificate against (default HOST)
 *     --ca FILE         trusted CA bundle (default: the system store)
 *     --pin FP          pinned SHA-256 fingerprint (AB:CD:... or plain hex)
 *     --send LINE       send LINE (CRLF added), read one line back, print it
 *     --secret TEXT     send TEXT as a credential (net_conn_write_secret)
 *     --plain-loopback  allow the secret without TLS to a loopback peer
 *     --read-bytes N    read exactly N bytes and print them
 *     --timeout MS      per-operation timeout;  --max-line N  line limit
 *     --debug FILE      the protocol trace
 * Prints "S: ..." for each line read, then "OK", or "ERROR STATUS: message"
 * with exit status 1. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define MAX_STEPS 32

struct step {
	char kind; /* 's' send, 'p' secret, 'r' read bytes, 't' STARTTLS */
	const char *arg;
};

struct client_opts {
	int tls, greeting, plain_loopback;
	const char *name, *ca, *pin, *debug;
	struct net_conn_opts conn;
	struct step steps[MAX_STEPS];
	int nsteps;
	const char *host, *port;
};

static int parse_pin(const char *text, unsigned char out[NET_SHA256_LEN])
{
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
		    n == NET_SHA256_LEN)
			return -1;
		char hex[3] = { p[0], p[1], 0 };
		out[n++] = (unsigned char)strtoul(hex, NULL, 16);
		p++;
	}
	return n == NET_SHA256_LEN ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct client_opts *o)
{
	int i;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--tls") == 0) o->tls = 1;
		else if (strcmp(a, "--greeting") == 0) o->greeting = 1;
		else if (strcmp(a, "--starttls") == 0 && o->nsteps < MAX_STEPS)
			o->steps[o->nsteps++].kind = 't';
		else if (strcmp(a, "--plain-loopback") == 0) o->plain_loopback = 1;
		else if (!v) return -1;
		else if (strcmp(a, "--name") == 0) o->name = v, i++;
		else if (strcmp(a, "--ca") == 0) o->ca = v, i++;
		else if (strcmp(a, "--pin") == 0) o->pin = v, i++;
		else if (strcmp(a, "--debug") == 0) o->debug = v, i++;
		else if (strcmp(a, "--timeout") == 0) o->conn.io_timeout_ms = o->conn.connect_timeout_ms = atoi(v), i++;
		else if (strcmp(a, "--max-line") == 0) o->conn.max_line = (size_t)atol(v), i++;
		else if (o->nsteps < MAX_STEPS && (strcmp(a, "--send") == 0 || strcmp(a, "--secret") == 0 ||
						   strcmp(a, "--read-bytes") == 0)) {
			o->steps[o->nsteps].kind = strcmp(a, "--send") == 0     ? 's'
						   : strcmp(a, "--secret") == 0 ? 'p'
										: 'r';
			o->steps[o->nsteps++].arg = v;
			i++;
		} else return -1;
	}
	if (argc - i != 2)
		return -1;
	o->host = argv[i];
	o->port = argv[i + 1];
	return 0;
}

static int read_print(struct net_conn *c, struct lib_buf *line, struct lib_err *err)
{
	int st = net_conn_read_line(c, line, err);
	if (st == NET_OK)
		printf("S: %s\n", line->data);
	return st;
}

static int run_steps(struct net_conn *c, const struct client_opts *o,
		     const struct net_tls_policy *policy, struct lib_err *err)
{
	struct lib_buf line = LIB_BUF_INIT;
	int st = NET_OK;
	if (o->tls)
		st = net_conn_start_tls(c, o->name, policy, err);
	if (st == NET_OK && o->greeting)
		st = read_print(c, &line, err);
	for (int i = 0; st == NET_OK && i < o->nsteps; i++) {
		const struct step *s = &o->steps[i];
		if (s->kind == 't') {
			st = net_conn_write(c, "STARTTLS\r\n", 10, err);
			if (st == NET_OK)
				st = read_print(c, &line, err);
			if (st == NET_OK)
				st = net_conn_start_tls(c, o->name, policy, err);
			continue;
		}
		if (s->kind == 'r') {
			lib_buf_reset(&line);
			st = net_conn_read_exact(c, (size_t)atol(s->arg), &line, err);
			if (st == NET_OK)
				printf("DATA: %s\n", line.data ? line.data : "");
			continue;
		}
		char *text = lib_xasprintf("%s\r\n", s->arg);
		st = s->kind == 'p' ? net_conn_write_secret(c, text, strlen(text), o->plain_loopback, err)
				    : net_conn_write(c, text, strlen(text), err);
		free(text);
		if (st == NET_OK && s->kind == 's')
			st = read_print(c, &line, err);
	}
	lib_buf_release(&line);
	return st;
}

int main(int argc, char **argv)
{
	struct client_opts o = { 0 };
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: net_client [--tls] [--greeting] [--starttls] [--name N] "
				"[--ca F] [--pin FP] [--send L]... [--secret S] [--plain-loopback] "
				"[--read-bytes N] [--timeout MS] [--max-line N] [--debug F] HOST PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct lib_err err = { "" };
	if (o.debug && lib_log_open(o.debug, &err) < 0) {
		fprintf(stderr, "net_client: %s\n", err.msg);
		return 2;
	}
	if (!o.name)
		o.name = o.host;
	unsigned char pin[NET_SHA256_LEN];
	struct net_tls_policy policy = { o.ca, NULL };
	if (o.pin) {
		if (parse_pin(o.pin, pin) < 0) {
			fprintf(stderr, "net_client: bad fingerprint %s\n", o.pin);
			return 2;
		}
		policy.pin_sha256 = pin;
	}
	struct net_conn *c = NULL;
	int st = net_conn_connect(&c, o.host, o.port, &o.conn, &err);
	if (st == NET_OK)
		st = run_steps(c, &o, &policy, &err);
	net_conn_free(c);
	lib_log_close();
	if (st != NET_OK) {
		printf("ERROR %s: %s\n", net_status_str(st), err.msg);
		return 1;
	}
	printf("OK\n");
	return 0;
}
