/* test_net_zone.c: unit tests of the zone file parser (src/net/dns_zone.c)
 * and of the wire-form helpers it shares with the network backend: tables
 * of zone text and the records (or the error) it must give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_private.h"

/* --- a sink that writes what the parser found as text ------------------ */

static void put_rdata(struct lib_buf *out, const struct dns_rr *rr)
{
	struct net_dns_record rec;
	if (rr->type == DNS_TYPE_SOA || rr->type == DNS_TYPE_TEMPFAIL ||
	    dns_record_from_rdata(rr->type, rr->rdata, rr->rdata_len, NULL, 0, rr->ttl, &rec) < 0) {
		for (size_t i = 0; i < rr->rdata_len; i++)
			lib_buf_printf(out, "%02x", rr->rdata[i]);
		return;
	}
	if (rr->type == NET_DNS_MX)
		lib_buf_printf(out, "%u ", rec.preference);
	if (rr->type == NET_DNS_TXT || rr->type == DNS_TYPE_SPF) {
		lib_buf_printf(out, "%u:", rec.strings);
		dns_quote_for_error(rec.text, rec.text_len, 1000, out);
	} else {
		lib_buf_puts(out, rec.text);
	}
	free(rec.text);
}

static int show_record(void *arg, const struct dns_rr *rr, struct lib_err *err)
{
	struct lib_buf *out = arg;
	(void)err;
	dns_name_to_text(rr->owner, rr->owner_len, out);
	lib_buf_printf(out, " %lu %s ", (unsigned long)rr->ttl, dns_type_name(rr->type));
	put_rdata(out, rr);
	lib_buf_printf(out, " @%u\n", rr->line);
	return 0;
}

static int show_apex(void *arg, const unsigned char *name, size_t len, unsigned line,
		     struct lib_err *err)
{
	struct lib_buf *out = arg;
	(void)err;
	lib_buf_puts(out, "apex ");
	dns_name_to_text(name, len, out);
	lib_buf_printf(out, " @%u\n", line);
	return 0;
}

/* Parses text; returns what the sink saw, or "error: MESSAGE". */
static char *parse(const char *text, size_t len, const char *origin)
{
	struct lib_buf out = LIB_BUF_INIT;
	struct dns_zone_sink sink = { show_record, show_apex, &out };
	struct lib_err err = { "" };
	if (dns_zone_parse("t", text, len, origin, &sink, &err) < 0) {
		lib_buf_reset(&out);
		lib_buf_printf(&out, "error: %s", err.msg);
	}
	return lib_buf_take(&out);
}

struct zone_case {
	const char *text;
	const char *origin;
	const char *want;
};

static void run_cases(const struct zone_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = parse(cases[i].text, strlen(cases[i].text), cases[i].origin);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: zone text:\n%s\ngot:\n%s\nwant:\n%s", i, cases[i].text,
				 got, cases[i].want);
		free(got);
	}
}

/* --- zone text that parses --------------------------------------------- */

static const struct zone_case good_zones[] = {
	/* $ORIGIN, @, relative and absolute names, TTL and class in either order. */
	{ "$ORIGIN example.com.\n"
	  "@ 300 IN A 192.0.2.1\n"
	  "www IN 60 A 192.0.2.2\n"
	  "other.org. A 192.0.2.3\n",
	  NULL,
	  "apex example.com @1\n"
	  "example.com 300 A 192.0.2.1 @2\n"
	  "www.example.com 60 A 192.0.2.2 @3\n"
	  "other.org 60 A 192.0.2.3 @4\n" },
	/* A blank owner repeats the previous one; $TTL is the default. */
	{ "$TTL 1h\n"
	  "a.test. A 192.0.2.1\n"
	  "\tAAAA 2001:db8::1\n"
	  "  IN 20 MX 10 mx.a.test.\n"
	  "b.test. TXT x\n",
	  NULL,
	  "a.test 3600 A 192.0.2.1 @2\n"
	  "a.test 3600 AAAA 2001:db8::1 @3\n"
	  "a.test 20 MX 10 mx.a.test @4\n"
	  "b.test 3600 TXT 1:x @5\n" },
	/* Without $TTL the last TTL given holds; before any, 3600. */
	{ "a.test. A 192.0.2.1\nb.test. 77 A 192.0.2.2\nc.test. A 192.0.2.3\n", NULL,
	  "a.test 3600 A 192.0.2.1 @1\nb.test 77 A 192.0.2.2 @2\nc.test 77 A 192.0.2.3 @3\n" },
	/* TTL units as BIND writes them. */
	{ "a.test. 1h30m A 192.0.2.1\nb.test. 2W A 192.0.2.1\nc.test. 1d1s A 192.0.2.1\n", NULL,
	  "a.test 5400 A 192.0.2.1 @1\nb.test 1209600 A 192.0.2.1 @2\n"
	  "c.test 86401 A 192.0.2.1 @3\n" },
	/* Targets of MX, CNAME and PTR are relative to the origin too. */
	{ "$ORIGIN ex.test.\n@ MX 5 mail\nwww CNAME @\n1 PTR host.other.\n", NULL,
	  "apex ex.test @1\n"
	  "ex.test 3600 MX 5 mail.ex.test @2\n"
	  "www.ex.test 3600 CNAME ex.test @3\n"
	  "1.ex.test 3600 PTR host.other @4\n" },
	/* TXT: several strings, quoted or not, with escapes. */
	{ "t.test. TXT \"v=spf1 \" \"-all\"\n"
	  "t.test. TXT plain \"with space\" \"q\\\"uote\" \"back\\\\slash\" \"\\065\\000B\"\n"
	  "t.test. TXT \"\"\n"
	  "t.test. SPF \"v=spf1 -all\"\n",
	  NULL,
	  "t.test 3600 TXT 2:v=spf1 -all @1\n"
	  "t.test 3600 TXT 5:plainwith spaceq\"uoteback\\slashA\\000B @2\n"
	  "t.test 3600 TXT 1: @3\n"
	  "t.test 3600 SPF 1:v=spf1 -all @4\n" },
	/* Parentheses span lines; comments and blank lines are nothing;
	 * ";" inside quotes is text. */
	{ "; a comment\n"
	  "\n"
	  "k.test. TXT ( \"one;\" ; first\n"
	  "   \"two\" )  ; last\n"
	  "   \n"
	  "l.test. A 192.0.2.9 ; after\n",
	  NULL,
	  "k.test 3600 TXT 2:one;two @3\n"
	  "l.test 3600 A 192.0.2.9 @6\n" },
	/* CRLF line ends. */
	{ "a.test. A 192.0.2.1\r\nb.test. A 192.0.2.2\r\n", NULL,
	  "a.test 3600 A 192.0.2.1 @1\nb.test 3600 A 192.0.2.2 @2\n" },
	/* No newline at the end. */
	{ "a.test. A 192.0.2.1", NULL, "a.test 3600 A 192.0.2.1 @1\n" },
	/* Escaped characters in names; case is kept. */
	{ "a\\.b.Test. A 192.0.2.1\n\\065\\032x.test. A 192.0.2.2\n", NULL,
	  "a\\.b.Test 3600 A 192.0.2.1 @1\nA\\032x.test 3600 A 192.0.2.2 @2\n" },
	/* SOA (times with units) and NS; the SOA owner's apex is the store's
	 * business, the parser reports $ORIGIN only. */
	{ "$ORIGIN z.test.\n"
	  "@ IN SOA ns hostmaster ( 1 1h 15m 1w 300 )\n"
	  "  NS ns\n",
	  NULL,
	  "apex z.test @1\n"
	  "z.test 3600 SOA 026e73017a0474657374000a686f73746d6173746572017a04746573740000000001"
	  "00000e100000038400093a800000012c @2\n"
	  "z.test 3600 NS ns.z.test @3\n" },
	/* frank's TEMPFAIL, for every type or for one. */
	{ "s.test. TEMPFAIL\nt.test. TEMPFAIL txt\n", NULL,
	  "s.test 3600 TEMPFAIL  @1\nt.test 3600 TEMPFAIL 0010 @2\n" },
	/* The origin given by the caller, and "$ORIGIN ." is no apex. */
	{ "@ A 192.0.2.1\nw A 192.0.2.2\n$ORIGIN .\nx.test. A 192.0.2.3\n", "given.test",
	  "apex given.test @0\n"
	  "given.test 3600 A 192.0.2.1 @1\n"
	  "w.given.test 3600 A 192.0.2.2 @2\n"
	  "x.test 3600 A 192.0.2.3 @4\n" },
	/* $ORIGIN may be relative to the previous one. */
	{ "$ORIGIN test.\n$ORIGIN sub\n@ A 192.0.2.1\n", NULL,
	  "apex test @1\napex sub.test @2\nsub.test 3600 A 192.0.2.1 @3\n" },
	/* Mnemonics ignore case. */
	{ "a.test. in mx 1 b.test.\n$ttl 5\nb.test. a 192.0.2.1\n", NULL,
	  "a.test 3600 MX 1 b.test @1\nb.test 5 A 192.0.2.1 @3\n" },
	/* The root as a name; an MX with the root as exchange (RFC 7505). */
	{ "n.test. MX 0 .\n", NULL, "n.test 3600 MX 0 . @1\n" },
	/* Empty text. */
	{ "", NULL, "" },
	{ "; only a comment", NULL, "" },
};

static void zone_text_that_parses(void **state)
{
	(void)state;
	run_cases(good_zones, sizeof good_zones / sizeof good_zones[0]);
}

/* Limits: 255 octets in a string, 63 in a label, 255 in a name. */
static void zone_limits_at_the_edge(void **state)
{
	(void)state;
	char text[1200];
	char s255[256], l63[64];
	memset(s255, 'x', 255);
	s255[255] = '\0';
	memset(l63, 'l', 63);
	l63[63] = '\0';
	snprintf(text, sizeof text, "a.test. TXT %s\n", s255);
	char *got = parse(text, strlen(text), NULL);
	assert_non_null(strstr(got, " TXT 1:xxxx"));
	free(got);

	snprintf(text, sizeof text, "%s.test. A 192.0.2.1\n", l63);
	got = parse(text, strlen(text), NULL);
	assert_non_null(strstr(got, " 3600 A 192.0.2.1 @1"));
	free(got);

	/* 61 + 3 * 63 octets, 4 length octets and the root's: 255. */
	snprintf(text, sizeof text, "%.61s.%s.%s.%s. A 192.0.2.1\n", l63, l63, l63, l63);
	got = parse(text, strlen(text), NULL);
	assert_non_null(strstr(got, " 3600 A 192.0.2.1 @1"));
	free(got);
	snprintf(text, sizeof text, "%.62s.%s.%s.%s. A 192.0.2.1\n", l63, l63, l63, l63);
	got = parse(text, strlen(text), NULL);
	assert_string_equal(got, "error: t:1: name longer than 255 octets: "
				 "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllll...");
	free(got);

	snprintf(text, sizeof text, "a.test. TXT x%s\n", s255);
	got = parse(text, strlen(text), NULL);
	assert_non_null(strstr(got, "error: t:1: character-string longer than 255 octets: x"));
	free(got);

	snprintf(text, sizeof text, "l%s.test. A 192.0.2.1\n", l63);
	got = parse(text, strlen(text), NULL);
	assert_non_null(strstr(got, "error: t:1: label longer than 63 octets: l"));
	free(got);
}

/* --- zone text that does not parse ------------------------------------- */

static const struct zone_case bad_zones[] = {
	{ "$INCLUDE other.zone\n", NULL,
	  "error: t:1: $INCLUDE is not supported: put the records in this file" },
	{ "www A 192.0.2.1\n", NULL,
	  "error: t:1: relative name with no $ORIGIN (end it with a dot): www" },
	{ "@ A 192.0.2.1\n", NULL, "error: t:1: @ used with no $ORIGIN: @" },
	{ " A 192.0.2.1\n", NULL, "error: t:1: no owner name: the first record must name one" },
	{ "a.test. A 300.1.1.1\n", NULL, "error: t:1: bad IPv4 address: 300.1.1.1" },
	{ "a.test. A \"192.0.2.1\"\n", NULL, "error: t:1: bad IPv4 address: 192.0.2.1" },
	{ "a.test. AAAA 192.0.2.1\n", NULL, "error: t:1: bad IPv6 address: 192.0.2.1" },
	{ "a.test. MX 65536 b.test.\n", NULL,
	  "error: t:1: bad MX preference (0-65535): 65536" },
	{ "a.test. MX ten b.test.\n", NULL, "error: t:1: bad MX preference (0-65535): ten" },
	{ "a.test. MX 10 \"b.test.\"\n", NULL,
	  "error: t:1: a domain name cannot be quoted: b.test." },
	{ "\n\na.test. TXT \"open\n\"\n", NULL, "error: t:3: unterminated quoted string" },
	{ "a.test. TXT (\"x\"\n\n", NULL, "error: t:1: \"(\" is never closed" },
	{ "a.test. TXT ( ( x ) )\n", NULL, "error: t:1: nested \"(\"" },
	{ "a.test. TXT x )\n", NULL, "error: t:1: \")\" without \"(\"" },
	{ "a.test. CH TXT x\n", NULL, "error: t:1: only class IN is supported: CH" },
	{ "a.test. IN IN TXT x\n", NULL, "error: t:1: class given twice: IN" },
	{ "a.test. 300 300 A 192.0.2.1\n", NULL, "error: t:1: TTL given twice: 300" },
	{ "a.test. 2147483648 A 192.0.2.1\n", NULL,
	  "error: t:1: bad TTL (seconds, at most 2147483647): 2147483648" },
	{ "a.test. 1x A 192.0.2.1\n", NULL,
	  "error: t:1: bad TTL (seconds, at most 2147483647): 1x" },
	{ "a.test. 99999999999 A 192.0.2.1\n", NULL,
	  "error: t:1: bad TTL (seconds, at most 2147483647): 99999999999" },
	{ "a.test. HINFO x y\n", NULL, "error: t:1: unsupported record type: HINFO" },
	{ "a.test. TYPE99 \\# 0\n", NULL, "error: t:1: unsupported record type: TYPE99" },
	{ "a.test. A 192.0.2.1 extra\n", NULL,
	  "error: t:1: unexpected field after the record data: extra" },
	{ "a.test. A\n", NULL, "error: t:1: missing record data after type: A" },
	{ "a.test. SOA a. b. 1 2 3 4\n", NULL, "error: t:1: missing record data after type: SOA" },
	{ "a.test. SOA a. b. 1 2 3 4 x\n", NULL, "error: t:1: bad SOA time: x" },
	{ "a.test. SOA a. b. -1 2 3 4 5\n", NULL, "error: t:1: bad SOA serial: -1" },
	{ "a.test.\n", NULL, "error: t:1: missing record type" },
	{ "a.test. 300 IN\n", NULL, "error: t:1: missing record type" },
	{ "a..test. A 192.0.2.1\n", NULL, "error: t:1: empty label in name: a..test." },
	{ ".a.test. A 192.0.2.1\n", NULL, "error: t:1: empty label in name: .a.test." },
	{ "a\\256.test. A 192.0.2.1\n", NULL,
	  "error: t:1: bad escape in name (\\X or \\DDD with DDD <= 255): a\\256.test." },
	{ "a.test. TXT \"\\300\"\n", NULL,
	  "error: t:1: bad escape in a string (\\X or \\DDD with DDD <= 255): \\300" },
	{ "a.test. TXT \"\\12\"\n", NULL,
	  "error: t:1: bad escape in a string (\\X or \\DDD with DDD <= 255): \\12" },
	{ "a.test. TXT x\\\n", NULL, "error: t:1: backslash at the end of a line" },
	{ "$FOO x\n", NULL, "error: t:1: unknown directive: $FOO" },
	{ "$TTL\n", NULL, "error: t:1: directive takes exactly one argument: $TTL" },
	{ "$ORIGIN a. b.\n", NULL, "error: t:1: directive takes exactly one argument: $ORIGIN" },
	{ "$TTL soon\n", NULL, "error: t:1: bad TTL: soon" },
	{ "a.test. TEMPFAIL SOA\n", NULL, "error: t:1: TEMPFAIL takes a query type: SOA" },
	{ "a.test. TEMPFAIL A MX\n", NULL, "error: t:1: unexpected field after the record data: MX" },
	{ "\"a.test.\" A 192.0.2.1\n", NULL, "error: t:1: a domain name cannot be quoted: a.test." },
	/* Hostile bytes in a message are shown escaped. */
	{ "a.test. \x1b[31m x\n", NULL, "error: t:1: unsupported record type: \\027[31m" },
	/* The line of an error after a multi-line entry. */
	{ "a.test. TXT ( x\n y\n z )\nb.test. A 1\n", NULL, "error: t:4: bad IPv4 address: 1" },
	{ "a.test. A 192.0.2.1\n", "bad..origin",
	  "error: t: bad origin: empty label in name" },
};

static void zone_text_that_does_not_parse(void **state)
{
	(void)state;
	run_cases(bad_zones, sizeof bad_zones / sizeof bad_zones[0]);
}

/* A NUL byte cannot be written in a C string table. */
static void zone_text_with_nul(void **state)
{
	(void)state;
	static const char text[] = "a.test. A 192.0.2.1\nb.te\0st. A 192.0.2.1\n";
	char *got = parse(text, sizeof text - 1, NULL);
	assert_string_equal(got, "error: t:2: NUL byte in zone text");
	free(got);
	static const char quoted[] = "a.test. TXT \"x\0\"\n";
	got = parse(quoted, sizeof quoted - 1, NULL);
	assert_string_equal(got, "error: t:1: NUL byte in a quoted string");
	free(got);
}

/* The parser stops at the sink's error and names the line. */
static int refuse_second(void *arg, const struct dns_rr *rr, struct lib_err *err)
{
	(void)arg;
	return rr->line == 2 ? lib_err_set(err, "refused by the sink") : 0;
}

static void zone_sink_errors_name_the_line(void **state)
{
	(void)state;
	struct dns_zone_sink sink = { refuse_second, show_apex, NULL };
	struct lib_err err = { "" };
	const char *text = "a.test. A 192.0.2.1\nb.test. A 192.0.2.2\n";
	assert_int_equal(dns_zone_parse("f.zone", text, strlen(text), NULL, &sink, &err), -1);
	assert_string_equal(err.msg, "f.zone:2: refused by the sink");
}

/* --- names and record data in wire form -------------------------------- */

struct name_case {
	const char *text;
	const char *want; /* presentation form back, or NULL if refused */
};

static const struct name_case names[] = {
	{ "example.com", "example.com" },
	{ "example.com.", "example.com" },
	{ "Example.COM", "Example.COM" },
	{ ".", "." },
	{ "a\\.b.c", "a\\.b.c" },
	{ "a\\\\b.c", "a\\\\b.c" },
	{ "sp\\032ace.c", "sp\\032ace.c" },
	{ "\\120y.c", "xy.c" },
	{ "@.", "\\@" },
	{ "\\@", "\\@" },
	{ "@.x", "@.x" },
	{ "", NULL },
	{ "a..b", NULL },
	{ "a.b..", NULL },
	{ "a\\", NULL },
	{ "a\\25", NULL },
};

static void names_round_trip(void **state)
{
	(void)state;
	static const unsigned char root[1] = { 0 };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		unsigned char wire[DNS_NAME_MAX];
		size_t len = 0;
		const char *why = NULL;
		int rc = dns_name_from_text(names[i].text, strlen(names[i].text), root, 1, wire, &len,
					    &why);
		if (!names[i].want) {
			if (rc == 0)
				fail_msg("\"%s\" should be refused", names[i].text);
			assert_non_null(why);
			continue;
		}
		if (rc < 0)
			fail_msg("\"%s\" refused: %s", names[i].text, why);
		struct lib_buf b = LIB_BUF_INIT;
		dns_name_to_text(wire, len, &b);
		assert_string_equal(b.data, names[i].want);
		lib_buf_release(&b);
	}
}

static void names_compare_without_case(void **state)
{
	(void)state;
	static const unsigned char a[] = "\x04Mail\x07" "Example\x00";
	static const unsigned char b[] = "\x04mail\x07" "EXAMPLE\x00";
	static const unsigned char c[] = "\x04mail\x07" "example\x03" "com";
	assert_true(dns_name_equal(a, 14, b, 14));
	assert_int_equal(dns_name_hash(a, 14), dns_name_hash(b, 14));
	assert_false(dns_name_equal(a, 14, c, 14));
}

/* A DNS message: "mx.example" at offset 12, then an MX rdata whose
 * exchange is "mail" + a pointer to "example" (offset 15). */
static const unsigned char packet[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	0, 15, 0, 1,
};

static void record_data_decompresses_names(void **state)
{
	(void)state;
	static const unsigned char mx[] = { 0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 15 };
	struct net_dns_record rec;
	assert_int_equal(dns_record_from_rdata(NET_DNS_MX, mx, sizeof mx, packet, sizeof packet,
					       60, &rec), 0);
	assert_string_equal(rec.text, "mail.example");
	assert_int_equal(rec.preference, 10);
	assert_int_equal(rec.ttl, 60);
	free(rec.text);
	/* Without the packet a pointer cannot be followed. */
	assert_int_equal(dns_record_from_rdata(NET_DNS_MX, mx, sizeof mx, NULL, 0, 60, &rec), -1);
	/* A pointer out of the packet, and a pointer to itself. */
	static const unsigned char out[] = { 0xC0, 200 };
	assert_int_equal(dns_record_from_rdata(NET_DNS_PTR, out, sizeof out, packet, sizeof packet,
					       0, &rec), -1);
	static const unsigned char loop_pkt[] = { 0xC0, 0 };
	static const unsigned char to_loop[] = { 0xC0, 0 };
	assert_int_equal(dns_record_from_rdata(NET_DNS_PTR, to_loop, sizeof to_loop, loop_pkt,
					       sizeof loop_pkt, 0, &rec), -1);
}

struct rdata_case {
	unsigned type;
	const char *rdata;
	size_t len;
	const char *want; /* text, or NULL if malformed */
};

static const struct rdata_case rdatas[] = {
	{ NET_DNS_A, "\xc0\x00\x02\x01", 4, "192.0.2.1" },
	{ NET_DNS_A, "\xc0\x00\x02", 3, NULL },
	{ NET_DNS_A, "\xc0\x00\x02\x01\x01", 5, NULL },
	{ NET_DNS_AAAA, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16, "2001:db8::1" },
	{ NET_DNS_AAAA, "\x20\x01", 2, NULL },
	{ NET_DNS_TXT, "\x03" "abc\x02" "de", 7, "abcde" },
	{ NET_DNS_TXT, "\x00", 1, "" },
	{ NET_DNS_TXT, "", 0, NULL },
	{ NET_DNS_TXT, "\x05" "abc", 4, NULL },
	{ NET_DNS_CNAME, "\x01" "a\x00", 3, "a" },
	{ NET_DNS_CNAME, "\x01" "a\x00\x00", 4, NULL },
	{ NET_DNS_CNAME, "\x05" "a", 2, NULL },
	{ NET_DNS_CNAME, "\x41" "a", 2, NULL },
	{ NET_DNS_MX, "\x00", 1, NULL },
	{ 99, "\x01" "s", 2, "s" },
	{ 13, "\x01" "s", 2, NULL },
};

static void record_data_by_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rdatas / sizeof rdatas[0]; i++) {
		struct net_dns_record rec;
		int rc = dns_record_from_rdata(rdatas[i].type, (const unsigned char *)rdatas[i].rdata,
					       rdatas[i].len, NULL, 0, 1, &rec);
		if (!rdatas[i].want) {
			if (rc == 0)
				fail_msg("case %zu should be malformed", i);
			continue;
		}
		if (rc < 0)
			fail_msg("case %zu refused", i);
		assert_string_equal(rec.text, rdatas[i].want);
		assert_int_equal(rec.text_len, strlen(rdatas[i].want));
		free(rec.text);
	}
}

/* TXT text may hold NUL: text_len counts it. */
static void txt_with_nul_keeps_its_length(void **state)
{
	(void)state;
	struct net_dns_record rec;
	assert_int_equal(dns_record_from_rdata(NET_DNS_TXT, (const unsigned char *)"\x03" "a\0b", 4,
					       NULL, 0, 1, &rec), 0);
	assert_int_equal(rec.text_len, 3);
	assert_memory_equal(rec.text, "a\0b", 3);
	assert_int_equal(rec.strings, 1);
	free(rec.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zone_text_that_parses),
		cmocka_unit_test(zone_limits_at_the_edge),
		cmocka_unit_test(zone_text_that_does_not_parse),
		cmocka_unit_test(zone_text_with_nul),
		cmocka_unit_test(zone_sink_errors_name_the_line),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(names_compare_without_case),
		cmocka_unit_test(record_data_decompresses_names),
		cmocka_unit_test(record_data_by_type),
		cmocka_unit_test(txt_with_nul_keeps_its_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
