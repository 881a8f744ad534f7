/* fuzz_dkim_sig.c: the DKIM tag=value parser and the DKIM-Signature
 * parser (src/auth/dkim_tags.c) on arbitrary bytes.
 *
 * Checks: every tag span lies inside the input, names are non-empty and
 * values hold no ";"; a parsed signature has every required tag, an i=
 * within d=, a bh= of the hash's size and a b= span inside the input. */
#include "dkim_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_dkim_sig: %s\n", why);
	abort();
}

static void check_tags(const char *text, size_t size)
{
	struct auth_dkim_tag_list *tags = malloc(sizeof *tags);
	if (!tags)
		return;
	if (auth_dkim_tags_parse(text, size, tags, NULL) == 0) {
		for (size_t i = 0; i < tags->count; i++) {
			const struct auth_dkim_tag *t = &tags->tags[i];
			if (t->name < text || t->name + t->name_len > text + size || !t->name_len)
				fail("tag name outside the input");
			if (t->value < text || t->value + t->value_len > text + size)
				fail("tag value outside the input");
			if (memchr(t->value, ';', t->value_len))
				fail("tag value holds a ;");
			if (t->eq_end > t->spec_end || t->spec_end > size)
				fail("tag spec span out of order");
		}
	}
	free(tags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	check_tags(text, size);
	struct auth_dkim_sig_tags sig;
	struct lib_err err;
	if (auth_dkim_sig_parse(text, size, &sig, &err) == 0) {
		if (!sig.domain || !sig.selector || !sig.identity || !sig.b || !sig.bh ||
		    !sig.header_count || !sig.b_text)
			fail("parsed signature lacks a required tag");
		if (!strchr(sig.identity, '@'))
			fail("identity without @");
		if (sig.bh_len != (sig.algo == AUTH_DKIM_RSA_SHA1 ? 20u : 32u))
			fail("bh= of the wrong size");
		if (sig.b_eq_end > sig.b_spec_end || sig.b_spec_end > size)
			fail("b= span outside the input");
		if (sig.expiry >= 0 && sig.timestamp >= 0 && sig.expiry < sig.timestamp)
			fail("x= before t= accepted");
	} else if (!err.msg[0] || strchr(err.msg, '\n')) {
		fail("error message is not one line");
	}
	auth_dkim_sig_tags_release(&sig);
	return 0;
}
