/* arc_private.h: private to src/auth.  What the files of the ARC
 * validator (RFC 8617) share beyond dkim_private.h, on which it builds. */
#ifndef FRANK_AUTH_ARC_PRIVATE_H
#define FRANK_AUTH_ARC_PRIVATE_H

#include <stddef.h>

#include "dkim_private.h"

/* The three field names of an ARC set (RFC 8617 4.1). */
enum auth_arc_field {
	AUTH_ARC_AAR = 0, /* ARC-Authentication-Results */
	AUTH_ARC_AMS,     /* ARC-Message-Signature */
	AUTH_ARC_SEAL,    /* ARC-Seal */
	AUTH_ARC_NOT_ARC,
};

/* Which ARC field f is, by name (without case). */
enum auth_arc_field auth_arc_field_kind(const struct auth_msg_field *f);
/* "ARC-Seal", ... for messages. */
const char *auth_arc_field_name(enum auth_arc_field kind);

/* The instance of an ARC-Authentication-Results value (RFC 8617 4.1.1),
 * read even when the authres-payload after it does not parse:
 *   arc-aar-value = "i" [FWS] "=" [FWS] 1*DIGIT [FWS] ";" authres-payload
 * (comments are not allowed here: a value with them must parse as a
 * whole).  Returns 1 to 50, or 0 when the prefix is not there. */
unsigned auth_arc_aar_instance(const char *value, size_t len);

#endif
