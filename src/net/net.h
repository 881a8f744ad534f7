/* net.h: the face of src/net: connections (TCP, TLS with OpenSSL 3,
 * STARTTLS, bounded line I/O) for clients and for frankd, and DNS (one
 * resolver interface over libunbound and an offline zone file).
 *
 * Ownership: every _new has its _free, and _free accepts NULL.  Functions
 * that can fail return a negative status (or NULL) and fill a caller-owned
 * struct lib_err with one line naming the step that failed. */
#ifndef FRANK_NET_H
#define FRANK_NET_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "lib.h"

/* ===================================================================== */
/* Connections                                                           */
/* ===================================================================== */

/* The step a connection failed at, so callers (retry logic, the UI) can
 * tell a wrong password from a network outage.  net_status_str() names it. */
enum net_status {
	NET_OK = 0,
	NET_ERR_DNS = -1,           /* the host name did not resolve */
	NET_ERR_REFUSED = -2,       /* connection refused / unreachable */
	NET_ERR_TIMEOUT = -3,       /* connect, read or write timed out */
	NET_ERR_TLS_HANDSHAKE = -4, /* TLS handshake failed (protocol, cipher...) */
	NET_ERR_CERT_UNTRUSTED = -5,/* chain does not lead to a trusted root */
	NET_ERR_CERT_EXPIRED = -6,  /* expired or not yet valid */
	NET_ERR_CERT_HOST = -7,     /* certificate is not for this host name */
	NET_ERR_CERT_PIN = -8,      /* pinned SHA-256 fingerprint does not match */
	NET_ERR_CLOSED = -9,        /* the peer closed the connection */
	NET_ERR_LINE_TOO_LONG = -10,/* a line exceeded the limit; conn is unusable */
	NET_ERR_IO = -11,           /* any other system error */
	NET_ERR_USAGE = -12,        /* bad arguments (a bug in the caller) */
};

const char *net_status_str(enum net_status status);

/* ===================================================================== */
/* DNS                                                                   */
/* ===================================================================== */

/* Record types, by their RFC 1035 numbers. */
enum net_dns_type {
	NET_DNS_A = 1,
	NET_DNS_CNAME = 5,
	NET_DNS_PTR = 12,
	NET_DNS_MX = 15,
	NET_DNS_TXT = 16,
	NET_DNS_AAAA = 28,
};

/* What a query found.  SPF and DMARC treat these differently (RFC 7208
 * 2.6, 4.3, 5; RFC 9989), so they are never folded together. */
enum net_dns_rcode {
	NET_DNS_ANSWER = 0,   /* records of the asked type: count >= 1 */
	NET_DNS_NXDOMAIN = 1, /* the name does not exist */
	NET_DNS_NODATA = 2,   /* the name exists, no records of this type */
	NET_DNS_TEMPFAIL = 3, /* SERVFAIL, timeout, no network: try later */
};

const char *net_dns_rcode_str(enum net_dns_rcode rcode);
const char *net_dns_type_str(enum net_dns_type type);

/* One record of an answer, in presentation form:
 *   A, AAAA   text is the address ("192.0.2.1", "2001:db8::1"), and
 *             addr/addr_len hold it in network byte order (4 or 16 bytes);
 *   MX        text is the exchange without the final dot, preference set;
 *   TXT       text is the character-strings of the record joined with no
 *             separator (RFC 7208 3.3), text_len counts bytes (may hold NUL);
 *   PTR, CNAME  text is the target name without the final dot. */
struct net_dns_record {
	char *text;
	size_t text_len;
	unsigned char addr[16];
	size_t addr_len;
	unsigned preference;
	uint32_t ttl;
};

/* An answer, owned by whoever receives it: net_dns_answer_free(). */
struct net_dns_answer {
	char *qname;                 /* the name asked, without the final dot */
	enum net_dns_type qtype;
	enum net_dns_rcode rcode;
	struct net_dns_record *records; /* MX: sorted by preference */
	size_t count;
	int secure;                  /* DNSSEC-validated (libunbound), else 0 */
	int bogus;                   /* DNSSEC validation failed */
	int from_zone;               /* answered by the zone file */
	char *why;                   /* TEMPFAIL or bogus: the reason, else NULL */
};

void net_dns_answer_free(struct net_dns_answer *answer);

/* (resolver declarations: net_dns_new, async submit/process, the zone
 * file loader, a synchronous lookup) */

#endif
