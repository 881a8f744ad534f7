/* dns_private.h: what the DNS files of src/net share (private to the
 * folder): domain names in wire form, record data to answers, the zone
 * file parser and the zone store.
 *
 * Names travel inside as RFC 1035 wire form (length-prefixed labels ending
 * in the root's empty label), compared without regard to ASCII case. */
#ifndef FRANK_NET_DNS_PRIVATE_H
#define FRANK_NET_DNS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "lib.h"
#include "net.h"

#define DNS_NAME_MAX 255  /* octets in wire form, RFC 1035 2.3.4 */
#define DNS_LABEL_MAX 63
#define DNS_STRING_MAX 255 /* one <character-string> */
#define DNS_RDATA_MAX 65535

/* Types the zone holds besides those of enum net_dns_type. */
#define DNS_TYPE_NS 2
#define DNS_TYPE_SOA 6
#define DNS_TYPE_SPF 99
/* frank's zone extension: "name TEMPFAIL [TYPE]" makes queries for name
 * fail temporarily; stored under a private-use type number (RFC 6895). */
#define DNS_TYPE_TEMPFAIL 65280

/* CNAME links followed in a zone before the answer is a TEMPFAIL. */
#define DNS_CNAME_MAX_HOPS 8

/* Limits that keep a zone's memory bounded (besides the file size). */
#define DNS_ZONE_MAX_RECORDS 1000000
#define DNS_ZONE_MAX_NAMES 2000000

/* --- names (dns_wire.c) ------------------------------------------------ */

/* Converts a name in presentation form, text[0..len), to wire form in out.
 * "@" is origin; a name without a final unescaped "." is relative and gets
 * origin appended (origin NULL: refused).  Returns 0, or -1 and *why (a
 * static message) for a bad name. */
int dns_name_from_text(const char *text, size_t len, const unsigned char *origin,
		       size_t origin_len, unsigned char out[DNS_NAME_MAX], size_t *out_len,
		       const char **why);

/* Decodes the escape at text[i] == '\\' (RFC 1035 5.1: "\X" is X, "\DDD"
 * the octet of decimal DDD): 0 with the octet and how many bytes of text it
 * used, or -1 if malformed. */
int dns_read_escape(const char *text, size_t len, size_t i, unsigned char *octet,
		    size_t *used);

/* Appends a wire-form name in presentation form without the final dot
 * ("." for the root); escapes as net.h says. */
void dns_name_to_text(const unsigned char *wire, size_t len, struct lib_buf *out);

/* Reads a wire-form name at buf[*pos] (buf has len octets), following
 * compression pointers (RFC 1035 4.1.4) into pkt (NULL: pointers are
 * refused), and advances *pos past it in buf.  0, or -1 if malformed. */
int dns_name_read(const unsigned char *buf, size_t len, size_t *pos,
		  const unsigned char *pkt, size_t pkt_len,
		  unsigned char out[DNS_NAME_MAX], size_t *out_len);

int dns_name_equal(const unsigned char *a, size_t a_len, const unsigned char *b,
		   size_t b_len);
uint32_t dns_name_hash(const unsigned char *wire, size_t len);

/* Appends s[0..len) to out for a message: printable ASCII as is, other
 * bytes as \DDD, cut at limit bytes of input with "...". */
void dns_quote_for_error(const char *s, size_t len, size_t limit, struct lib_buf *out);

/* --- record data (dns_wire.c) ------------------------------------------ */

/* Fills rec from the record data of one record of type (enum net_dns_type
 * or DNS_TYPE_SPF), with the names in it read as dns_name_read does.
 * Returns 0, or -1 if the data is malformed for its type (rec untouched). */
int dns_record_from_rdata(unsigned type, const unsigned char *rdata, size_t len,
			  const unsigned char *pkt, size_t pkt_len, uint32_t ttl,
			  struct net_dns_record *rec);

/* The mnemonic of any type the zone holds ("?" for others). */
const char *dns_type_name(unsigned type);

/* A new answer with no records; qname copied. */
struct net_dns_answer *dns_answer_new(const char *qname, enum net_dns_type qtype,
				      enum net_dns_rcode rcode);
/* Appends a record (the answer takes over rec's text). */
void dns_answer_add(struct net_dns_answer *answer, const struct net_dns_record *rec);
/* Stable sort of MX records by preference. */
void dns_answer_sort(struct net_dns_answer *answer);

/* --- the zone file parser (dns_zone.c) --------------------------------- */

/* One record as the parser found it: owner and rdata in wire form. */
struct dns_rr {
	const unsigned char *owner;
	size_t owner_len;
	unsigned type;
	uint32_t ttl;
	const unsigned char *rdata;
	size_t rdata_len;
	unsigned line;
};

/* Where the parser sends what it finds; each returns 0, or -1 with err set
 * (the parser then stops and prefixes "source:line: "). */
struct dns_zone_sink {
	int (*record)(void *arg, const struct dns_rr *rr, struct lib_err *err);
	/* An apex name: an $ORIGIN directive (or the starting origin). */
	int (*apex)(void *arg, const unsigned char *name, size_t len, unsigned line,
		    struct lib_err *err);
	void *arg;
};

/* Parses zone text[0..len) (need not be NUL-terminated); origin may be
 * NULL.  A pure function over bytes.  0, or -1 with err = "source:line:
 * message". */
int dns_zone_parse(const char *source, const char *text, size_t len, const char *origin,
		   const struct dns_zone_sink *sink, struct lib_err *err);

/* --- the zone store (dns_store.c) ---------------------------------------- */

struct dns_zone;

struct dns_zone *dns_zone_new(void);
void dns_zone_free(struct dns_zone *zone);

/* Parses text and adds its records, all or nothing. */
int dns_zone_load(struct dns_zone *zone, const char *source, const char *text, size_t len,
		  const char *origin, struct lib_err *err);

enum dns_zone_result {
	DNS_ZONE_ELSEWHERE,  /* no zone is authoritative: ask the network */
	DNS_ZONE_ANSWERED,   /* *answer is set */
	DNS_ZONE_FOLLOW,     /* a CNAME left the zones: ask the network for
	                        the name in follow, then set answer->cname */
};

/* Answers qname (wire) of qtype from the zones.  closed_world (offline):
 * every name is answered, NXDOMAIN outside the zones.  qname_text is the
 * name as the answer shows it. */
enum dns_zone_result dns_zone_lookup(const struct dns_zone *zone, const unsigned char *qname,
				     size_t qname_len, const char *qname_text,
				     enum net_dns_type qtype, int closed_world,
				     struct net_dns_answer **answer,
				     unsigned char follow[DNS_NAME_MAX], size_t *follow_len);

/* --- the network backend (dns_unbound.c) ------------------------------- */

struct dns_net;

struct dns_net *dns_net_new(const struct net_dns_opts *opts, struct lib_err *err);
void dns_net_free(struct dns_net *net);
int dns_net_fd(const struct dns_net *net);
/* Starts a query for name (presentation form); when it finishes,
 * dns_net_process() calls dns_net_answered(arg, answer).  Returns an id
 * for dns_net_cancel, or -1 with err set (no answer will come). */
int dns_net_submit(struct dns_net *net, const char *name, enum net_dns_type type, void *arg,
		   struct lib_err *err);
/* Stops a query: 0 if its answer will never come, -1 if it still may. */
int dns_net_cancel(struct dns_net *net, int id);
/* Reads the finished queries; never blocks.  0, or -1 with err set. */
int dns_net_process(struct dns_net *net, struct lib_err *err);

/* In dns.c: receives a network answer (owned by the callee).  Its qname
 * and qtype are what the network said; the callee sets them. */
void dns_net_answered(void *arg, struct net_dns_answer *answer);

#endif
