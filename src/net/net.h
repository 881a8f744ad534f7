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

/* --- Lines ------------------------------------------------------------ */

/* What net_line_scan found. */
enum net_line_scan {
	NET_LINE_FOUND,    /* a whole line */
	NET_LINE_MORE,     /* no line end yet: read more */
	NET_LINE_TOO_LONG, /* more than max_line bytes before any line end */
};

/* Looks for the first line in buf[0..len): bytes up to LF, with a CR
 * before the LF taken as part of the ending (CRLF, and bare LF, which mail
 * peers send despite the RFCs).  FOUND: *line_len is the length without
 * the ending and *consumed with it.  A pure function: the blocking client
 * below and frankd's event-driven sessions both split lines with it, and
 * a fuzzer drives it. */
enum net_line_scan net_line_scan(const char *buf, size_t len, size_t max_line,
				 size_t *line_len, size_t *consumed);

/* --- TLS ---------------------------------------------------------------- */

#define NET_SHA256_LEN 32
/* "AB:CD:...", 32 pairs: 95 characters and the NUL. */
#define NET_FINGERPRINT_TEXT 96

/* How a client decides to trust a server.  With a pin, the server's
 * certificate must have exactly that SHA-256 fingerprint and nothing else
 * is checked (a pinned self-signed certificate is the point); without one,
 * the chain must lead to a trusted root (ca_file, else the system store),
 * be within its dates, and name the host. */
struct net_tls_policy {
	const char *ca_file;              /* PEM bundle, or NULL for the system's */
	const unsigned char *pin_sha256;  /* NET_SHA256_LEN bytes, or NULL */
};

/* A client context: TLS 1.2 or newer, the policy's trust store.  Free with
 * SSL_CTX_free().  frankd's event-driven relay client uses it too. */
SSL_CTX *net_tls_client_ctx_new(const struct net_tls_policy *policy, struct lib_err *err);

/* Prepares ssl (from such a context) for host: SNI and the name to check. */
int net_tls_client_prepare(SSL *ssl, const char *host, struct lib_err *err);

/* After the handshake, before a byte of data: applies the policy.  Returns
 * NET_OK or the NET_ERR_CERT_* that says why not; the message names the
 * certificate (fingerprint, subject, expiry) so the user can pin it. */
int net_tls_check_peer(SSL *ssl, const struct net_tls_policy *policy, const char *host,
		       struct lib_err *err);

/* SHA-256 of the DER form of cert, and its text form "AB:CD:...". */
void net_tls_cert_sha256(X509 *cert, unsigned char out[NET_SHA256_LEN]);
void net_tls_fingerprint_text(const unsigned char sha256[NET_SHA256_LEN],
			      char out[NET_FINGERPRINT_TEXT]);
/* The fingerprint of the first certificate in a PEM file. */
int net_tls_cert_file_sha256(const char *path, unsigned char out[NET_SHA256_LEN],
			     struct lib_err *err);

/* A server context (TLS 1.2 or newer) from a PEM certificate chain and its
 * private key.  Free with SSL_CTX_free(). */
SSL_CTX *net_tls_server_ctx_new(const char *cert_file, const char *key_file,
				struct lib_err *err);

/* Makes a self-signed certificate for hostname (EC P-256, 10 years, the
 * name as subjectAltName) when neither file exists: the key with mode
 * 0600, each file written to a temporary name, fsynced and linked into
 * place so that a crash leaves no half file and nothing is overwritten.
 * Returns 1 when it made them, 0 when both exist, -1 on error (one exists
 * without the other, or a write failed). */
int net_tls_selfsigned_ensure(const char *cert_file, const char *key_file,
			      const char *hostname, struct lib_err *err);

/* --- Listening (frankd) ---------------------------------------------- */

/* A non-blocking listening TCP socket on addr ("127.0.0.1", "::1", "*"
 * for every address) and port, with SO_REUSEADDR.  Returns the fd or -1. */
int net_listen(const char *addr, const char *port, struct lib_err *err);

/* --- Client connections (blocking, with timeouts) --------------------- */

/* frank's sync and send run in worker processes, so a blocking connection
 * with poll() timeouts is the simple right thing.  The process must ignore
 * SIGPIPE (frank's main does): a peer that closes is an error, not a
 * signal. */
struct net_conn;

struct net_conn_opts {
	int connect_timeout_ms; /* per address; 0: 30 s */
	int io_timeout_ms;      /* per read or write; 0: 60 s */
	size_t max_line;        /* longest line read_line accepts; 0: 64 KiB */
	const char *trace_name; /* tag in the debug log, e.g. "imap work" */
};

/* Connects to host:port, trying each address in turn (IPv6 and IPv4).
 * Returns NET_OK and *out, or NET_ERR_DNS / _REFUSED / _TIMEOUT / _IO. */
int net_conn_connect(struct net_conn **out, const char *host, const char *port,
		     const struct net_conn_opts *opts, struct lib_err *err);

/* TLS on the open connection: right after connect for implicit TLS (993,
 * 995, 465), or after the protocol's STARTTLS exchange.  Checks the peer
 * with the policy before returning; on failure the connection is unusable. */
int net_conn_start_tls(struct net_conn *conn, const char *host,
		       const struct net_tls_policy *policy, struct lib_err *err);

/* Opportunistic TLS (RFC 7435; RFC 3207 for an MTA relaying to MX hosts):
 * the same handshake, but the certificate is not judged, since encryption
 * without authentication beats none.  The connection then counts as
 * without TLS for net_conn_write_secret: no credential goes over it. */
int net_conn_start_tls_opportunistic(struct net_conn *conn, const char *host,
				     struct lib_err *err);

/* Reads one line into line (reset first; without its CRLF/LF; NUL-
 * terminated, but may hold NUL bytes: see line->len).  NET_ERR_LINE_TOO_LONG
 * leaves the connection unusable: close it. */
int net_conn_read_line(struct net_conn *conn, struct lib_buf *line, struct lib_err *err);

/* Appends exactly n bytes to out (IMAP literals, counted data). */
int net_conn_read_exact(struct net_conn *conn, size_t n, struct lib_buf *out,
			struct lib_err *err);

/* Writes all of data, traced line by line as "C: ...". */
int net_conn_write(struct net_conn *conn, const void *data, size_t len, struct lib_err *err);
int net_conn_printf(struct net_conn *conn, struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a credential (AUTH payload, PASS line, LOGIN command): refused
 * with NET_ERR_USAGE on a connection without TLS, unless
 * allow_plaintext_loopback is set and the peer is a loopback address.
 * Traced as "<secret, N bytes>", never the bytes.  Protocol clients send
 * every credential through here, so a STARTTLS downgrade cannot leak one. */
int net_conn_write_secret(struct net_conn *conn, const void *data, size_t len,
			  int allow_plaintext_loopback, struct lib_err *err);

int net_conn_is_tls(const struct net_conn *conn);
int net_conn_peer_is_loopback(const struct net_conn *conn);
/* The peer's address as text ("127.0.0.1", "::1"); owned by conn. */
const char *net_conn_peer(const struct net_conn *conn);

/* Closes (with a TLS close_notify when possible) and frees.  NULL is fine. */
void net_conn_free(struct net_conn *conn);

/* ===================================================================== */
/* DNS                                                                   */
/* ===================================================================== */

/* Record types, by their RFC 1035 (and RFC 3596) numbers: the types a
 * query may ask for. */
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

/* "ANSWER", "NXDOMAIN"...; "A", "MX"...; static strings, "?" if unknown. */
const char *net_dns_rcode_str(enum net_dns_rcode rcode);
/* The same in words for reasons shown to users: "NXDOMAIN", "no data",
 * "temporary failure". */
const char *net_dns_rcode_words(enum net_dns_rcode rcode);
const char *net_dns_type_str(enum net_dns_type type);

/* Parses a type mnemonic ("mx" or "MX"): 0, or -1 if it is not one of the
 * types above. */
int net_dns_type_parse(const char *text, enum net_dns_type *type);

/* One record of an answer, in presentation form:
 *   A, AAAA   text is the address ("192.0.2.1", "2001:db8::1"), and
 *             addr/addr_len hold it in network byte order (4 or 16 bytes);
 *   MX        text is the exchange without the final dot, preference set;
 *   TXT       text is the character-strings of the record joined with no
 *             separator (RFC 7208 3.3), text_len counts bytes (may hold NUL);
 *             strings counts the character-strings joined;
 *   PTR, CNAME  text is the target name without the final dot.
 * Names are in RFC 1035 presentation form: a "." or "\" inside a label is
 * written "\." or "\\", and bytes outside 0x21-0x7E as "\DDD".  text is
 * always NUL-terminated. */
struct net_dns_record {
	char *text;
	size_t text_len;
	unsigned char addr[16];
	size_t addr_len;
	unsigned preference;
	unsigned strings;
	uint32_t ttl;
};

/* An answer, owned by whoever receives it: net_dns_answer_free(). */
struct net_dns_answer {
	char *qname;                 /* the name asked, without the final dot */
	enum net_dns_type qtype;
	enum net_dns_rcode rcode;
	struct net_dns_record *records; /* MX: sorted by preference */
	size_t count;
	char *cname;                 /* a CNAME chain was followed: the name
	                                the records belong to, else NULL */
	int secure;                  /* DNSSEC-validated (libunbound), else 0 */
	int bogus;                   /* DNSSEC validation failed */
	int from_zone;               /* answered by the zones (offline: all) */
	char *why;                   /* TEMPFAIL or bogus: the reason, else NULL */
};

void net_dns_answer_free(struct net_dns_answer *answer);

/* --- The resolver ------------------------------------------------------
 *
 * One struct net_dns answers every query of a process, from its zones
 * (RFC 1035 master files, loaded below) and from the network (libunbound,
 * with its own TTL-honouring cache).  A zone's answers win: a name at or
 * below an apex of a loaded zone (an SOA owner, an $ORIGIN, see the zone
 * syntax in dns_zone.c) is answered from the zones alone.  Offline (the
 * default), the zones are the whole DNS: every other name is NXDOMAIN, as
 * in a closed world, so SPF and DMARC give "none" rather than "temperror".
 *
 * Answers are asynchronous: net_dns_submit() queues a query, and
 * net_dns_process() calls the callbacks of the finished ones, when one of
 * net_dns_fds() is readable or net_dns_timeout_ms() has passed.  Callbacks
 * run only inside net_dns_process() (or net_dns_wait / net_dns_lookup,
 * which call it), never inside net_dns_submit(); they may submit queries.
 * The struct is not thread-safe: use it from one thread. */
struct net_dns;

#define NET_DNS_ROOT_KEY "/usr/share/dns/root.key" /* Debian dns-root-data */
#define NET_DNS_TIMEOUT_MS 5000
#define NET_DNS_ZONE_MAX_BYTES (64u * 1024 * 1024)

struct net_dns_opts {
	int network;            /* 0: offline, the zones only */
	const char *forwarder;  /* network: ask only "ADDR[@PORT]" (tests);
	                           NULL: /etc/resolv.conf and /etc/hosts */
	const char *trust_anchor_file; /* network: DNSSEC root key file
	                           (NET_DNS_ROOT_KEY); NULL: no validation */
	int timeout_ms;         /* per network query; <= 0: NET_DNS_TIMEOUT_MS */
};

/* opts may be NULL (offline).  Returns NULL with err set on failure. */
struct net_dns *net_dns_new(const struct net_dns_opts *opts, struct lib_err *err);
/* Cancels what is pending without calling its callbacks. */
void net_dns_free(struct net_dns *dns);

/* Adds a zone file (at most NET_DNS_ZONE_MAX_BYTES), or zone text from
 * memory: source names it in errors ("file:line: message"), origin (NULL
 * for none) is the $ORIGIN it starts with.  All or nothing: on error no
 * record of it is added.  Records for the same name in several zones
 * merge.  Zone text of one line adds one record, e.g.
 * "example.com. 300 TXT \"v=spf1 -all\"". */
int net_dns_load_zone_file(struct net_dns *dns, const char *path, struct lib_err *err);
int net_dns_load_zone_text(struct net_dns *dns, const char *source, const char *text,
			   size_t len, const char *origin, struct lib_err *err);

/* Receives a finished query's answer, which it owns (never NULL). */
typedef void (*net_dns_callback)(struct net_dns_answer *answer, void *arg);

/* Queues a query for name (absolute, trailing dot optional, RFC 1035
 * escapes allowed).  Returns 0, or -1 with err set for a name that is not
 * a valid domain name or a type not in enum net_dns_type (cb is then never
 * called).  Every accepted query gets exactly one callback: network
 * trouble arrives as a TEMPFAIL answer, at the latest timeout_ms later. */
int net_dns_submit(struct net_dns *dns, const char *name, enum net_dns_type type,
		   net_dns_callback cb, void *arg, struct lib_err *err);

/* The descriptors to watch for reading (poll, libevent): fills fds and
 * returns how many (1 offline, 2 with the network).  They stay the same
 * for the life of dns; do not read them. */
size_t net_dns_fds(const struct net_dns *dns, int fds[2]);

/* Milliseconds until net_dns_process() has work without a readable fd (a
 * query's deadline, or answers ready now: 0); -1 if nothing is pending. */
int net_dns_timeout_ms(const struct net_dns *dns);

/* Delivers the finished answers to their callbacks; never blocks.
 * Returns how many, or -1 with err set if libunbound failed. */
int net_dns_process(struct net_dns *dns, struct lib_err *err);

/* Queries submitted whose callback has not run yet. */
size_t net_dns_pending(const struct net_dns *dns);

/* Runs net_dns_process() until nothing is pending: 0, or -1 with err set
 * if timeout_ms (< 0: no limit but the queries' own) passed first. */
int net_dns_wait(struct net_dns *dns, int timeout_ms, struct lib_err *err);

/* Synchronous: submits and waits for this one answer (other callbacks may
 * run meanwhile).  Returns the answer (caller frees), or NULL with err set
 * when net_dns_submit() refused the query or libunbound failed. */
struct net_dns_answer *net_dns_lookup(struct net_dns *dns, const char *name,
				      enum net_dns_type type, struct lib_err *err);

#endif
