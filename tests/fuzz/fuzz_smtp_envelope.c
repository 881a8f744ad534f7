/* fuzz_smtp_envelope.c: the text files frankd reads back (a queue
 * envelope, the app password file), the address lists of sendmail -t and
 * frankd.conf.  The first byte picks which; what parses must format to
 * text that parses to the same text again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static void envelope(const char *text, size_t len)
{
	struct frankd_envelope env, again;
	struct lib_err err;
	if (frankd_envelope_parse(text, len, &env, &err) != 0)
		return;
	struct lib_buf a = LIB_BUF_INIT, b = LIB_BUF_INIT;
	frankd_envelope_format(&env, &a);
	if (frankd_envelope_parse(a.data, a.len, &again, &err) != 0)
		abort();
	frankd_envelope_format(&again, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	frankd_envelope_release(&env);
	frankd_envelope_release(&again);
	lib_buf_release(&a);
	lib_buf_release(&b);
}

static void passwords(const char *text, size_t len)
{
	struct frankd_passwords pw, again;
	struct lib_err err;
	if (frankd_passwords_parse("pw", text, len, &pw, &err) != 0)
		return;
	struct lib_buf a = LIB_BUF_INIT, b = LIB_BUF_INIT;
	frankd_passwords_format(&pw, &a);
	if (frankd_passwords_parse("pw", a.data, a.len, &again, &err) != 0 ||
	    again.count != pw.count)
		abort();
	frankd_passwords_format(&again, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	frankd_passwords_release(&pw);
	frankd_passwords_release(&again);
	lib_buf_release(&a);
	lib_buf_release(&b);
}

static void addresses(const char *text, size_t len)
{
	char **list = NULL;
	size_t n = 0;
	struct lib_err err;
	frankd_address_list_parse(text, len, &list, &n, &err);
	for (size_t i = 0; i < n; i++) {
		if (!list[i][0])
			abort(); /* empty ones are dropped */
		free(list[i]);
	}
	free(list);
}

static void conf(const char *text, size_t len)
{
	struct frankd_conf *c = frankd_conf_new();
	struct lib_err err;
	if (frankd_conf_parse(c, "fuzz.conf", "/base", text, len, &err) == 0)
		frankd_conf_finish(c, "/base", 0, &err);
	frankd_conf_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* a copy with a NUL after it, as the files are read */
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	size_t len = size - 1;
	switch (data[0] % 4) {
	case 0: envelope(text, len); break;
	case 1: passwords(text, len); break;
	case 2: addresses(text, len); break;
	case 3: conf(text, len); break;
	}
	free(text);
	return 0;
}
