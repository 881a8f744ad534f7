/* fuzz_smtp_data.c: frankd's DATA reader against a reference that reads
 * the whole input line by line, and against itself fed in pieces: the
 * first byte picks the piece size and the size limit, the rest is the
 * text after DATA. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

/* The reference: complete lines only.  Returns 1 when the end is found,
 * with *consumed just past it. */
static int reference(const char *in, size_t len, struct lib_buf *out, size_t *consumed)
{
	size_t pos = 0;
	int after_crlf = 1;
	for (;;) {
		const char *lf = memchr(in + pos, '\n', len - pos);
		if (!lf)
			return 0;
		size_t n = (size_t)(lf - (in + pos));
		const char *line = in + pos;
		int crlf = n > 0 && line[n - 1] == '\r';
		size_t body = crlf ? n - 1 : n;
		pos += n + 1;
		if (after_crlf && crlf && body == 1 && line[0] == '.') {
			*consumed = pos;
			return 1;
		}
		if (body > 1 && line[0] == '.') {
			line++;
			body--;
		}
		lib_buf_append(out, line, body);
		lib_buf_append(out, "\r\n", 2);
		after_crlf = crlf;
	}
}

static void stream(const char *in, size_t len, size_t step, size_t max, struct lib_buf *out,
		   struct frankd_data_reader *r, size_t *consumed)
{
	frankd_data_reader_init(r, max);
	size_t pos = 0;
	while (pos < len && !r->done) {
		size_t n = len - pos < step ? len - pos : step;
		size_t used = frankd_data_reader_feed(r, in + pos, n, out);
		if (used > n || (used < n && !r->done))
			abort();
		pos += used;
	}
	*consumed = pos;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)(data[0] & 0x1f) + 1;
	size_t max = data[0] & 0x80 ? (size_t)(data[0] & 0x7f) * 3 : 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;

	struct lib_buf ref = LIB_BUF_INIT, whole = LIB_BUF_INIT, pieces = LIB_BUF_INIT;
	size_t ref_used = 0, whole_used, pieces_used;
	int ref_done = reference(in, len, &ref, &ref_used);
	struct frankd_data_reader rw, rp;
	stream(in, len, len ? len : 1, 0, &whole, &rw, &whole_used);
	stream(in, len, step, max, &pieces, &rp, &pieces_used);

	/* whole input, no limit: the reference's lines, then maybe a partial one */
	if (rw.done != ref_done || (ref_done && whole_used != ref_used))
		abort();
	if (whole.len < ref.len || memcmp(whole.data ? whole.data : "", ref.data ? ref.data : "",
					  ref.len) != 0)
		abort();
	if (ref_done && whole.len != ref.len)
		abort();
	if (rw.size != whole.len)
		abort();
	for (size_t i = 0; i < whole.len; i++) /* every LF comes after a CR */
		if (whole.data[i] == '\n' && (i == 0 || whole.data[i - 1] != '\r'))
			abort();
	/* in pieces, with a limit: the same, cut at the limit */
	if (rp.done != rw.done || pieces_used != whole_used || rp.size != rw.size)
		abort();
	size_t keep = max && whole.len > max ? max : whole.len;
	if (pieces.len != keep || memcmp(pieces.data ? pieces.data : "",
					 whole.data ? whole.data : "", keep) != 0)
		abort();
	if (frankd_data_reader_too_big(&rp) != (max && rp.size > max))
		abort();

	/* the header scan finds the same in pieces as at once */
	struct frankd_header_scan a, b;
	frankd_header_scan_init(&a);
	frankd_header_scan_init(&b);
	frankd_header_scan_feed(&a, in, len);
	for (size_t pos = 0; pos < len; pos += step)
		frankd_header_scan_feed(&b, in + pos, len - pos < step ? len - pos : step);
	if (a.has_date != b.has_date || a.has_message_id != b.has_message_id ||
	    a.received != b.received || a.in_body != b.in_body)
		abort();

	lib_buf_release(&ref);
	lib_buf_release(&whole);
	lib_buf_release(&pieces);
	return 0;
}
