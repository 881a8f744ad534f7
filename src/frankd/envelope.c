/* envelope.c: a queued message's envelope and state, the text of ID.env:
 *
 *   file     = "frankd-envelope 1" LF *field
 *   field    = "id " ID LF / "created " SECONDS LF / "sender <" address ">" LF
 *            / "auth " user LF / "client " text LF / "helo " text LF
 *            / "body 7bit" / "body 8bitmime" / "smtputf8 0" / "smtputf8 1"
 *            / "size " BYTES LF
 *            / "quarantine 1" LF     ; DMARC: local copies go to Junk
 *            / "warned 1" LF         ; the sender was told of the delay
 *            / "header " text LF       ; one physical header line, in order
 *            / "rcpt " status SP route SP attempts SP next-try SP "<" address ">" LF
 *            / "error " text LF        ; the last error of the rcpt before
 *   status   = "pending" / "deferred" / "delivered" / "failed"
 *   route    = "local" / "remote" / "nouser"
 *   text     = *( %x20-7E / %x09 / UTF-8 )   ; no CR, LF or NUL
 * id, created, sender, size and at least one rcpt are required; a field
 * appears once (but header, rcpt and error).  Parsing is strict: anything
 * frankd did not write is an error, so a damaged file is noticed. */
#include "frankd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ENVELOPE_MAGIC "frankd-envelope 1"

static const char *const status_names[] = { "pending", "deferred", "delivered", "failed" };
static const char *const route_names[] = { "local", "remote", "nouser" };

const char *frankd_rcpt_status_str(enum frankd_rcpt_status status)
{
	return (unsigned)status < 4 ? status_names[status] : "?";
}

const char *frankd_route_str(enum frankd_route_kind route)
{
	return (unsigned)route < 3 ? route_names[route] : "?";
}

void frankd_envelope_init(struct frankd_envelope *env)
{
	memset(env, 0, sizeof *env);
}

void frankd_envelope_release(struct frankd_envelope *env)
{
	if (!env)
		return;
	free(env->sender);
	free(env->auth_user);
	free(env->client);
	free(env->helo);
	lib_buf_release(&env->headers);
	for (size_t i = 0; i < env->nrcpts; i++) {
		free(env->rcpts[i].address);
		free(env->rcpts[i].last_error);
	}
	free(env->rcpts);
	frankd_envelope_init(env);
}

void frankd_envelope_add_rcpt(struct frankd_envelope *env, const char *address,
			      enum frankd_route_kind route)
{
	env->rcpts = lib_xrealloc(env->rcpts, (env->nrcpts + 1) * sizeof *env->rcpts);
	env->rcpts[env->nrcpts++] = (struct frankd_rcpt){
		.address = lib_xstrdup(address),
		.route = route,
	};
}

/* Text fit for one line of the file: control characters but TAB (which
 * folded header lines start with) become '?'. */
static char *one_line(const char *text)
{
	char *s = lib_xstrdup(text);
	for (char *p = s; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7F)
			*p = '?';
	return s;
}

void frankd_rcpt_set_error(struct frankd_rcpt *rcpt, const char *text)
{
	free(rcpt->last_error);
	rcpt->last_error = text ? one_line(text) : NULL;
}

void frankd_envelope_prepend_header(struct frankd_envelope *env, const char *field)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, field);
	lib_buf_append(&b, env->headers.data ? env->headers.data : "", env->headers.len);
	lib_buf_release(&env->headers);
	env->headers = b;
}

int frankd_envelope_finished(const struct frankd_envelope *env)
{
	for (size_t i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].status != FRANKD_RCPT_DELIVERED &&
		    env->rcpts[i].status != FRANKD_RCPT_FAILED)
			return 0;
	return 1;
}

int frankd_queue_id_valid(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'A' && id[n] <= 'F')))
			return 0;
	return n == FRANKD_QUEUE_ID_LEN;
}

/* Appends "key value" with the value made one line. */
static void field(struct lib_buf *out, const char *key, const char *value)
{
	char *v = one_line(value);
	lib_buf_printf(out, "%s %s\n", key, v);
	free(v);
}

static void format_headers(const struct lib_buf *h, struct lib_buf *out)
{
	const char *p = h->data, *end = h->data + h->len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t text = n && p[n - 1] == '\r' ? n - 1 : n;
		char *line = lib_xstrndup(p, text);
		field(out, "header", line);
		free(line);
		p += n + (nl != NULL);
	}
}

void frankd_envelope_format(const struct frankd_envelope *env, struct lib_buf *out)
{
	lib_buf_puts(out, ENVELOPE_MAGIC "\n");
	lib_buf_printf(out, "id %s\ncreated %lld\n", env->id, env->created);
	char *sender = one_line(env->sender ? env->sender : "");
	lib_buf_printf(out, "sender <%s>\n", sender);
	free(sender);
	if (env->auth_user)
		field(out, "auth", env->auth_user);
	if (env->client)
		field(out, "client", env->client);
	if (env->helo)
		field(out, "helo", env->helo);
	lib_buf_printf(out, "body %s\nsmtputf8 %d\nsize %zu\n",
		       env->body_8bit ? "8bitmime" : "7bit", env->smtputf8 ? 1 : 0, env->size);
	if (env->quarantine)
		lib_buf_puts(out, "quarantine 1\n");
	if (env->warned)
		lib_buf_puts(out, "warned 1\n");
	format_headers(&env->headers, out);
	for (size_t i = 0; i < env->nrcpts; i++) {
		const struct frankd_rcpt *r = &env->rcpts[i];
		char *addr = one_line(r->address);
		lib_buf_printf(out, "rcpt %s %s %u %lld <%s>\n", frankd_rcpt_status_str(r->status),
			       frankd_route_str(r->route), r->attempts, r->next_try, addr);
		free(addr);
		if (r->last_error)
			field(out, "error", r->last_error);
	}
}

/* --- parsing --------------------------------------------------------------- */

struct env_parser {
	struct frankd_envelope *env;
	unsigned seen; /* a bit per single field */
	int lineno;
};

enum { SEEN_ID = 1, SEEN_CREATED = 2, SEEN_SENDER = 4, SEEN_AUTH = 8, SEEN_CLIENT = 16,
       SEEN_HELO = 32, SEEN_BODY = 64, SEEN_UTF8 = 128, SEEN_SIZE = 256,
       SEEN_QUARANTINE = 512, SEEN_WARNED = 1024 };

static int parse_number(const char *s, long long max, long long *out)
{
	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int name_index(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* "<" address ">" filling the rest of the line: a new string, or NULL. */
static char *bracketed(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[0] != '<' || s[n - 1] != '>')
		return NULL;
	return lib_xstrndup(s + 1, n - 2);
}

/* The next word of a rcpt line, up to a space. */
static const char *word(const char **p, size_t *len)
{
	const char *start = *p, *sp = strchr(start, ' ');
	if (!sp)
		return NULL;
	*len = (size_t)(sp - start);
	*p = sp + 1;
	return *len ? start : NULL;
}

static int parse_rcpt(struct env_parser *ps, const char *v, struct lib_err *err)
{
	size_t sl, rl, al, nl;
	const char *st = word(&v, &sl), *rt = st ? word(&v, &rl) : NULL,
		   *at = rt ? word(&v, &al) : NULL, *nt = at ? word(&v, &nl) : NULL;
	int status = st ? name_index(status_names, 4, st, sl) : -1;
	int route = rt ? name_index(route_names, 3, rt, rl) : -1;
	char num[24];
	long long attempts = 0, next = 0;
	if (status < 0 || route < 0 || !at || !nt || al >= sizeof num || nl >= sizeof num)
		return lib_err_set(err, "line %d: bad rcpt line", ps->lineno);
	memcpy(num, at, al);
	num[al] = '\0';
	int bad = parse_number(num, 1000000, &attempts) < 0;
	memcpy(num, nt, nl);
	num[nl] = '\0';
	bad = bad || parse_number(num, (long long)1 << 40, &next) < 0;
	char *addr = bad ? NULL : bracketed(v);
	if (!addr || !*addr) {
		free(addr);
		return lib_err_set(err, "line %d: bad rcpt line", ps->lineno);
	}
	struct frankd_envelope *env = ps->env;
	frankd_envelope_add_rcpt(env, addr, (enum frankd_route_kind)route);
	free(addr);
	struct frankd_rcpt *r = &env->rcpts[env->nrcpts - 1];
	r->status = (enum frankd_rcpt_status)status;
	r->attempts = (unsigned)attempts;
	r->next_try = next;
	return 0;
}

/* A field that may appear once: 0, or -1 when it came before. */
static int once(struct env_parser *ps, unsigned bit, const char *key, struct lib_err *err)
{
	if (ps->seen & bit)
		return lib_err_set(err, "line %d: %s given twice", ps->lineno, key);
	ps->seen |= bit;
	return 0;
}

static int parse_string_field(struct env_parser *ps, unsigned bit, const char *key,
			      const char *v, char **dst, struct lib_err *err)
{
	if (once(ps, bit, key, err) < 0)
		return -1;
	*dst = lib_xstrdup(v);
	return 0;
}

static int parse_field(struct env_parser *ps, const char *key, const char *v,
		       struct lib_err *err)
{
	struct frankd_envelope *env = ps->env;
	long long n;
	if (strcmp(key, "rcpt") == 0)
		return parse_rcpt(ps, v, err);
	if (strcmp(key, "error") == 0) {
		if (!env->nrcpts || env->rcpts[env->nrcpts - 1].last_error)
			return lib_err_set(err, "line %d: error without its rcpt", ps->lineno);
		env->rcpts[env->nrcpts - 1].last_error = lib_xstrdup(v);
		return 0;
	}
	if (strcmp(key, "header") == 0) {
		lib_buf_printf(&env->headers, "%s\r\n", v);
		return 0;
	}
	if (strcmp(key, "id") == 0) {
		if (once(ps, SEEN_ID, key, err) < 0)
			return -1;
		if (!frankd_queue_id_valid(v))
			return lib_err_set(err, "line %d: bad id", ps->lineno);
		memcpy(env->id, v, FRANKD_QUEUE_ID_LEN + 1);
		return 0;
	}
	if (strcmp(key, "created") == 0 || strcmp(key, "size") == 0) {
		int created = key[0] == 'c';
		if (once(ps, created ? SEEN_CREATED : SEEN_SIZE, key, err) < 0)
			return -1;
		if (parse_number(v, (long long)1 << 40, &n) < 0)
			return lib_err_set(err, "line %d: bad %s", ps->lineno, key);
		if (created)
			env->created = n;
		else
			env->size = (size_t)n;
		return 0;
	}
	if (strcmp(key, "sender") == 0) {
		if (once(ps, SEEN_SENDER, key, err) < 0)
			return -1;
		if (!(env->sender = bracketed(v)))
			return lib_err_set(err, "line %d: bad sender", ps->lineno);
		return 0;
	}
	if (strcmp(key, "body") == 0 || strcmp(key, "smtputf8") == 0) {
		int body = key[0] == 'b';
		if (once(ps, body ? SEEN_BODY : SEEN_UTF8, key, err) < 0)
			return -1;
		const char *no = body ? "7bit" : "0", *yes = body ? "8bitmime" : "1";
		if (strcmp(v, no) != 0 && strcmp(v, yes) != 0)
			return lib_err_set(err, "line %d: bad %s", ps->lineno, key);
		*(body ? &env->body_8bit : &env->smtputf8) = strcmp(v, yes) == 0;
		return 0;
	}
	if (strcmp(key, "quarantine") == 0 || strcmp(key, "warned") == 0) {
		int q = key[0] == 'q';
		if (once(ps, q ? SEEN_QUARANTINE : SEEN_WARNED, key, err) < 0)
			return -1;
		if (strcmp(v, "1") != 0)
			return lib_err_set(err, "line %d: bad %s", ps->lineno, key);
		*(q ? &env->quarantine : &env->warned) = 1;
		return 0;
	}
	if (strcmp(key, "auth") == 0)
		return parse_string_field(ps, SEEN_AUTH, key, v, &env->auth_user, err);
	if (strcmp(key, "client") == 0)
		return parse_string_field(ps, SEEN_CLIENT, key, v, &env->client, err);
	if (strcmp(key, "helo") == 0)
		return parse_string_field(ps, SEEN_HELO, key, v, &env->helo, err);
	return lib_err_set(err, "line %d: unknown field %.32s", ps->lineno, key);
}

/* One line (without LF): "key value". */
static int parse_line(struct env_parser *ps, const char *line, size_t len, struct lib_err *err)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return lib_err_set(err, "line %d: control character", ps->lineno);
	char *copy = lib_xstrndup(line, len);
	char *sp = strchr(copy, ' ');
	int rc;
	if (!sp) {
		rc = lib_err_set(err, "line %d: no value", ps->lineno);
	} else {
		*sp = '\0';
		rc = parse_field(ps, copy, sp + 1, err);
	}
	free(copy);
	return rc;
}

int frankd_envelope_parse(const char *text, size_t len, struct frankd_envelope *env,
			  struct lib_err *err)
{
	frankd_envelope_init(env);
	struct env_parser ps = { env, 0, 0 };
	const char *p = text, *end = text + len;
	int rc = 0;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			rc = lib_err_set(err, "line %d: no newline at the end", ps.lineno + 1);
			break;
		}
		ps.lineno++;
		size_t n = (size_t)(nl - p);
		if (ps.lineno == 1)
			rc = n == strlen(ENVELOPE_MAGIC) && memcmp(p, ENVELOPE_MAGIC, n) == 0
				     ? 0
				     : lib_err_set(err, "not a frankd envelope (version 1)");
		else
			rc = parse_line(&ps, p, n, err);
		p = nl + 1;
	}
	unsigned need = SEEN_ID | SEEN_CREATED | SEEN_SENDER | SEEN_SIZE;
	if (rc == 0 && ps.lineno == 0)
		rc = lib_err_set(err, "empty envelope");
	if (rc == 0 && ((ps.seen & need) != need || env->nrcpts == 0))
		rc = lib_err_set(err, "incomplete envelope (id, created, sender, size, rcpt)");
	if (rc < 0)
		frankd_envelope_release(env);
	return rc;
}
