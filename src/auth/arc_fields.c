/* arc_fields.c: naming the ARC fields and reading an
 * ARC-Authentication-Results instance (RFC 8617 4.1.1). */
#include "arc_private.h"

#include <string.h>

static const char *const field_names[] = {
	[AUTH_ARC_AAR] = "ARC-Authentication-Results",
	[AUTH_ARC_AMS] = "ARC-Message-Signature",
	[AUTH_ARC_SEAL] = "ARC-Seal",
	[AUTH_ARC_NOT_ARC] = "(not an ARC field)",
};

const char *auth_arc_field_name(enum auth_arc_field kind)
{
	return field_names[kind];
}

enum auth_arc_field auth_arc_field_kind(const struct auth_msg_field *f)
{
	for (int k = 0; k < AUTH_ARC_NOT_ARC; k++) {
		size_t len = strlen(field_names[k]);
		if (f->name_len == len &&
		    auth_msg_field_is(f, field_names[k], len, auth_msg_name_hash(field_names[k], len)))
			return (enum auth_arc_field)k;
	}
	return AUTH_ARC_NOT_ARC;
}

static size_t skip_fws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

unsigned auth_arc_aar_instance(const char *value, size_t len)
{
	size_t i = skip_fws(value, len, 0);
	if (i >= len || (value[i] != 'i' && value[i] != 'I'))
		return 0;
	i = skip_fws(value, len, i + 1);
	if (i >= len || value[i] != '=')
		return 0;
	i = skip_fws(value, len, i + 1);
	unsigned n = 0;
	size_t digits = 0;
	for (; i < len && value[i] >= '0' && value[i] <= '9'; i++, digits++)
		if (n <= AUTH_ARC_MAX_SETS)
			n = n * 10 + (unsigned)(value[i] - '0');
	i = skip_fws(value, len, i);
	if (digits == 0 || i >= len || value[i] != ';' || n < 1 || n > AUTH_ARC_MAX_SETS)
		return 0;
	return n;
}

const char *auth_arc_cv_str(enum auth_arc_cv cv)
{
	switch (cv) {
	case AUTH_ARC_NONE: return "none";
	case AUTH_ARC_PASS: return "pass";
	case AUTH_ARC_FAIL: return "fail";
	}
	return "?";
}
