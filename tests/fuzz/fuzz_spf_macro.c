/* fuzz_spf_macro.c: SPF macro expansion from hostile input.
 *
 * The input is "MACRO\nLOCAL\nHELO\nDOMAIN" (missing parts are empty; the
 * first byte's low bit picks an IPv6 client).  The macro-string goes to
 * auth_spf_macro_expand() in both contexts, with the other parts as the
 * values the letters expand to.  Checks what auth.h promises: a success
 * appends at most 16 KiB after what the buffer held; a failure leaves the
 * buffer as it was with a one-line message; the domain context is the
 * stricter (whatever it accepts, the explanation context accepts and
 * expands the same way).  The macro-string is not NUL-terminated. */
#include "auth.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The next newline-terminated part of the input, as a C string. */
static char *part(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl ? nl : end;
	char *s = lib_xstrndup((const char *)*p, (size_t)(stop - *p));
	*p = nl ? nl + 1 : end;
	return s;
}

static int expand(const uint8_t *macro, size_t len, enum auth_spf_macro_context context,
		  const struct auth_spf_macro_vars *vars, struct lib_buf *out)
{
	struct lib_err err;
	lib_buf_reset(out);
	lib_buf_puts(out, "before:");
	int rc = auth_spf_macro_expand((const char *)macro, len, context, vars, out, &err);
	check(out->len >= 7 && memcmp(out->data, "before:", 7) == 0);
	if (rc == 0) {
		check(out->len - 7 <= 16384);
	} else {
		check(rc == -1 && out->len == 7 && out->data[7] == '\0');
		check(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t macro_len = nl ? (size_t)(nl - data) : size;
	uint8_t *macro = malloc(macro_len ? macro_len : 1); /* exact size for ASan */
	check(macro != NULL);
	memcpy(macro, data, macro_len);
	const uint8_t *p = nl ? nl + 1 : end;
	char *local = part(&p, end), *helo = part(&p, end), *domain = part(&p, end);
	char *sender = lib_xasprintf("%s@%s", local, domain);
	static const unsigned char ip4[4] = { 192, 0, 2, 3 };
	static const unsigned char ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xcb, [15] = 0x01 };
	int v6 = size && (data[0] & 1);
	struct auth_spf_macro_vars vars = {
		.sender = sender, .local = local, .sender_domain = domain, .domain = domain,
		.ip = v6 ? ip6 : ip4, .ip_len = v6 ? 16 : 4, .validated = size % 3 ? helo : NULL,
		.helo = helo, .receiver = size % 2 ? "mx.example.net" : NULL, .now = (time_t)size,
	};
	struct lib_buf in_domain = LIB_BUF_INIT, in_explain = LIB_BUF_INIT;
	int d = expand(macro, macro_len, AUTH_SPF_MACRO_DOMAIN, &vars, &in_domain);
	int e = expand(macro, macro_len, AUTH_SPF_MACRO_EXPLAIN, &vars, &in_explain);
	if (d == 0) {
		check(e == 0);
		check(in_domain.len == in_explain.len &&
		      memcmp(in_domain.data, in_explain.data, in_domain.len) == 0);
	}
	lib_buf_release(&in_domain);
	lib_buf_release(&in_explain);
	free(macro);
	free(local);
	free(helo);
	free(domain);
	free(sender);
	return 0;
}
