/* dns_store.c: the records of the loaded zones, in a hash table of names,
 * and the answers they give.
 *
 * Authority: a zone answers for the names at and below its apexes, which
 * are the owners of its SOA records and every name given to $ORIGIN (and
 * the origin a caller loads text with), except the root.  Zone text that
 * declares none of these makes each of its owner names an apex.
 *
 * Within the zones: a name with records of the asked type -> ANSWER; a
 * name that exists (it has records, or names below it: an empty
 * non-terminal) but not of that type -> NODATA; else NXDOMAIN.  A CNAME
 * answers queries of other types by following it, at most
 * DNS_CNAME_MAX_HOPS links: a longer chain (a loop) is a TEMPFAIL, as a
 * resolver's SERVFAIL for it would be.  TEMPFAIL pseudo-records answer
 * TEMPFAIL for their owner (all types, or the one they name). */
#include "dns_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dns_entry {
	unsigned type;
	uint32_t ttl;
	unsigned line;
	size_t rdata_len;
	unsigned char *rdata;
};

struct dns_node {
	struct dns_node *next; /* in its hash bucket */
	uint32_t hash;
	int apex;
	struct dns_entry *entries;
	size_t count, cap;
	size_t name_len;
	unsigned char name[]; /* wire form, lower case */
};

struct dns_zone {
	struct dns_node **buckets;
	size_t nbuckets; /* a power of two */
	size_t names, records, apexes;
};

struct dns_zone *dns_zone_new(void)
{
	struct dns_zone *z = lib_xcalloc(1, sizeof *z);
	z->nbuckets = 64;
	z->buckets = lib_xcalloc(z->nbuckets, sizeof *z->buckets);
	return z;
}

static void node_free(struct dns_node *n)
{
	for (size_t i = 0; i < n->count; i++)
		free(n->entries[i].rdata);
	free(n->entries);
	free(n);
}

void dns_zone_free(struct dns_zone *zone)
{
	if (!zone)
		return;
	for (size_t b = 0; b < zone->nbuckets; b++) {
		struct dns_node *n = zone->buckets[b];
		while (n) {
			struct dns_node *next = n->next;
			node_free(n);
			n = next;
		}
	}
	free(zone->buckets);
	free(zone);
}

static struct dns_node *node_find(const struct dns_zone *zone, const unsigned char *name,
				  size_t len)
{
	uint32_t h = dns_name_hash(name, len);
	for (struct dns_node *n = zone->buckets[h & (zone->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && dns_name_equal(n->name, n->name_len, name, len))
			return n;
	return NULL;
}

static void table_grow(struct dns_zone *zone)
{
	size_t nb = zone->nbuckets * 2;
	struct dns_node **buckets = lib_xcalloc(nb, sizeof *buckets);
	for (size_t b = 0; b < zone->nbuckets; b++) {
		struct dns_node *n = zone->buckets[b];
		while (n) {
			struct dns_node *next = n->next;
			n->next = buckets[n->hash & (nb - 1)];
			buckets[n->hash & (nb - 1)] = n;
			n = next;
		}
	}
	free(zone->buckets);
	zone->buckets = buckets;
	zone->nbuckets = nb;
}

/* The node of name, made (with its ancestors, which then exist as empty
 * non-terminals) if it is not there yet. */
static struct dns_node *node_get(struct dns_zone *zone, const unsigned char *name, size_t len)
{
	struct dns_node *n = node_find(zone, name, len);
	if (n)
		return n;
	if (name[0] != 0)
		node_get(zone, name + 1 + name[0], len - 1 - name[0]);
	if (zone->names >= zone->nbuckets)
		table_grow(zone);
	n = lib_xcalloc(1, sizeof *n + len);
	memcpy(n->name, name, len);
	for (size_t i = 0; i < len; i++)
		if (n->name[i] >= 'A' && n->name[i] <= 'Z')
			n->name[i] = (unsigned char)(n->name[i] + ('a' - 'A'));
	n->name_len = len;
	n->hash = dns_name_hash(name, len);
	n->next = zone->buckets[n->hash & (zone->nbuckets - 1)];
	zone->buckets[n->hash & (zone->nbuckets - 1)] = n;
	zone->names++;
	return n;
}

/* Labels in a name: each may add a node for an ancestor. */
static size_t name_labels(const unsigned char *name)
{
	size_t labels = 1;
	for (size_t p = 0; name[p] != 0; p += 1 + name[p])
		labels++;
	return labels;
}

/* --- adding records ---------------------------------------------------- */

static int name_error(struct lib_err *err, const unsigned char *name, size_t len,
		      const char *what)
{
	struct lib_buf b = LIB_BUF_INIT;
	dns_name_to_text(name, len, &b);
	lib_err_set(err, "%s: %s", b.data, what);
	lib_buf_release(&b);
	return -1;
}

/* Octets an RRset of type takes in a DNS message, as records of node. */
static size_t rrset_size(const struct dns_node *n, unsigned type)
{
	size_t size = 0;
	for (size_t i = 0; i < n->count; i++)
		if (n->entries[i].type == type)
			size += n->name_len + 10 + n->entries[i].rdata_len;
	return size;
}

/* Whether a record of type may join node's records (RFC 1034 3.6.2 and
 * RFC 2181 10.1: a CNAME stands alone; TEMPFAIL is no data). */
static int check_compatible(const struct dns_node *n, unsigned type, const unsigned char *rdata,
			    size_t rdata_len, struct lib_err *err)
{
	if (type == DNS_TYPE_TEMPFAIL)
		return 0;
	for (size_t i = 0; i < n->count; i++) {
		const struct dns_entry *e = &n->entries[i];
		if (e->type == DNS_TYPE_TEMPFAIL || (e->type != NET_DNS_CNAME && type != NET_DNS_CNAME))
			continue;
		if (e->type != type)
			return name_error(err, n->name, n->name_len,
					  "a CNAME cannot have other records at its name");
		if (e->rdata_len != rdata_len || memcmp(e->rdata, rdata, rdata_len) != 0)
			return name_error(err, n->name, n->name_len,
					  "a name has at most one CNAME");
	}
	return 0;
}

static int has_entry(const struct dns_node *n, unsigned type, const unsigned char *rdata,
		     size_t rdata_len)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->entries[i].type == type && n->entries[i].rdata_len == rdata_len &&
		    memcmp(n->entries[i].rdata, rdata, rdata_len) == 0)
			return 1;
	return 0;
}

/* Appends a record to node (a duplicate is dropped: RFC 2181 5); takes
 * rdata, which it frees if unused. */
static void node_append(struct dns_zone *zone, struct dns_node *n, unsigned type, uint32_t ttl,
			unsigned line, unsigned char *rdata, size_t rdata_len)
{
	if (has_entry(n, type, rdata, rdata_len)) {
		free(rdata);
		return;
	}
	if (n->count == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 2;
		n->entries = lib_xrealloc(n->entries, n->cap * sizeof *n->entries);
	}
	n->entries[n->count++] = (struct dns_entry){ type, ttl, line, rdata_len, rdata };
	zone->records++;
}

/* The parser's sink for a zone being loaded. */
static int sink_record(void *arg, const struct dns_rr *rr, struct lib_err *err)
{
	struct dns_zone *zone = arg;
	if (zone->records >= DNS_ZONE_MAX_RECORDS)
		return lib_err_set(err, "more than %d records", DNS_ZONE_MAX_RECORDS);
	if (zone->names + name_labels(rr->owner) > DNS_ZONE_MAX_NAMES)
		return lib_err_set(err, "more than %d names", DNS_ZONE_MAX_NAMES);
	struct dns_node *n = node_get(zone, rr->owner, rr->owner_len);
	if (check_compatible(n, rr->type, rr->rdata, rr->rdata_len, err) < 0)
		return -1;
	if (rrset_size(n, rr->type) + n->name_len + 10 + rr->rdata_len > DNS_RDATA_MAX) {
		char what[96];
		snprintf(what, sizeof what, "more %s records than one DNS message can carry",
			 dns_type_name(rr->type));
		return name_error(err, n->name, n->name_len, what);
	}
	if (rr->type == DNS_TYPE_SOA && !n->apex) {
		n->apex = 1;
		zone->apexes++;
	}
	unsigned char *rdata = lib_xmalloc(rr->rdata_len);
	memcpy(rdata, rr->rdata, rr->rdata_len);
	node_append(zone, n, rr->type, rr->ttl, rr->line, rdata, rr->rdata_len);
	return 0;
}

static int sink_apex(void *arg, const unsigned char *name, size_t len, unsigned line,
		     struct lib_err *err)
{
	struct dns_zone *zone = arg;
	(void)line;
	if (zone->names + name_labels(name) > DNS_ZONE_MAX_NAMES)
		return lib_err_set(err, "more than %d names", DNS_ZONE_MAX_NAMES);
	struct dns_node *n = node_get(zone, name, len);
	if (!n->apex) {
		n->apex = 1;
		zone->apexes++;
	}
	return 0;
}

/* Whether staged records can all join zone: 0, or -1 with err naming the
 * first that cannot ("source:line: ..."). */
static int merge_check(const struct dns_zone *zone, const struct dns_zone *staged,
		       const char *source, struct lib_err *err)
{
	if (zone->records + staged->records > DNS_ZONE_MAX_RECORDS)
		return lib_err_set(err, "%s: the zones would hold more than %d records", source,
				   DNS_ZONE_MAX_RECORDS);
	if (zone->names + staged->names > DNS_ZONE_MAX_NAMES)
		return lib_err_set(err, "%s: the zones would hold more than %d names", source,
				   DNS_ZONE_MAX_NAMES);
	for (size_t b = 0; b < staged->nbuckets; b++) {
		for (const struct dns_node *s = staged->buckets[b]; s; s = s->next) {
			const struct dns_node *n = s->count ? node_find(zone, s->name, s->name_len) : NULL;
			for (size_t i = 0; n && i < s->count; i++) {
				const struct dns_entry *e = &s->entries[i];
				struct lib_err inner;
				int bad = check_compatible(n, e->type, e->rdata, e->rdata_len, &inner);
				if (!bad && rrset_size(n, e->type) + rrset_size(s, e->type) > DNS_RDATA_MAX)
					bad = name_error(&inner, n->name, n->name_len,
							 "more records of one type than one DNS message can carry");
				if (bad)
					return lib_err_set(err, "%s:%u: %s", source, e->line, inner.msg);
			}
		}
	}
	return 0;
}

/* Moves every node of staged into zone (staged is left empty of data). */
static void merge_move(struct dns_zone *zone, struct dns_zone *staged)
{
	int owners_are_apexes = staged->apexes == 0;
	for (size_t b = 0; b < staged->nbuckets; b++) {
		for (struct dns_node *s = staged->buckets[b]; s; s = s->next) {
			if (!s->count && !s->apex)
				continue; /* an ancestor: node_get makes it again */
			struct dns_node *n = node_get(zone, s->name, s->name_len);
			if ((s->apex || owners_are_apexes) && !n->apex) {
				n->apex = 1;
				zone->apexes++;
			}
			for (size_t i = 0; i < s->count; i++) {
				struct dns_entry *e = &s->entries[i];
				node_append(zone, n, e->type, e->ttl, e->line, e->rdata, e->rdata_len);
				e->rdata = NULL;
			}
		}
	}
}

int dns_zone_load(struct dns_zone *zone, const char *source, const char *text, size_t len,
		  const char *origin, struct lib_err *err)
{
	struct dns_zone *staged = dns_zone_new();
	struct dns_zone_sink sink = { sink_record, sink_apex, staged };
	int rc = dns_zone_parse(source, text, len, origin, &sink, err);
	if (rc == 0)
		rc = merge_check(zone, staged, source, err);
	if (rc == 0)
		merge_move(zone, staged);
	dns_zone_free(staged);
	return rc;
}

/* --- answers ----------------------------------------------------------- */

/* Whether a zone is authoritative for name: it is at or below an apex. */
static int zone_covers(const struct dns_zone *zone, const unsigned char *name, size_t len)
{
	if (!zone->apexes)
		return 0;
	for (size_t p = 0;; p += 1 + name[p]) {
		const struct dns_node *n = node_find(zone, name + p, len - p);
		if (n && n->apex)
			return 1;
		if (name[p] == 0)
			return 0;
	}
}

static const struct dns_entry *find_entry(const struct dns_node *n, unsigned type)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->entries[i].type == type)
			return &n->entries[i];
	return NULL;
}

/* A TEMPFAIL pseudo-record of node that applies to qtype. */
static int is_tempfail(const struct dns_node *n, enum net_dns_type qtype)
{
	for (size_t i = 0; i < n->count; i++) {
		const struct dns_entry *e = &n->entries[i];
		if (e->type != DNS_TYPE_TEMPFAIL)
			continue;
		if (e->rdata_len < 2 || ((unsigned)e->rdata[0] << 8 | e->rdata[1]) == (unsigned)qtype)
			return 1;
	}
	return 0;
}

/* Adds node's records of qtype to answer; returns how many. */
static size_t add_rrset(struct net_dns_answer *answer, const struct dns_node *n,
			enum net_dns_type qtype)
{
	size_t added = 0;
	for (size_t i = 0; i < n->count; i++) {
		const struct dns_entry *e = &n->entries[i];
		struct net_dns_record rec;
		if (e->type != (unsigned)qtype ||
		    dns_record_from_rdata(e->type, e->rdata, e->rdata_len, NULL, 0, e->ttl, &rec) < 0)
			continue;
		dns_answer_add(answer, &rec);
		added++;
	}
	return added;
}

static void answer_fail(struct net_dns_answer *a, const unsigned char *name, size_t len,
			const char *why)
{
	struct lib_buf b = LIB_BUF_INIT;
	dns_name_to_text(name, len, &b);
	lib_buf_printf(&b, ": %s", why);
	a->rcode = NET_DNS_TEMPFAIL;
	a->why = lib_buf_take(&b);
}

enum dns_zone_result dns_zone_lookup(const struct dns_zone *zone, const unsigned char *qname,
				     size_t qname_len, const char *qname_text,
				     enum net_dns_type qtype, int closed_world,
				     struct net_dns_answer **answer,
				     unsigned char follow[DNS_NAME_MAX], size_t *follow_len)
{
	if (!closed_world && !zone_covers(zone, qname, qname_len))
		return DNS_ZONE_ELSEWHERE;
	struct net_dns_answer *a = dns_answer_new(qname_text, qtype, NET_DNS_NODATA);
	a->from_zone = 1;
	*answer = a;
	unsigned char name[DNS_NAME_MAX];
	size_t len = qname_len;
	memcpy(name, qname, len);
	for (unsigned hops = 0;; hops++) {
		const struct dns_node *n = node_find(zone, name, len);
		if (!n) {
			a->rcode = NET_DNS_NXDOMAIN;
			break;
		}
		if (is_tempfail(n, qtype)) {
			answer_fail(a, name, len, "marked TEMPFAIL in the zone");
			break;
		}
		if (add_rrset(a, n, qtype) > 0) {
			a->rcode = NET_DNS_ANSWER;
			break;
		}
		const struct dns_entry *cname = qtype == NET_DNS_CNAME ? NULL
								       : find_entry(n, NET_DNS_CNAME);
		if (!cname)
			break; /* NODATA */
		if (hops == DNS_CNAME_MAX_HOPS) {
			answer_fail(a, qname, qname_len, "CNAME chain longer than 8 links (a loop?)");
			break;
		}
		size_t pos = 0;
		if (dns_name_read(cname->rdata, cname->rdata_len, &pos, NULL, 0, name, &len) < 0) {
			answer_fail(a, qname, qname_len, "bad CNAME in the zone");
			break;
		}
		struct lib_buf b = LIB_BUF_INIT;
		dns_name_to_text(name, len, &b);
		free(a->cname);
		a->cname = lib_buf_take(&b);
		if (!closed_world && !zone_covers(zone, name, len)) {
			memcpy(follow, name, len);
			*follow_len = len;
			return DNS_ZONE_FOLLOW;
		}
	}
	dns_answer_sort(a);
	return DNS_ZONE_ANSWERED;
}
