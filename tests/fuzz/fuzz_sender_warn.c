/* fuzz_sender_warn.c: the warnings beyond the verdict on arbitrary bytes.
 * Line 1 is a From field value (parsed with mime_first_mailbox, as the
 * verifier does), line 2 a passing DKIM d=, the rest a saved known file
 * (auth_known_parse).  The warnings must be at most AUTH_WARNINGS_MAX,
 * each one line of valid UTF-8; the known file must survive formatting
 * and parsing again unchanged in size; auth_domain_to_unicode on line 2
 * must give valid UTF-8. */
#include "auth.h"
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_sender_warn: %s\n", why);
	abort();
}

static void check_line(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			fail("not UTF-8");
		if (cp == '\n' || cp == '\r')
			fail("more than one line");
		i += k;
	}
}

/* The next line of data[*pos..len) as a new string. */
static char *next_line(const uint8_t *data, size_t len, size_t *pos)
{
	size_t start = *pos;
	while (*pos < len && data[*pos] != '\n')
		(*pos)++;
	char *s = lib_xstrndup((const char *)data + start, *pos - start);
	if (*pos < len)
		(*pos)++;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (memchr(data, 0, len))
		return 0;
	size_t pos = 0;
	char *from = next_line(data, len, &pos);
	char *dkim_domain = next_line(data, len, &pos);
	struct auth_known *k = auth_known_new();
	auth_known_parse(k, NULL, (const char *)data + pos, len - pos);
	struct lib_buf saved = LIB_BUF_INIT;
	auth_known_format(k, &saved);
	struct auth_known *again = auth_known_new();
	auth_known_parse(again, NULL, saved.data ? saved.data : "", saved.len);
	if (auth_known_count(again) != auth_known_count(k))
		fail("the saved form lost entries");

	char *name = NULL, *address = NULL;
	if (mime_first_mailbox(from, &name, &address) == 0) {
		struct auth_dkim_signature sig;
		memset(&sig, 0, sizeof sig);
		sig.result = AUTH_DKIM_PASS;
		sig.domain = dkim_domain;
		struct auth_message_dkim d = { &sig, 0, 0, 0 };
		struct auth_message_verdict vd = { 0 };
		vd.from_name = name;
		vd.from_address = address;
		vd.dkim = &d;
		vd.dkim_count = 1;
		vd.badge = AUTH_BADGE_VERIFIED;
		struct auth_warnings w = { 0 };
		auth_sender_warnings(&vd, k, NULL, &w);
		if (w.count > AUTH_WARNINGS_MAX)
			fail("too many warnings");
		for (size_t i = 0; i < w.count; i++)
			check_line(w.text[i]);
		auth_known_learn(k, &vd, &w, NULL);
		auth_warnings_release(&w);
	}
	char *u = auth_domain_to_unicode(dkim_domain);
	int ascii = 1;
	for (const char *p = dkim_domain; *p; p++)
		ascii &= (unsigned char)*p < 0x80 && (unsigned char)*p >= 0x20;
	if (ascii)
		check_line(u);
	free(u);
	free(name);
	free(address);
	lib_buf_release(&saved);
	auth_known_free(k);
	auth_known_free(again);
	free(from);
	free(dkim_domain);
	return 0;
}
