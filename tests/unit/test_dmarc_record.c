/* test_dmarc_record.c: DMARC policy records (auth_dmarc_record_parse):
 * a table of record texts and what they say, or why they are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* A parsed record in one line, every field in a fixed order. */
static void summarize(const struct auth_dmarc_record *r, char *out, size_t size)
{
	const char *psd = r->psd == AUTH_DMARC_PSD_Y ? "y" : r->psd == AUTH_DMARC_PSD_N ? "n" : "u";
	snprintf(out, size, "p=%s%s sp=%s np=%s adkim=%c aspf=%c psd=%s t=%c pct=%d%s rua=%d%s",
		 r->has_p || r->p_defaulted ? auth_dmarc_policy_str(r->p) : "-",
		 r->p_defaulted ? "(default)" : "",
		 r->has_sp ? auth_dmarc_policy_str(r->sp) : "-",
		 r->has_np ? auth_dmarc_policy_str(r->np) : "-",
		 r->adkim == AUTH_DMARC_STRICT ? 's' : 'r', r->aspf == AUTH_DMARC_STRICT ? 's' : 'r',
		 psd, r->testing ? 'y' : 'n', r->pct, r->has_pct ? "!" : "",
		 r->rua_has_valid_uri, r->usable ? "" : " unusable");
}

struct record_case {
	const char *text;
	const char *summary;
};

static const struct record_case good_records[] = {
	{ "v=DMARC1; p=none",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0" },
	{ "v=DMARC1;p=reject;sp=quarantine;np=none;adkim=s;aspf=s;psd=n;t=y;pct=0;fo=0:d:s",
	  "p=reject sp=quarantine np=none adkim=s aspf=s psd=n t=y pct=0! rua=0" },
	{ "  v = DMARC1 ; p = Reject ; ",
	  "p=reject sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0" },
	{ "V=DMARC1; P=QUARANTINE; ADKIM=S",
	  "p=quarantine sp=- np=- adkim=s aspf=r psd=u t=n pct=100 rua=0" },
	{ "v=DMARC1; p=none;;",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0" },
	{ "v=DMARC1; p=reject; sp=none; np=reject; rua=mailto:dotgov_dmarc@cisa.dhs.gov; psd=y",
	  "p=reject sp=none np=reject adkim=r aspf=r psd=y t=n pct=100 rua=1" },
	/* RFC 9989 4.10.1: no valid p -> p=none when rua has a URI, else unusable */
	{ "v=DMARC1", "p=- sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0 unusable" },
	{ "v=DMARC1; sp=quarantine; np=reject",
	  "p=- sp=quarantine np=reject adkim=r aspf=r psd=u t=n pct=100 rua=0 unusable" },
	{ "v=DMARC1; rua=mailto:d@example.com",
	  "p=none(default) sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=1" },
	{ "v=DMARC1; p=bogus; rua=mailto:a@example.com",
	  "p=none(default) sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=1" },
	{ "v=DMARC1; p=n", "p=- sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0 unusable" },
	{ "v=DMARC1; p=reject; sp=bogus",
	  "p=reject sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0 unusable" },
	{ "v=DMARC1; p=reject; np=bogus; sp=reject; rua=mailto:x@example.com",
	  "p=none(default) sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=1" },
	{ "v=DMARC1; p = none x", "p=- sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0 unusable" },
	/* rua: any scheme counts, the obsolete "!size" too; spaces do not */
	{ "v=DMARC1; p=none; rua=not a uri",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0" },
	{ "v=DMARC1; p=none; rua=bad, mailto:a@example.com!10m",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=1" },
	{ "v=DMARC1; p=none; rua=ftp://abuse.com",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=1" },
	/* unknown tags, and rf and ri (removed by RFC 9989), are ignored */
	{ "v=DMARC1; p=none; foo=bar; rf=afrf; ri=x; RF=2",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100 rua=0" },
	{ "v=DMARC1; p=none; pct=100; t=n; psd=u; fo=1",
	  "p=none sp=- np=- adkim=r aspf=r psd=u t=n pct=100! rua=0" },
};

static void parse_good_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_records / sizeof good_records[0]; i++) {
		const struct record_case *c = &good_records[i];
		struct auth_dmarc_record rec;
		struct lib_err err = { "" };
		enum auth_dmarc_record_status st =
			auth_dmarc_record_parse(c->text, strlen(c->text), &rec, &err);
		if (st != AUTH_DMARC_RECORD_OK)
			fail_msg("\"%s\": refused (%d): %s", c->text, st, err.msg);
		char got[256];
		summarize(&rec, got, sizeof got);
		if (strcmp(got, c->summary) != 0)
			fail_msg("\"%s\":\n got  %s\n want %s", c->text, got, c->summary);
		auth_dmarc_record_release(&rec);
	}
}

/* The strings of a record are kept as written. */
static void record_keeps_report_uris(void **state)
{
	(void)state;
	const char *text = "v=DMARC1; p=none; rua=mailto:a@example.com, mailto:b@example.com; "
			   "ruf=mailto:f@example.com; fo=d:s";
	struct auth_dmarc_record rec;
	struct lib_err err = { "" };
	assert_int_equal(auth_dmarc_record_parse(text, strlen(text), &rec, &err),
			 AUTH_DMARC_RECORD_OK);
	assert_string_equal(rec.rua, "mailto:a@example.com, mailto:b@example.com");
	assert_string_equal(rec.ruf, "mailto:f@example.com");
	assert_string_equal(rec.fo, "d:s");
	auth_dmarc_record_release(&rec);
	assert_null(rec.rua);
}

/* --- texts that are not DMARC records, and malformed ones ------------------- */

struct bad_case {
	const char *text;
	enum auth_dmarc_record_status status;
	const char *error;
};

static const struct bad_case bad_records[] = {
	{ "", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=spf1 -all", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=DMARC2; p=none", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "p=none; v=DMARC1", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=dmarc1; p=none", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=DMARC1x; p=none", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=DMARC1 p=none", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "V=BOB", AUTH_DMARC_RECORD_NOT_DMARC, "does not begin with v=DMARC1" },
	{ "v=DMARC1; p=none; reject", AUTH_DMARC_RECORD_INVALID,
	  "missing tag or value: \"reject\"" },
	{ "v=DMARC1; p=none; p=reject", AUTH_DMARC_RECORD_INVALID, "tag p appears twice" },
	{ "v=DMARC1; p=none; P=reject", AUTH_DMARC_RECORD_INVALID, "tag p appears twice" },
	{ "v=DMARC1; v=DMARC1; p=none", AUTH_DMARC_RECORD_INVALID, "tag v appears twice" },
	{ "v=DMARC1; p=none; adkim=x", AUTH_DMARC_RECORD_INVALID, "invalid value for adkim: \"x\"" },
	{ "v=DMARC1; p=none; aspf=relaxed", AUTH_DMARC_RECORD_INVALID,
	  "invalid value for aspf: \"relaxed\"" },
	{ "v=DMARC1; p=none; pct=101", AUTH_DMARC_RECORD_INVALID, "invalid value for pct: \"101\"" },
	{ "v=DMARC1; p=none; pct=-1", AUTH_DMARC_RECORD_INVALID, "invalid value for pct: \"-1\"" },
	{ "v=DMARC1; p=none; pct=0100", AUTH_DMARC_RECORD_INVALID,
	  "invalid value for pct: \"0100\"" },
	{ "v=DMARC1; p=none; t=yes", AUTH_DMARC_RECORD_INVALID, "invalid value for t: \"yes\"" },
	{ "v=DMARC1; p=none; psd=maybe", AUTH_DMARC_RECORD_INVALID,
	  "invalid value for psd: \"maybe\"" },
	{ "v=DMARC1; p=none; fo=0:x", AUTH_DMARC_RECORD_INVALID, "invalid value for fo: \"0:x\"" },
	{ "v=DMARC1; p=none; fo=0:", AUTH_DMARC_RECORD_INVALID, "invalid value for fo: \"0:\"" },
	{ "v=DMARC1; p=none; 1x=y", AUTH_DMARC_RECORD_INVALID, "tag name is not letters: \"1x=y\"" },
	{ "v=DMARC1; p=none; =none", AUTH_DMARC_RECORD_INVALID,
	  "tag name is not letters: \"=none\"" },
	{ "v=DMARC1; p-x=none", AUTH_DMARC_RECORD_INVALID, "tag name is not letters: \"p-x=none\"" },
	{ "v=DMARC1; p=", AUTH_DMARC_RECORD_INVALID, "tag p has no value" },
	{ "v=DMARC1; p=none; x=\x01", AUTH_DMARC_RECORD_INVALID,
	  "tag x: byte 0x01 is not a printing character" },
	{ "v=DMARC1; p=none; x=caf\xC3\xA9", AUTH_DMARC_RECORD_INVALID,
	  "tag x: byte 0xc3 is not a printing character" },
};

static void refuse_bad_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_records / sizeof bad_records[0]; i++) {
		const struct bad_case *c = &bad_records[i];
		struct auth_dmarc_record rec;
		struct lib_err err = { "" };
		enum auth_dmarc_record_status st =
			auth_dmarc_record_parse(c->text, strlen(c->text), &rec, &err);
		if (st != c->status)
			fail_msg("\"%s\": status %d, want %d", c->text, st, c->status);
		if (strcmp(err.msg, c->error) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", c->text, err.msg, c->error);
		assert_null(rec.rua);
		auth_dmarc_record_release(&rec);
	}
}

/* A TXT record may hold NUL bytes (text_len counts them): not a value. */
static void nul_in_record_is_refused(void **state)
{
	(void)state;
	struct auth_dmarc_record rec;
	struct lib_err err = { "" };
	assert_int_equal(auth_dmarc_record_parse("v=DMARC1; p=none\0x", 18, &rec, &err),
			 AUTH_DMARC_RECORD_INVALID);
	assert_string_equal(err.msg, "tag p: byte 0x00 is not a printing character");
}

static void names_of_values(void **state)
{
	(void)state;
	assert_string_equal(auth_dmarc_policy_str(AUTH_DMARC_POLICY_NONE), "none");
	assert_string_equal(auth_dmarc_policy_str(AUTH_DMARC_POLICY_QUARANTINE), "quarantine");
	assert_string_equal(auth_dmarc_policy_str(AUTH_DMARC_POLICY_REJECT), "reject");
	assert_string_equal(auth_dmarc_align_mode_str(AUTH_DMARC_RELAXED), "relaxed");
	assert_string_equal(auth_dmarc_align_mode_str(AUTH_DMARC_STRICT), "strict");
	assert_string_equal(auth_dmarc_result_str(AUTH_DMARC_NONE), "none");
	assert_string_equal(auth_dmarc_result_str(AUTH_DMARC_PASS), "pass");
	assert_string_equal(auth_dmarc_result_str(AUTH_DMARC_FAIL), "fail");
	assert_string_equal(auth_dmarc_result_str(AUTH_DMARC_TEMPERROR), "temperror");
	assert_string_equal(auth_dmarc_result_str(AUTH_DMARC_PERMERROR), "permerror");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_records),
		cmocka_unit_test(record_keeps_report_uris),
		cmocka_unit_test(refuse_bad_records),
		cmocka_unit_test(nul_in_record_is_refused),
		cmocka_unit_test(names_of_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
