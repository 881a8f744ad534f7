/* dkim_canon.c: DKIM canonicalization (RFC 6376 3.4), the header hash
 * (RFC 6376 3.7, 5.4.2) and the split of a streamed message into its
 * header section and body.
 *
 * Body, simple (3.4.3): lines as they are; empty lines at the end are
 * dropped; an empty body is one CRLF; a last line without CRLF gets one.
 * Body, relaxed (3.4.4): WSP at line ends dropped; runs of WSP become one
 * SP; empty lines at the end dropped; an empty body stays empty (errata
 * 3133 / RFC 8301 practice: no CRLF is added to it).
 * Header, relaxed (3.4.2): name lowercased; unfolded; runs of WSP become
 * one SP; WSP at the end of the value and around the colon dropped. */
#include "dkim_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char crlf_run[] =
	"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

const EVP_MD *auth_dkim_algo_md(enum auth_dkim_algo algo)
{
	return algo == AUTH_DKIM_RSA_SHA1 ? EVP_sha1() : EVP_sha256();
}

void auth_dkim_body_hash_init(struct auth_dkim_body_hash *bh, enum auth_dkim_canon canon,
			      const EVP_MD *md, long long limit)
{
	memset(bh, 0, sizeof *bh);
	bh->canon = canon;
	bh->md = md;
	bh->limit = limit;
	bh->ctx = EVP_MD_CTX_new();
	if (!bh->ctx || !EVP_DigestInit_ex(bh->ctx, md, NULL)) {
		fprintf(stderr, "frank: OpenSSL cannot start a %s hash\n", EVP_MD_get0_name(md));
		abort();
	}
}

/* Canonical bytes out: counted, and hashed up to l=. */
static void emit(struct auth_dkim_body_hash *bh, const char *p, size_t n)
{
	bh->length += n;
	if (bh->limit >= 0) {
		uint64_t room = (uint64_t)bh->limit > bh->hashed ? (uint64_t)bh->limit - bh->hashed : 0;
		if (n > room)
			n = (size_t)room;
	}
	if (n == 0)
		return;
	bh->hashed += n;
	int direct = n >= sizeof bh->stage / 2;
	if (bh->staged && (direct || bh->staged + n > sizeof bh->stage)) {
		/* what is staged goes first, also before a run hashed directly */
		EVP_DigestUpdate(bh->ctx, bh->stage, bh->staged);
		bh->staged = 0;
	}
	if (direct) {
		EVP_DigestUpdate(bh->ctx, p, n);
		return;
	}
	memcpy(bh->stage + bh->staged, p, n);
	bh->staged += n;
}

static void emit_empty_lines(struct auth_dkim_body_hash *bh)
{
	while (bh->empty_lines) {
		uint64_t n = bh->empty_lines < 32 ? bh->empty_lines : 32;
		emit(bh, crlf_run, (size_t)n * 2);
		bh->empty_lines -= n;
	}
}

/* Text of the current line (never CR or LF): the empty lines before it
 * were not at the end after all, and a pending WSP run (relaxed) is one SP. */
static void emit_text(struct auth_dkim_body_hash *bh, const char *p, size_t n)
{
	emit_empty_lines(bh);
	if (bh->pending_wsp) {
		emit(bh, " ", 1);
		bh->pending_wsp = 0;
	}
	emit(bh, p, n);
	bh->line_has_text = 1;
}

static void end_line(struct auth_dkim_body_hash *bh)
{
	bh->pending_wsp = 0;
	if (bh->line_has_text)
		emit(bh, "\r\n", 2);
	else
		bh->empty_lines++;
	bh->line_has_text = 0;
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* One byte the general way: line ends, CR, whitespace, pending state. */
static void feed_byte(struct auth_dkim_body_hash *bh, int relaxed, const char *p)
{
	char c = *p;
	if (bh->pending_cr) {
		bh->pending_cr = 0;
		if (c == '\n') {
			end_line(bh);
			return;
		}
		emit_text(bh, "\r", 1); /* a bare CR is text */
	}
	if (c == '\n')
		end_line(bh);
	else if (c == '\r')
		bh->pending_cr = 1;
	else if (relaxed && is_wsp(c))
		bh->pending_wsp = 1;
	else
		emit_text(bh, p, 1);
}

#ifdef __SSE2__
#include <emmintrin.h>

static unsigned bytes_equal(__m128i x, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
}

/* How far from q relaxed text is canonical as it is, 16 bytes at a time
 * (SSE2, every x86-64): bytes above 0x20, a space followed by one of
 * those, and CRLF followed by one of those (a line of text after a line of
 * text).  Bit i of each mask is byte i; the byte after the block (so 17
 * bytes are needed) decides for the last one.  *stopped is set when the
 * first byte that ends the run was found; otherwise fewer than 17 bytes
 * are left, for the byte loop of text_run_end. */
static const char *canonical_blocks(const char *q, const char *end, int *stopped)
{
	const __m128i above = _mm_set1_epi8(0x20);
	while (end - q > 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
		/* max(x, 0x20) == x and x != 0x20: above 0x20, unsigned */
		unsigned sp = bytes_equal(x, ' ');
		unsigned text = (unsigned)_mm_movemask_epi8(
					_mm_cmpeq_epi8(_mm_max_epu8(x, above), x)) & ~sp;
		unsigned cr = bytes_equal(x, '\r'), lf = bytes_equal(x, '\n');
		unsigned next_text = (text >> 1) | ((unsigned char)q[16] > ' ') << 15;
		/* a CR is good with LF then text after it, and carries its LF */
		unsigned good_cr = cr & (lf >> 1) & (next_text >> 1);
		unsigned good = (text | (sp & next_text) | good_cr | (lf & (good_cr << 1))) & 0xffff;
		if (good != 0xffff) {
			*stopped = 1;
			return q + __builtin_ctz(~good);
		}
		q += 16;
	}
	return q;
}
#else
static const char *canonical_blocks(const char *q, const char *end, int *stopped)
{
	(void)end;
	(void)stopped;
	return q;
}
#endif

/* The end of the run of text at p that is already canonical: up to a
 * line end, and for relaxed also up to WSP other than one SP between two
 * text bytes.  A relaxed run goes on over a CRLF between two lines that
 * both hold text there, since that is canonical as it is: a message with
 * CRLF line ends is hashed in long spans, not line by line.  This is the
 * loop that costs on a large body (*p is text: the caller saw). */
static const char *text_run_end(const char *p, const char *end, int relaxed)
{
	if (!relaxed) {
		while (p < end && *p != '\r' && *p != '\n')
			p++;
		return p;
	}
	const char *q = p;
	while (q < end) {
		int stopped = 0;
		q = canonical_blocks(q, end, &stopped);
		if (stopped)
			return q;
		const char *stop = end - q > 16 ? q + 16 : end;
		while (q < stop) {
			unsigned char c = (unsigned char)*q;
			if (c > ' ' || (c == ' ' && q > p && q + 1 < end && (unsigned char)q[1] > ' '))
				q++;
			else if (c == '\r' && end - q > 2 && q[1] == '\n' && (unsigned char)q[2] > ' ')
				q += 2;
			else
				return q;
		}
	}
	return q;
}

void auth_dkim_body_hash_feed(struct auth_dkim_body_hash *bh, const char *data, size_t len)
{
	int relaxed = bh->canon == AUTH_DKIM_RELAXED;
	const char *p = data, *end = data + len;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (!bh->pending_cr && (relaxed ? c > ' ' : c != '\r' && c != '\n')) {
			const char *q = text_run_end(p, end, relaxed);
			emit_text(bh, p, (size_t)(q - p));
			p = q;
			continue;
		}
		feed_byte(bh, relaxed, p++);
	}
}

void auth_dkim_body_hash_finish(struct auth_dkim_body_hash *bh)
{
	if (bh->pending_cr) {
		bh->pending_cr = 0;
		emit_text(bh, "\r", 1);
	}
	if (bh->line_has_text)
		end_line(bh);
	if (bh->canon == AUTH_DKIM_SIMPLE && bh->length == 0)
		emit(bh, "\r\n", 2);
	EVP_DigestUpdate(bh->ctx, bh->stage, bh->staged);
	bh->staged = 0;
	EVP_DigestFinal_ex(bh->ctx, bh->digest, &bh->digest_len);
}

void auth_dkim_body_hash_release(struct auth_dkim_body_hash *bh)
{
	EVP_MD_CTX_free(bh->ctx);
	bh->ctx = NULL;
}

/* ---- header fields ------------------------------------------------------- */

/* Simple: the bytes as they are, a bare LF written as CRLF. */
static void canon_simple(const char *p, size_t n, struct lib_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			lib_buf_putc(out, '\r');
		lib_buf_putc(out, p[i]);
	}
}

static void canon_relaxed_value(const char *p, size_t n, struct lib_buf *out)
{
	int wsp = 0, started = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\n' || (c == '\r' && i + 1 < n && p[i + 1] == '\n'))
			continue; /* unfold */
		if (is_wsp(c)) {
			wsp = 1;
			continue;
		}
		if (wsp && started)
			lib_buf_putc(out, ' ');
		wsp = 0;
		started = 1;
		lib_buf_putc(out, c);
	}
}

void auth_dkim_header_canon(enum auth_dkim_canon canon, const struct auth_msg_field *field,
			    int final, struct lib_buf *out)
{
	if (canon == AUTH_DKIM_SIMPLE) {
		size_t n = final ? field->value_end : field->raw_len;
		canon_simple(field->raw, n, out);
		if (!final && (n == 0 || field->raw[n - 1] != '\n'))
			lib_buf_puts(out, "\r\n");
		return;
	}
	for (size_t i = 0; i < field->name_len; i++) {
		char c = field->raw[i];
		lib_buf_putc(out, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
	}
	lib_buf_putc(out, ':');
	canon_relaxed_value(field->raw + field->value_off, field->value_end - field->value_off,
			    out);
	if (!final)
		lib_buf_puts(out, "\r\n");
}

/* The bottom-most field named name below *cursor (exclusive); moves the
 * cursor onto it.  Returns NULL when there is none left. */
static const struct auth_msg_field *take_from_bottom(const struct auth_msg_headers *headers,
						     const char *name, size_t *cursor)
{
	size_t len = strlen(name);
	uint32_t hash = auth_msg_name_hash(name, len);
	while (*cursor > 0) {
		const struct auth_msg_field *f = &headers->fields[--*cursor];
		if (auth_msg_field_is(f, name, len, hash))
			return f;
	}
	return NULL;
}

/* Which earlier h= entry names the same field as entry i (its cursor is
 * shared, so repeated names take instances further up), or i itself. */
static size_t first_same_name(char *const *names, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcasecmp(names[k], names[i]) == 0)
			return k;
	return i;
}

EVP_MD_CTX *auth_dkim_header_hash_new(const EVP_MD *md)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL)) {
		fprintf(stderr, "frank: OpenSSL cannot start a hash\n");
		abort();
	}
	return ctx;
}

void auth_dkim_header_hash_field(EVP_MD_CTX *ctx, enum auth_dkim_canon canon,
				 const struct auth_msg_field *field, struct lib_buf *scratch)
{
	lib_buf_reset(scratch);
	auth_dkim_header_canon(canon, field, 0, scratch);
	EVP_DigestUpdate(ctx, scratch->data, scratch->len);
}

void auth_dkim_header_hash_finish(EVP_MD_CTX *ctx, enum auth_dkim_canon canon,
				  const struct auth_msg_field *sig_field, size_t cut_start,
				  size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
				  unsigned *digest_len)
{
	/* The signature field itself, its b= value cut out. */
	struct lib_buf cut = LIB_BUF_INIT;
	lib_buf_append(&cut, sig_field->raw, cut_start);
	lib_buf_append(&cut, sig_field->raw + cut_end, sig_field->raw_len - cut_end);
	struct auth_msg_field f = *sig_field;
	f.raw = cut.data;
	f.raw_len = cut.len;
	f.value_end -= cut_end - cut_start;
	lib_buf_reset(scratch);
	auth_dkim_header_canon(canon, &f, 1, scratch);
	EVP_DigestUpdate(ctx, scratch->data, scratch->len);
	lib_buf_release(&cut);
	EVP_DigestFinal_ex(ctx, digest, digest_len);
}

void auth_dkim_header_digest_fields(const struct auth_msg_field *const *fields, size_t count,
				    enum auth_dkim_canon canon, const EVP_MD *md,
				    const struct auth_msg_field *sig_field, size_t cut_start,
				    size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
				    unsigned *digest_len)
{
	EVP_MD_CTX *ctx = auth_dkim_header_hash_new(md);
	for (size_t i = 0; i < count; i++)
		if (fields[i])
			auth_dkim_header_hash_field(ctx, canon, fields[i], scratch);
	auth_dkim_header_hash_finish(ctx, canon, sig_field, cut_start, cut_end, scratch, digest,
				     digest_len);
	EVP_MD_CTX_free(ctx);
}

void auth_dkim_header_digest(const struct auth_msg_headers *headers, char *const *names,
			     size_t name_count, enum auth_dkim_canon canon, const EVP_MD *md,
			     const struct auth_msg_field *sig_field, size_t cut_start,
			     size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
			     unsigned *digest_len)
{
	/* Absent or over-signed names pick no field and contribute nothing. */
	size_t slots = name_count ? name_count : 1;
	size_t *cursors = lib_xmalloc(slots * sizeof *cursors);
	const struct auth_msg_field **fields = lib_xmalloc(slots * sizeof *fields);
	for (size_t i = 0; i < name_count; i++) {
		size_t owner = first_same_name(names, i);
		if (owner == i)
			cursors[i] = headers->count;
		fields[i] = take_from_bottom(headers, names[i], &cursors[owner]);
	}
	free(cursors);
	auth_dkim_header_digest_fields(fields, name_count, canon, md, sig_field, cut_start,
				       cut_end, scratch, digest, digest_len);
	free(fields);
}

/* ---- the message as it streams in ---------------------------------------- */

void auth_dkim_reader_init(struct auth_dkim_reader *r)
{
	memset(r, 0, sizeof *r);
	r->line_state = 1; /* the message starts at a line start */
}

size_t auth_dkim_reader_feed(struct auth_dkim_reader *r, const char *data, size_t len)
{
	if (r->in_body)
		return 0;
	size_t i = 0;
	for (; i < len; i++) {
		char c = data[i];
		if (c == '\n' && r->line_state) {
			/* The empty line: the fields end where it starts. */
			size_t blank = r->line_state == 2 ? 2 : 1;
			i++;
			r->head_seen += i;
			r->header_len = r->head_seen - blank;
			r->in_body = 1;
			break;
		}
		if (c == '\n')
			r->line_state = 1;
		else if (c == '\r' && r->line_state == 1)
			r->line_state = 2;
		else
			r->line_state = 0;
	}
	if (!r->in_body)
		r->head_seen += i;
	size_t keep = i;
	if (r->head.len + keep > AUTH_DKIM_MAX_HEADER_BYTES) {
		r->too_large = 1;
		keep = r->head.len < AUTH_DKIM_MAX_HEADER_BYTES
			       ? AUTH_DKIM_MAX_HEADER_BYTES - r->head.len
			       : 0;
	}
	lib_buf_append(&r->head, data, keep);
	return i;
}

void auth_dkim_reader_release(struct auth_dkim_reader *r)
{
	lib_buf_release(&r->head);
}
