/* fuzz_imap_response.c: the IMAP response parser on any bytes, then every
 * interpreter over what it parsed (FETCH items, LIST, UID sets in atoms,
 * response codes, COPYUID), and the literal announcement scanner on each line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void walk(const struct imap_value *v, int depth)
{
	if (depth > IMAP_DEPTH_MAX + 1)
		abort(); /* the parser must refuse deeper nesting */
	if (v->type == IMAP_ATOM) {
		struct imap_set set;
		struct lib_err err;
		unsigned long long n;
		if (imap_set_parse(v->s, v->len, &set, &err) == 0) {
			for (size_t i = 0; i < set.count; i++)
				if (set.ranges[i].lo > set.ranges[i].hi || set.ranges[i].lo == 0)
					abort();
			imap_set_contains(&set, 5);
			imap_set_release(&set);
		}
		imap_value_number(v, &n);
	}
	if (v->type == IMAP_LIST) {
		imap_flags_from_list(v);
		for (size_t i = 0; i < v->count; i++)
			walk(&v->items[i], depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	unsigned long long n;
	for (size_t start = 0, i = 0; i <= size; i++)
		if (i == size || buf[i] == '\n') {
			imap_line_literal(buf + start, i - start, &n);
			start = i + 1;
		}
	struct imap_response r;
	struct lib_err err;
	if (imap_response_parse(buf, size, &r, &err) < 0)
		return 0;
	walk(&r.args, 0);
	walk(&r.code, 0);
	struct imap_fetch f;
	if (imap_fetch_parse(&r, &f, &err) == 0 && f.has_body &&
	    (f.body < r.buf || f.body + f.body_len > r.buf + r.len) && f.body_len)
		abort(); /* a body must lie inside the response */
	struct imap_folder folder;
	if (imap_list_parse(&r, &folder, &err) == 0) {
		if (strlen(folder.name) == 0)
			abort();
		free(folder.name);
	}
	imap_code_number(&r, "UIDVALIDITY", &n);
	struct imap_copyuid cu;
	if (imap_copyuid_parse(&r, &cu, &err) == 1) {
		if (cu.uidvalidity == 0 || !cu.src.count || !cu.dst.count)
			abort();
		for (size_t i = 0; i < cu.src.count; i++)
			if (imap_copyuid_lookup(&cu, cu.src.ranges[i].hi) == 0)
				abort(); /* every source UID has its destination */
		imap_copyuid_release(&cu);
	}
	imap_response_release(&r);
	return 0;
}
