/* dmarc_psl.c: the RFC 7489 organizational domain (3.2) through libpsl.
 *
 * Which list: by default libpsl's built-in one (psl_builtin(), compiled
 * from Debian's publicsuffix package when libpsl was built); a caller that
 * wants Debian's installed file takes auth_dmarc_psl_new(NULL), which is
 * psl_latest(): the newer of the built-in list and
 * /usr/share/publicsuffix/public_suffix_list.dafsa.  All 78 cases of the
 * PSL's own test_psl.txt pass with either (tests/integration/dmarc.sh).
 * Names are compared as A-labels; libpsl holds the IDN rules in both forms. */
#include "auth.h"

#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

struct auth_dmarc_psl {
	psl_ctx_t *ctx;
};

struct auth_dmarc_psl *auth_dmarc_psl_new(const char *path, struct lib_err *err)
{
	psl_ctx_t *ctx = path ? psl_load_file(path) : psl_latest(NULL);
	if (!ctx) {
		lib_err_set(err, "cannot load the public suffix list %s",
			    path ? path : "(libpsl's latest)");
		return NULL;
	}
	struct auth_dmarc_psl *psl = lib_xcalloc(1, sizeof *psl);
	psl->ctx = ctx;
	return psl;
}

void auth_dmarc_psl_free(struct auth_dmarc_psl *psl)
{
	if (!psl)
		return;
	psl_free(psl->ctx);
	free(psl);
}

char *auth_dmarc_psl_org_domain(const struct auth_dmarc_psl *psl, const char *domain)
{
	const psl_ctx_t *ctx = psl ? psl->ctx : psl_builtin();
	if (!ctx || !domain || !*domain || domain[0] == '.')
		return NULL;
	const char *reg = psl_registrable_domain(ctx, domain);
	return reg ? lib_xstrdup(reg) : NULL;
}

int auth_dmarc_psl_is_listed_suffix(const struct auth_dmarc_psl *psl, const char *name)
{
	const psl_ctx_t *ctx = psl ? psl->ctx : psl_builtin();
	return ctx && name && *name &&
	       psl_is_public_suffix2(ctx, name, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}
