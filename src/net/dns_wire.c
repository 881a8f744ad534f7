/* dns_wire.c: domain names between presentation and wire form, and the
 * record data of each supported type turned into an answer's records.
 * Both backends share it: the zone keeps record data in wire form, and
 * libunbound hands it over in wire form. */
#include "dns_private.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int dns_read_escape(const char *text, size_t len, size_t i, unsigned char *octet,
		       size_t *used)
{
	if (i + 1 >= len)
		return -1;
	if (!is_digit(text[i + 1])) {
		*octet = (unsigned char)text[i + 1];
		*used = 2;
		return 0;
	}
	if (i + 3 >= len || !is_digit(text[i + 2]) || !is_digit(text[i + 3]))
		return -1;
	int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
	if (value > 255)
		return -1;
	*octet = (unsigned char)value;
	*used = 4;
	return 0;
}

/*
 * RFC 1035 5.1: a domain name is labels separated by dots; one that ends
 * in a dot is absolute, any other is relative to the current origin; "@"
 * is the origin.  "\X" stands for X and "\DDD" for the octet DDD, so a
 * label may hold a dot or any byte.  Labels are 1 to 63 octets, the whole
 * name at most 255 in wire form (RFC 1035 2.3.4).
 */
int dns_name_from_text(const char *text, size_t len, const unsigned char *origin,
		       size_t origin_len, unsigned char out[DNS_NAME_MAX], size_t *out_len,
		       const char **why)
{
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	if (len == 1 && text[0] == '@') {
		if (!origin) {
			*why = "@ used with no $ORIGIN";
			return -1;
		}
		memcpy(out, origin, origin_len);
		*out_len = origin_len;
		return 0;
	}
	if (len == 1 && text[0] == '.') {
		out[0] = 0;
		*out_len = 1;
		return 0;
	}
	size_t label_at = 0, label_len = 0, w = 1;
	int absolute = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)text[i];
		if (c == '.') {
			if (label_len == 0) {
				*why = "empty label in name";
				return -1;
			}
			out[label_at] = (unsigned char)label_len;
			if (++i == len) {
				absolute = 1;
				break;
			}
			if (w >= DNS_NAME_MAX - 1) {
				*why = "name longer than 255 octets";
				return -1;
			}
			label_at = w++;
			label_len = 0;
			continue;
		}
		size_t used = 1;
		if (c == '\\' && dns_read_escape(text, len, i, &c, &used) < 0) {
			*why = "bad escape in name (\\X or \\DDD with DDD <= 255)";
			return -1;
		}
		i += used;
		if (label_len == DNS_LABEL_MAX) {
			*why = "label longer than 63 octets";
			return -1;
		}
		if (w >= DNS_NAME_MAX - 1) {
			*why = "name longer than 255 octets";
			return -1;
		}
		out[w++] = c;
		label_len++;
	}
	if (!absolute) {
		out[label_at] = (unsigned char)label_len;
		if (!origin) {
			*why = "relative name with no $ORIGIN (end it with a dot)";
			return -1;
		}
		if (w + origin_len > DNS_NAME_MAX) {
			*why = "name longer than 255 octets";
			return -1;
		}
		memcpy(out + w, origin, origin_len);
		*out_len = w + origin_len;
		return 0;
	}
	out[w++] = 0;
	*out_len = w;
	return 0;
}

void dns_name_to_text(const unsigned char *wire, size_t len, struct lib_buf *out)
{
	if (len <= 1) {
		lib_buf_putc(out, '.');
		return;
	}
	if (len == 3 && wire[0] == 1 && wire[1] == '@') {
		lib_buf_puts(out, "\\@"); /* a bare "@" would read as the origin */
		return;
	}
	size_t p = 0;
	while (p < len && wire[p] != 0) {
		size_t n = wire[p++];
		if (p > 1)
			lib_buf_putc(out, '.');
		for (size_t i = 0; i < n && p < len; i++, p++) {
			unsigned char c = wire[p];
			if (c == '.' || c == '\\')
				lib_buf_printf(out, "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				lib_buf_printf(out, "\\%03u", c);
			else
				lib_buf_putc(out, (char)c);
		}
	}
}

/* RFC 1035 4.1.4: a label is a length octet 0..63 and its octets; two high
 * bits set make a pointer to an offset in the message. */
int dns_name_read(const unsigned char *buf, size_t len, size_t *pos,
		  const unsigned char *pkt, size_t pkt_len,
		  unsigned char out[DNS_NAME_MAX], size_t *out_len)
{
	const unsigned char *src = buf;
	size_t src_len = len, p = *pos, w = 0, end = 0;
	unsigned jumps = 0;
	for (;;) {
		if (p >= src_len)
			return -1;
		unsigned c = src[p];
		if ((c & 0xC0) == 0xC0) {
			if (!pkt || p + 1 >= src_len || ++jumps > 64)
				return -1;
			if (jumps == 1)
				end = p + 2;
			p = ((size_t)(c & 0x3F) << 8) | src[p + 1];
			src = pkt;
			src_len = pkt_len;
			continue;
		}
		if (c > DNS_LABEL_MAX || p + 1 + c > src_len || w + 1 + c > DNS_NAME_MAX)
			return -1;
		memcpy(out + w, src + p, 1 + c);
		w += 1 + c;
		p += 1 + c;
		if (c == 0)
			break;
	}
	*pos = jumps ? end : p;
	*out_len = w;
	return 0;
}

int dns_name_equal(const unsigned char *a, size_t a_len, const unsigned char *b, size_t b_len)
{
	if (a_len != b_len)
		return 0;
	/* Length octets are <= 63, below 'A', so lowering them is harmless. */
	for (size_t i = 0; i < a_len; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return 0;
	return 1;
}

uint32_t dns_name_hash(const unsigned char *wire, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= ascii_lower(wire[i]);
		h *= 16777619u;
	}
	return h;
}

void dns_quote_for_error(const char *s, size_t len, size_t limit, struct lib_buf *out)
{
	size_t n = len < limit ? len : limit;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f)
			lib_buf_printf(out, "\\%03u", c);
		else
			lib_buf_putc(out, (char)c);
	}
	if (n < len)
		lib_buf_puts(out, "...");
}

/* --- record data ------------------------------------------------------- */

static int rdata_name(const unsigned char *rdata, size_t len, size_t *pos,
		      const unsigned char *pkt, size_t pkt_len, struct lib_buf *text)
{
	unsigned char name[DNS_NAME_MAX];
	size_t name_len;
	if (dns_name_read(rdata, len, pos, pkt, pkt_len, name, &name_len) < 0)
		return -1;
	dns_name_to_text(name, name_len, text);
	return 0;
}

/* TXT (RFC 1035 3.3.14): one or more <character-string>s, each a length
 * octet and that many octets; joined with nothing between (RFC 7208 3.3). */
static int rdata_strings(const unsigned char *rdata, size_t len, struct lib_buf *text,
			 unsigned *strings)
{
	if (len == 0)
		return -1;
	size_t p = 0;
	*strings = 0;
	while (p < len) {
		size_t n = rdata[p++];
		if (p + n > len)
			return -1;
		lib_buf_append(text, rdata + p, n);
		p += n;
		(*strings)++;
	}
	return 0;
}

static int rdata_address(int family, const unsigned char *rdata, size_t len,
			 struct net_dns_record *rec, struct lib_buf *text)
{
	size_t want = family == AF_INET ? 4 : 16;
	char buf[INET6_ADDRSTRLEN];
	if (len != want || !inet_ntop(family, rdata, buf, sizeof buf))
		return -1;
	memcpy(rec->addr, rdata, want);
	rec->addr_len = want;
	lib_buf_puts(text, buf);
	return 0;
}

static int rdata_to_record(unsigned type, const unsigned char *rdata, size_t len,
			   const unsigned char *pkt, size_t pkt_len,
			   struct net_dns_record *rec, struct lib_buf *text)
{
	size_t pos = 0;
	switch (type) {
	case NET_DNS_A:
		return rdata_address(AF_INET, rdata, len, rec, text);
	case NET_DNS_AAAA:
		return rdata_address(AF_INET6, rdata, len, rec, text);
	case NET_DNS_MX:
		if (len < 3)
			return -1;
		rec->preference = (unsigned)rdata[0] << 8 | rdata[1];
		pos = 2;
		if (rdata_name(rdata, len, &pos, pkt, pkt_len, text) < 0)
			return -1;
		return pos == len ? 0 : -1;
	case NET_DNS_PTR:
	case NET_DNS_CNAME:
	case DNS_TYPE_NS:
		if (rdata_name(rdata, len, &pos, pkt, pkt_len, text) < 0)
			return -1;
		return pos == len ? 0 : -1;
	case NET_DNS_TXT:
	case DNS_TYPE_SPF:
		return rdata_strings(rdata, len, text, &rec->strings);
	default:
		return -1;
	}
}

int dns_record_from_rdata(unsigned type, const unsigned char *rdata, size_t len,
			  const unsigned char *pkt, size_t pkt_len, uint32_t ttl,
			  struct net_dns_record *rec)
{
	struct net_dns_record r;
	memset(&r, 0, sizeof r);
	struct lib_buf text = LIB_BUF_INIT;
	if (rdata_to_record(type, rdata, len, pkt, pkt_len, &r, &text) < 0) {
		lib_buf_release(&text);
		return -1;
	}
	r.text_len = text.len;
	r.text = lib_buf_take(&text);
	r.ttl = ttl;
	*rec = r;
	return 0;
}

const char *dns_type_name(unsigned type)
{
	switch (type) {
	case DNS_TYPE_NS: return "NS";
	case DNS_TYPE_SOA: return "SOA";
	case DNS_TYPE_SPF: return "SPF";
	case DNS_TYPE_TEMPFAIL: return "TEMPFAIL";
	default: return net_dns_type_str((enum net_dns_type)type);
	}
}

/* --- answers ----------------------------------------------------------- */

struct net_dns_answer *dns_answer_new(const char *qname, enum net_dns_type qtype,
				      enum net_dns_rcode rcode)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(qname);
	a->qtype = qtype;
	a->rcode = rcode;
	return a;
}

void dns_answer_add(struct net_dns_answer *answer, const struct net_dns_record *rec)
{
	/* Grows at each power of two: amortized constant time. */
	size_t n = answer->count;
	if ((n & (n - 1)) == 0)
		answer->records = lib_xrealloc(answer->records,
					       (n ? 2 * n : 1) * sizeof *answer->records);
	answer->records[n] = *rec;
	answer->count = n + 1;
}

void dns_answer_sort(struct net_dns_answer *answer)
{
	if (answer->qtype != NET_DNS_MX)
		return;
	/* Insertion sort: stable, so equal preferences keep the order they
	 * came in, and answers hold a few records. */
	for (size_t i = 1; i < answer->count; i++) {
		struct net_dns_record r = answer->records[i];
		size_t j = i;
		while (j > 0 && answer->records[j - 1].preference > r.preference) {
			answer->records[j] = answer->records[j - 1];
			j--;
		}
		answer->records[j] = r;
	}
}

void net_dns_answer_free(struct net_dns_answer *answer)
{
	if (!answer)
		return;
	for (size_t i = 0; i < answer->count; i++)
		free(answer->records[i].text);
	free(answer->records);
	free(answer->qname);
	free(answer->cname);
	free(answer->why);
	free(answer);
}
