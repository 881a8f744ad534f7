/* fuzz_authres.c: Authentication-Results and ARC-Authentication-Results
 * field bodies on arbitrary bytes (the first byte chooses which, and
 * whether to fold when writing back).
 *
 * Whatever parses is written again: the field must be printable ASCII
 * (with CRLF TAB only where folded), it must parse, and writing what was
 * read back gives the same text, so the writer's escaping and the reader
 * agree.  Errors always carry a reason. */
#include "auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz_authres: %s\n%s\n", why, detail ? detail : "");
	abort();
}

static void check_printable(const char *s, int fold)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c < 0x7F)
			continue;
		if (fold && c == '\r' && p[1] == '\n' && p[2] == '\t') {
			p += 2;
			continue;
		}
		fail("written field holds a byte it must not", s);
	}
}

static struct auth_authres *reparse(const char *field, int arc)
{
	const char *value = strchr(field, ':');
	if (!value)
		fail("written field has no name", field);
	value++;
	struct lib_err err = { "" };
	struct auth_authres *ar = arc ? auth_authres_parse_arc(value, strlen(value), &err)
				      : auth_authres_parse(value, strlen(value), &err);
	if (!ar)
		fail(err.msg, field);
	return ar;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int arc = data[0] & 1, fold = (data[0] >> 1) & 1;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	struct lib_err err = { "" };
	struct auth_authres *ar = arc ? auth_authres_parse_arc(s, n, &err)
				      : auth_authres_parse(s, n, &err);
	if (!ar) {
		if (!err.msg[0])
			fail("refused without a reason", NULL);
		return 0;
	}
	if (ar->count > AUTH_AUTHRES_MAX_RESULTS || (arc && ar->arc_instance == 0))
		fail("parsed beyond the bounds", NULL);
	for (size_t i = 0; i < ar->count; i++)
		if (ar->results[i].prop_count > AUTH_AUTHRES_MAX_PROPS)
			fail("too many properties", NULL);

	char *first = auth_authres_format(ar, fold);
	check_printable(first, fold);
	struct auth_authres *back = reparse(first, arc);
	char *second = auth_authres_format(back, fold);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "first:  %s\nsecond: %s\n", first, second);
		fail("writing what was read back changes the field", NULL);
	}
	free(first);
	free(second);
	auth_authres_free(back);
	auth_authres_free(ar);
	return 0;
}
