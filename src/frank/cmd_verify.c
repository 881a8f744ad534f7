/* cmd_verify.c: frank verify: SPF, DKIM and DMARC for message files, as
 * the client does when a message arrives.  Per message, an
 * Authentication-Results field with our authserv-id and a summary in
 * words (or, with --json, the verdict and all its evidence).  A file that
 * is not a message gets one line on standard error and the others go on. */
#include "commands.h"

#include "auth.h"
#include "config.h"
#include "lib.h"
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LIST 32

struct verify_options {
	const char *zones[MAX_LIST]; /* --dns */
	size_t zone_count;
	const char *ip, *helo, *mail_from;
	const char *hosts[MAX_LIST]; /* --trusted-host */
	size_t host_count;
	const char *trust[MAX_LIST]; /* --trust */
	size_t trust_count;
	const char *authserv_id;
	const char *account;
	const char *rcfile;
	long long now;
	int json;
	const char *const *files;
	size_t file_count;
	const char *argv0;
};

static void verify_usage(FILE *f)
{
	fprintf(f, "usage: frank verify [--dns ZONEFILE]... [--ip ADDR [--helo NAME] "
		   "[--mail-from ADDR]]\n"
		   "                    [--trusted-host HOST]... [--trust AUTHSERV-ID]... "
		   "[--authserv-id ID]\n"
		   "                    [--account NAME [-F FRANKRC]] [--now SECONDS] [--json] "
		   "FILE...\n");
}

static int add_to(const char **list, size_t *count, const char *value, const char *option)
{
	if (*count == MAX_LIST) {
		fprintf(stderr, "frank verify: %s given more than %d times\n", option, MAX_LIST);
		return -1;
	}
	list[(*count)++] = value;
	return 0;
}

/* One option with its value; returns -1 on a usage error. */
static int verify_option(struct verify_options *o, const char *a, const char *val)
{
	if (strcmp(a, "--dns") == 0)
		return add_to(o->zones, &o->zone_count, val, a);
	if (strcmp(a, "--trusted-host") == 0)
		return add_to(o->hosts, &o->host_count, val, a);
	if (strcmp(a, "--trust") == 0)
		return add_to(o->trust, &o->trust_count, val, a);
	if (strcmp(a, "--now") == 0) {
		char *end;
		o->now = strtoll(val, &end, 10);
		if (*end || end == val || o->now <= 0) {
			fprintf(stderr, "frank verify: --now takes seconds since 1970, not %s\n", val);
			return -1;
		}
		return 0;
	}
	const char **slot = strcmp(a, "--ip") == 0	      ? &o->ip
			    : strcmp(a, "--helo") == 0	      ? &o->helo
			    : strcmp(a, "--mail-from") == 0   ? &o->mail_from
			    : strcmp(a, "--authserv-id") == 0 ? &o->authserv_id
			    : strcmp(a, "--account") == 0     ? &o->account
			    : strcmp(a, "-F") == 0	      ? &o->rcfile
							      : NULL;
	if (!slot) {
		fprintf(stderr, "frank verify: unknown option: %s\n", a);
		return -1;
	}
	*slot = val;
	return 0;
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error. */
static int verify_parse(int argc, char **argv, struct verify_options *o)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0)
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			verify_usage(stdout);
			return 1;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "frank verify: option %s needs an argument\n", a);
			return -1;
		}
		if (verify_option(o, a, argv[++i]) < 0)
			return -1;
	}
	o->files = (const char *const *)argv + i;
	o->file_count = (size_t)(argc - i);
	if (o->file_count == 0) {
		fprintf(stderr, "frank verify: no message file given\n");
		return -1;
	}
	if ((o->helo || o->mail_from) && !o->ip) {
		fprintf(stderr, "frank verify: --helo and --mail-from go with --ip\n");
		return -1;
	}
	if (o->rcfile && !o->account) {
		fprintf(stderr, "frank verify: -F goes with --account\n");
		return -1;
	}
	return 0;
}

/* ---- the account's trust, from the configuration ------------------------------- */

/* What --account adds: its boundary host, its trusted authserv-ids, and
 * the configuration's zone file (answers first, then the network; alone
 * with dns_offline). */
static int verify_take_account(struct verify_options *o, struct config **cfg_out,
			       const char **zone_file, struct lib_err *err)
{
	struct config *cfg = frank_config_load(o->rcfile, o->argv0, err);
	if (!cfg)
		return -1;
	*cfg_out = cfg;
	const struct config_account *acct = config_account_find(cfg, o->account);
	if (!acct)
		return lib_err_set(err, "no account named %s in the configuration", o->account);
	if (acct->trusted_received_host && o->host_count < MAX_LIST)
		o->hosts[o->host_count++] = acct->trusted_received_host;
	for (size_t i = 0; i < acct->authserv_ids.count && o->trust_count < MAX_LIST; i++)
		o->trust[o->trust_count++] = acct->authserv_ids.items[i];
	*zone_file = cfg->opt.dns_zone_file;
	/* dns_offline: the zone alone answers, as --dns does. */
	if (cfg->opt.dns_offline && cfg->opt.dns_zone_file && o->zone_count < MAX_LIST) {
		o->zones[o->zone_count++] = cfg->opt.dns_zone_file;
		*zone_file = NULL;
	}
	return 0;
}

/* ---- the resolver -------------------------------------------------------------- */

/* --dns: the zone files alone, offline.  Otherwise the system's resolver
 * (libunbound, DNSSEC-validating when the root key is installed), with the
 * configuration's zone file answering first when there is one. */
static struct net_dns *verify_resolver(const struct verify_options *o, const char *zone_file,
				       struct lib_err *err)
{
	struct net_dns_opts opts = { 0 };
	opts.network = o->zone_count == 0;
	if (opts.network && access(NET_DNS_ROOT_KEY, R_OK) == 0)
		opts.trust_anchor_file = NET_DNS_ROOT_KEY;
	struct net_dns *dns = net_dns_new(&opts, err);
	for (size_t i = 0; dns && i < o->zone_count; i++)
		if (net_dns_load_zone_file(dns, o->zones[i], err) < 0) {
			net_dns_free(dns);
			dns = NULL;
		}
	if (dns && opts.network && zone_file && net_dns_load_zone_file(dns, zone_file, err) < 0) {
		net_dns_free(dns);
		dns = NULL;
	}
	return dns;
}

/* ---- printing ------------------------------------------------------------------ */

struct printer {
	FILE *out;
	int color;
};

#define RED "\033[1;31m"
#define PLAIN "\033[0m"

/* Text from messages and DNS, safe for a terminal. */
static void put_safe(FILE *out, const char *s)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_utf8_sanitize(s ? s : "", s ? strlen(s) : 0, &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	fputs(b.data ? b.data : "", out);
	lib_buf_release(&b);
}

static int is_bad(const char *result)
{
	return strcmp(result, "fail") == 0 || strcmp(result, "permerror") == 0;
}

/* "  spf    pass       " with a "!" in front of a failure, red on a terminal. */
static void check_start(const struct printer *p, const char *method, const char *result)
{
	int bad = is_bad(result);
	fprintf(p->out, "%s %-6s %s%-10s%s ", bad ? "!" : " ", method, bad && p->color ? RED : "",
		result, bad && p->color ? PLAIN : "");
}

static void put_pair(FILE *out, const char *name, const char *value)
{
	fprintf(out, "%s=", name);
	put_safe(out, value && *value ? value : "?");
	fputc(' ', out);
}

static void print_spf(const struct printer *p, const struct auth_message_spf *s)
{
	check_start(p, "spf", s->result);
	if (s->domain)
		put_pair(p->out, s->helo_identity ? "smtp.helo" : "smtp.mailfrom", s->domain);
	if (s->source == AUTH_MESSAGE_SPF_SESSION || s->source == AUTH_MESSAGE_SPF_RECEIVED) {
		put_pair(p->out, "client", s->ip);
		put_pair(p->out, "helo", s->helo);
		if (s->received_by)
			put_pair(p->out, "received-by", s->received_by);
	}
	fputs("- ", p->out);
	put_safe(p->out, s->reason);
	fputc('\n', p->out);
}

static void print_dkim(const struct printer *p, const struct auth_message_dkim *d)
{
	const struct auth_dkim_signature *s = d->sig;
	const char *result = auth_dkim_result_str(s->result);
	check_start(p, "dkim", result);
	put_pair(p->out, "d", s->domain);
	put_pair(p->out, "s", s->selector);
	put_pair(p->out, "a", s->algorithm);
	if (s->key_type)
		fprintf(p->out, "key=%s/%u ", s->key_type, s->key_bits);
	fprintf(p->out, "c=%s/%s ", auth_dkim_canon_str(s->header_canon),
		auth_dkim_canon_str(s->body_canon));
	if (s->length >= 0)
		fprintf(p->out, "l=%lld/%llu ", s->length, s->body_length);
	fputs(d->aligned ? "aligned" : "not-aligned", p->out);
	if (strcmp(s->reason, result) != 0) {
		fputs(" - ", p->out);
		put_safe(p->out, s->reason);
	}
	fputc('\n', p->out);
}

static void print_dmarc(const struct printer *p, const struct auth_dmarc_verdict *d)
{
	check_start(p, "dmarc", auth_dmarc_result_str(d->result));
	if (d->author_domain)
		put_pair(p->out, "header.from", d->author_domain);
	if (d->has_policy)
		fprintf(p->out, "policy=%s ", auth_dmarc_policy_str(d->policy));
	if (d->record) {
		fputs("record=_dmarc.", p->out);
		put_safe(p->out, d->policy_domain);
		fputc(' ', p->out);
	}
	fputs("- ", p->out);
	put_safe(p->out, d->reason);
	fputc('\n', p->out);
}

/* The Authentication-Results fields the message carried. */
static void print_authres(const struct printer *p, const struct auth_authres_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct auth_authres *ar = l->items[i];
		fprintf(p->out, "  %s %-9s ", ar->arc_instance ? "arc-ar" : "ar    ",
			ar->trusted ? "trusted" : "untrusted");
		put_safe(p->out, ar->authserv_id);
		fputc(':', p->out);
		for (size_t k = 0; k < ar->count; k++) {
			fputc(' ', p->out);
			put_safe(p->out, ar->results[k].method);
			fputc('=', p->out);
			put_safe(p->out, ar->results[k].result);
		}
		fputc('\n', p->out);
	}
	for (size_t i = 0; i < l->error_count; i++) {
		fputs("  ar     unreadable ", p->out);
		put_safe(p->out, l->errors[i]);
		fputc('\n', p->out);
	}
}

static void print_human(const struct printer *p, const char *file,
			const struct auth_message_verdict *v, const struct auth_warnings *w)
{
	char *field = auth_message_verdict_authres(v, 0);
	put_safe(p->out, file);
	fprintf(p->out, "\n%s\n", field);
	free(field);
	int failed = v->badge == AUTH_BADGE_FAILED;
	fprintf(p->out, "  %s%s%s: ", failed && p->color ? RED : "",
		failed ? "FAILED" : auth_badge_str(v->badge), failed && p->color ? PLAIN : "");
	put_safe(p->out, v->explanation);
	fputc('\n', p->out);
	for (size_t i = 0; i < w->count; i++) {
		fprintf(p->out, "  %swarning%s: ", p->color ? RED : "", p->color ? PLAIN : "");
		put_safe(p->out, w->text[i]);
		fputc('\n', p->out);
	}
	print_spf(p, &v->spf);
	for (size_t i = 0; i < v->dkim_count; i++)
		print_dkim(p, &v->dkim[i]);
	if (v->dkim_count == 0)
		fputs("  dkim   none       no signature\n", p->out);
	if (v->dkim_not_evaluated)
		fprintf(p->out, "  dkim   (%zu more signatures not evaluated)\n",
			v->dkim_not_evaluated);
	if (v->dmarc)
		print_dmarc(p, v->dmarc);
	print_authres(p, v->authres);
	fputc('\n', p->out);
}

/* A JSON string for the file name (valid UTF-8, escaped). */
static void put_json_string(FILE *out, const char *s)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_utf8_sanitize(s, strlen(s), &b);
	fputc('"', out);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
	lib_buf_release(&b);
}

static void print_json(FILE *out, const char *file, const struct auth_message_verdict *v,
		       const struct auth_warnings *w)
{
	char *json = auth_message_verdict_json_warned(v, w);
	fputs("{\"file\":", out);
	put_json_string(out, file);
	fprintf(out, ",\"verdict\":%s}\n", json);
	free(json);
}

/* ---- one message --------------------------------------------------------------- */

/* The warnings a single message can give: a display name or a domain
 * imitating a brand.  With no history of the user's mail there are no
 * correspondents to compare with, and every sender would be "new", so
 * first-mail warnings are left to the store (frank sync). */
static void message_warnings(const struct auth_message_verdict *v, struct auth_warnings *out)
{
	struct auth_known *none = auth_known_new();
	auth_sender_warnings(v, none, NULL, out);
	auth_known_free(none);
	size_t kept = 0;
	for (size_t i = 0; i < out->count; i++) {
		if (out->kind[i] == AUTH_WARN_FIRST_SENDER || out->kind[i] == AUTH_WARN_FIRST_SIGNER) {
			free(out->text[i]);
			continue;
		}
		out->kind[kept] = out->kind[i];
		out->text[kept++] = out->text[i];
	}
	out->count = kept;
}

/* Streams the file into the verifier: memory stays flat with its size. */
static int feed_file(struct auth_message_verifier *v, const char *file, struct lib_err *err)
{
	int is_stdin = strcmp(file, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(file, "rb");
	if (!f)
		return lib_err_set(err, "%s: %s", file, strerror(errno));
	static char chunk[1 << 16];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		auth_message_verifier_feed(v, chunk, n);
	int failed = ferror(f);
	int saved = errno;
	if (!is_stdin)
		fclose(f);
	if (failed)
		return lib_err_set(err, "%s: %s", file, strerror(saved));
	auth_message_verifier_finish(v);
	return 0;
}

static int verify_file(const struct verify_options *o, const struct auth_message_request *req,
		       struct net_dns *dns, const struct printer *p, const char *file)
{
	struct lib_err err;
	struct auth_message_verifier *v = auth_message_verifier_new(req);
	int rc = feed_file(v, file, &err);
	if (rc == 0 && auth_message_resolve(v, dns, &err) < 0)
		rc = -1;
	const struct auth_message_verdict *verdict = rc == 0 ? auth_message_verifier_verdict(v)
							    : NULL;
	if (verdict && verdict->error) {
		lib_err_set(&err, "%s: %s", file, verdict->error);
		rc = -1;
	}
	if (rc < 0) {
		fflush(p->out);
		fprintf(stderr, "frank verify: ");
		put_safe(stderr, err.msg);
		fputc('\n', stderr);
	} else {
		struct auth_warnings w = { 0 };
		message_warnings(verdict, &w);
		if (o->json)
			print_json(p->out, file, verdict, &w);
		else
			print_human(p, file, verdict, &w);
		auth_warnings_release(&w);
	}
	auth_message_verifier_free(v);
	return rc;
}

static int verify_all(struct verify_options *o, const char *zone_file)
{
	struct lib_err err;
	struct net_dns *dns = verify_resolver(o, zone_file, &err);
	if (!dns) {
		fprintf(stderr, "frank verify: %s\n", err.msg);
		return 1;
	}
	struct auth_message_request req = {
		.ip = o->ip,
		.helo = o->helo,
		.mail_from = o->mail_from,
		.trusted_hosts = o->hosts,
		.trusted_host_count = o->host_count,
		.trusted_authserv_ids = o->trust,
		.trusted_authserv_count = o->trust_count,
		.authserv_id = o->authserv_id,
		.now = o->now,
	};
	const char *no_color = getenv("NO_COLOR");
	struct printer p = { stdout, isatty(STDOUT_FILENO) && !(no_color && *no_color) };
	int rc = 0;
	for (size_t i = 0; i < o->file_count; i++)
		if (verify_file(o, &req, dns, &p, o->files[i]) < 0)
			rc = 1;
	net_dns_free(dns);
	return rc;
}

int frank_cmd_verify(int argc, char **argv)
{
	struct verify_options o = { 0 };
	o.argv0 = argv[0];
	int rc = verify_parse(argc, argv, &o);
	if (rc != 0) {
		if (rc < 0)
			verify_usage(stderr);
		return rc < 0 ? 2 : 0;
	}
	struct config *cfg = NULL;
	const char *zone_file = NULL;
	struct lib_err err;
	if (o.account && verify_take_account(&o, &cfg, &zone_file, &err) < 0) {
		fprintf(stderr, "frank verify: %s\n", err.msg);
		config_free(cfg);
		return 1;
	}
	rc = verify_all(&o, zone_file);
	config_free(cfg);
	return rc;
}
