/* conn.c: blocking client connections with per-operation timeouts, TLS
 * (implicit or STARTTLS), bounded line reads and a protocol trace. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONN_DEFAULT_CONNECT_MS 30000
#define CONN_DEFAULT_IO_MS 60000
#define CONN_DEFAULT_MAX_LINE (64 * 1024)
#define CONN_READ_CHUNK 16384
#define TRACE_MAX 300 /* bytes of a line shown in the trace */

struct net_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	int io_timeout_ms;
	size_t max_line;
	char *trace_name;
	char *host;
	char peer[INET6_ADDRSTRLEN];
	int loopback;
	int broken;  /* a failed read or write left the stream unusable */
	int unverified; /* opportunistic TLS: encrypted, the peer not checked */
	char *rbuf;  /* bytes read, not yet handed out: rbuf[rstart..rend) */
	size_t rstart, rend, rcap;
};

/* --- time ------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline (ms, CLOCK_MONOTONIC). */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return NET_ERR_TIMEOUT;
		struct pollfd p = { fd, events, 0 };
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return NET_OK;
		if (n < 0 && errno != EINTR)
			return NET_ERR_IO;
	}
}

/* --- trace ------------------------------------------------------------ */

/* One traced line, control bytes escaped, long lines cut. */
static void trace_line(const struct net_conn *c, const char *dir, const char *s, size_t len)
{
	struct lib_buf b = LIB_BUF_INIT;
	size_t shown = len < TRACE_MAX ? len : TRACE_MAX;
	for (size_t i = 0; i < shown; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch >= 0x7F)
			lib_buf_printf(&b, "\\x%02X", ch);
		else
			lib_buf_putc(&b, (char)ch);
	}
	if (shown < len)
		lib_buf_printf(&b, "... (%zu bytes)", len);
	lib_debug("%s %s %s", c->trace_name, dir, b.data ? b.data : "");
	lib_buf_release(&b);
}

static void trace_lines(const struct net_conn *c, const char *dir, const char *s, size_t len)
{
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;
		size_t shown = n && s[n - 1] == '\r' ? n - 1 : n;
		trace_line(c, dir, s, shown);
		n += nl != NULL;
		s += n;
		len -= n;
	}
}

/* --- raw I/O over the socket or TLS ------------------------------------ */

static int io_fail(struct net_conn *c, int status, struct lib_err *err, const char *what)
{
	c->broken = 1;
	switch (status) {
	case NET_ERR_TIMEOUT:
		lib_err_set(err, "%s: timed out %s after %d s", c->host, what,
			    c->io_timeout_ms / 1000);
		return status;
	case NET_ERR_CLOSED:
		lib_err_set(err, "%s: the server closed the connection", c->host);
		return status;
	default:
		lib_err_set(err, "%s: %s: %s", c->host, what, strerror(errno ? errno : EIO));
		return NET_ERR_IO;
	}
}

/* After an SSL call failed with code: wait as asked, or say what ended. */
static int ssl_wait(struct net_conn *c, int ret, long long deadline)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ: return wait_fd(c->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE: return wait_fd(c->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN: return NET_ERR_CLOSED;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		return errno == 0 || errno == ECONNRESET || errno == EPIPE ? NET_ERR_CLOSED
									   : NET_ERR_IO;
	default: {
		/* A peer that closes without close_notify: mail protocols frame
		 * their own ends (tagged replies, "."), so this is a close, not
		 * a truncation attack to report as a protocol error. */
		unsigned long e = ERR_peek_last_error();
		ERR_clear_error();
		if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			return NET_ERR_CLOSED;
		errno = EPROTO;
		return NET_ERR_IO;
	}
	}
}

/* Reads at least one byte into buf (at most size). */
static int raw_read(struct net_conn *c, char *buf, size_t size, size_t *got, long long deadline)
{
	for (;;) {
		errno = 0;
		if (c->ssl) {
			int ret = SSL_read_ex(c->ssl, buf, size, got);
			if (ret == 1)
				return NET_OK;
			int st = ssl_wait(c, ret, deadline);
			if (st != NET_OK)
				return st;
			continue;
		}
		ssize_t n = recv(c->fd, buf, size, 0);
		if (n > 0) {
			*got = (size_t)n;
			return NET_OK;
		}
		if (n == 0)
			return NET_ERR_CLOSED;
		if (errno == ECONNRESET)
			return NET_ERR_CLOSED;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return NET_ERR_IO;
		int st = wait_fd(c->fd, POLLIN, deadline);
		if (st != NET_OK)
			return st;
	}
}

static int raw_write(struct net_conn *c, const char *data, size_t len, long long deadline)
{
	while (len) {
		errno = 0;
		size_t done = 0;
		if (c->ssl) {
			int ret = SSL_write_ex(c->ssl, data, len, &done);
			if (ret != 1) {
				int st = ssl_wait(c, ret, deadline);
				if (st != NET_OK)
					return st;
				continue;
			}
		} else {
			ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EPIPE || errno == ECONNRESET)
					return NET_ERR_CLOSED;
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
					return NET_ERR_IO;
				int st = wait_fd(c->fd, POLLOUT, deadline);
				if (st != NET_OK)
					return st;
				continue;
			}
			done = (size_t)n;
		}
		data += done;
		len -= done;
	}
	return NET_OK;
}

/* --- connecting ---------------------------------------------------------- */

static int address_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return 0;
}

/* One address: a non-blocking connect, waited for until the timeout. */
static int connect_one(const struct addrinfo *ai, int timeout_ms, int *fd_out)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	if (fd < 0)
		return NET_ERR_IO;
	int st = NET_OK;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			st = NET_ERR_REFUSED;
		else if ((st = wait_fd(fd, POLLOUT, now_ms() + timeout_ms)) == NET_OK) {
			int soerr = 0;
			socklen_t len = sizeof soerr;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr) {
				errno = soerr;
				st = NET_ERR_REFUSED;
			}
		}
	}
	if (st != NET_OK) {
		int e = errno;
		close(fd);
		errno = e;
		return st;
	}
	*fd_out = fd;
	return NET_OK;
}

static struct net_conn *conn_new(int fd, const struct addrinfo *ai, const char *host,
				 const struct net_conn_opts *opts)
{
	struct net_conn *c = lib_xcalloc(1, sizeof *c);
	c->fd = fd;
	c->io_timeout_ms = opts && opts->io_timeout_ms > 0 ? opts->io_timeout_ms : CONN_DEFAULT_IO_MS;
	c->max_line = opts && opts->max_line ? opts->max_line : CONN_DEFAULT_MAX_LINE;
	c->trace_name = lib_xstrdup(opts && opts->trace_name ? opts->trace_name : host);
	c->host = lib_xstrdup(host);
	c->rcap = c->max_line + 2 > CONN_READ_CHUNK ? c->max_line + 2 : CONN_READ_CHUNK;
	c->rbuf = lib_xmalloc(c->rcap);
	getnameinfo(ai->ai_addr, ai->ai_addrlen, c->peer, sizeof c->peer, NULL, 0, NI_NUMERICHOST);
	c->loopback = address_is_loopback(ai->ai_addr);
	return c;
}

int net_conn_connect(struct net_conn **out, const char *host, const char *port,
		     const struct net_conn_opts *opts, struct lib_err *err)
{
	*out = NULL;
	struct addrinfo hints = { 0 }, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		lib_err_set(err, "DNS: cannot find the address of %s: %s", host, gai_strerror(rc));
		return NET_ERR_DNS;
	}
	int timeout = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
							   : CONN_DEFAULT_CONNECT_MS;
	int st = NET_ERR_REFUSED, fd = -1, e = 0;
	const struct addrinfo *ai;
	for (ai = res; ai; ai = ai->ai_next) {
		int one = connect_one(ai, timeout, &fd);
		if (one == NET_OK) {
			st = NET_OK;
			break;
		}
		/* A timeout is worth reporting over a refusal from another address. */
		if (st != NET_ERR_TIMEOUT) {
			st = one;
			e = errno;
		}
	}
	if (st == NET_OK) {
		*out = conn_new(fd, ai, host, opts);
		lib_debug("%s connected to %s port %s (%s)", (*out)->trace_name, host, port, (*out)->peer);
	} else if (st == NET_ERR_TIMEOUT) {
		lib_err_set(err, "connect to %s port %s: timed out after %d s", host, port,
			    timeout / 1000);
	} else {
		lib_err_set(err, "connect to %s port %s: %s", host, port,
			    strerror(e ? e : ECONNREFUSED));
		st = st == NET_ERR_IO ? NET_ERR_IO : NET_ERR_REFUSED;
	}
	freeaddrinfo(res);
	return st;
}

/* --- TLS ----------------------------------------------------------------- */

static int handshake(struct net_conn *c, struct lib_err *err)
{
	long long deadline = now_ms() + c->io_timeout_ms;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int ret = SSL_connect(c->ssl);
		if (ret == 1)
			return NET_OK;
		int code = SSL_get_error(c->ssl, ret);
		if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(c->fd, code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline) != NET_OK) {
				lib_err_set(err, "%s: TLS handshake timed out after %d s", c->host,
					    c->io_timeout_ms / 1000);
				return NET_ERR_TIMEOUT;
			}
			continue;
		}
		char why[256] = "the server closed the connection";
		unsigned long e = ERR_get_error();
		if (e)
			ERR_error_string_n(e, why, sizeof why);
		ERR_clear_error();
		lib_err_set(err, "%s: TLS handshake failed: %s", c->host, why);
		return NET_ERR_TLS_HANDSHAKE;
	}
}

/* The handshake, then the policy's check of the peer unless policy is
 * NULL (opportunistic). */
static int start_tls(struct net_conn *conn, const char *host, const struct net_tls_policy *policy,
		     struct lib_err *err)
{
	if (conn->ssl || conn->broken) {
		lib_err_set(err, "%s: TLS cannot start on this connection", conn->host);
		return NET_ERR_USAGE;
	}
	/* Bytes that came before the handshake would be taken as if they had
	 * come over TLS: a STARTTLS command injection (CVE-2011-0411). */
	if (conn->rend > conn->rstart) {
		conn->broken = 1;
		lib_err_set(err, "%s: the server sent data before TLS started: refused", conn->host);
		return NET_ERR_TLS_HANDSHAKE;
	}
	conn->ctx = net_tls_client_ctx_new(policy, err);
	if (!conn->ctx)
		return NET_ERR_TLS_HANDSHAKE;
	conn->ssl = SSL_new(conn->ctx);
	if (!conn->ssl || SSL_set_fd(conn->ssl, conn->fd) != 1) {
		lib_err_set(err, "%s: TLS: out of memory", conn->host);
		return NET_ERR_IO;
	}
	if (net_tls_client_prepare(conn->ssl, host, err) < 0)
		return NET_ERR_USAGE;
	int st = handshake(conn, err);
	if (st == NET_OK && policy)
		st = net_tls_check_peer(conn->ssl, policy, host, err);
	if (st != NET_OK) {
		conn->broken = 1;
		return st;
	}
	lib_debug("%s TLS %s, %s%s", conn->trace_name, SSL_get_version(conn->ssl),
		  SSL_get_cipher_name(conn->ssl), policy ? "" : " (opportunistic, not verified)");
	return NET_OK;
}

int net_conn_start_tls(struct net_conn *conn, const char *host,
		       const struct net_tls_policy *policy, struct lib_err *err)
{
	static const struct net_tls_policy system_roots = { NULL, NULL };
	return start_tls(conn, host, policy ? policy : &system_roots, err);
}

int net_conn_start_tls_opportunistic(struct net_conn *conn, const char *host,
				     struct lib_err *err)
{
	conn->unverified = 1;
	return start_tls(conn, host, NULL, err);
}

/* --- reading --------------------------------------------------------------- */

/* Reads more into rbuf, moving what is left to the front first. */
static int fill(struct net_conn *c, long long deadline)
{
	if (c->rstart > 0) {
		memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
		c->rend -= c->rstart;
		c->rstart = 0;
	}
	size_t got = 0;
	int st = raw_read(c, c->rbuf + c->rend, c->rcap - c->rend, &got, deadline);
	if (st == NET_OK)
		c->rend += got;
	return st;
}

int net_conn_read_line(struct net_conn *conn, struct lib_buf *line, struct lib_err *err)
{
	lib_buf_reset(line);
	if (conn->broken) {
		lib_err_set(err, "%s: the connection is closed", conn->host);
		return NET_ERR_CLOSED;
	}
	long long deadline = now_ms() + conn->io_timeout_ms;
	for (;;) {
		size_t len = 0, used = 0;
		enum net_line_scan r = net_line_scan(conn->rbuf + conn->rstart,
						     conn->rend - conn->rstart, conn->max_line,
						     &len, &used);
		if (r == NET_LINE_FOUND) {
			lib_buf_append(line, conn->rbuf + conn->rstart, len);
			conn->rstart += used;
			trace_line(conn, "S:", line->data, line->len);
			return NET_OK;
		}
		if (r == NET_LINE_TOO_LONG) {
			conn->broken = 1;
			lib_err_set(err, "%s: the server sent a line longer than %zu bytes",
				    conn->host, conn->max_line);
			return NET_ERR_LINE_TOO_LONG;
		}
		int st = fill(conn, deadline);
		if (st != NET_OK)
			return io_fail(conn, st, err, "reading");
	}
}

int net_conn_read_exact(struct net_conn *conn, size_t n, struct lib_buf *out,
			struct lib_err *err)
{
	if (conn->broken) {
		lib_err_set(err, "%s: the connection is closed", conn->host);
		return NET_ERR_CLOSED;
	}
	long long deadline = now_ms() + conn->io_timeout_ms;
	size_t want = n;
	while (want) {
		if (conn->rend == conn->rstart) {
			int st = fill(conn, deadline);
			if (st != NET_OK)
				return io_fail(conn, st, err, "reading");
			deadline = now_ms() + conn->io_timeout_ms; /* progress resets it */
		}
		size_t take = conn->rend - conn->rstart < want ? conn->rend - conn->rstart : want;
		lib_buf_append(out, conn->rbuf + conn->rstart, take);
		conn->rstart += take;
		want -= take;
	}
	lib_debug("%s S: <%zu bytes of data>", conn->trace_name, n);
	return NET_OK;
}

/* --- writing --------------------------------------------------------------- */

static int conn_write(struct net_conn *conn, const void *data, size_t len, struct lib_err *err)
{
	if (conn->broken) {
		lib_err_set(err, "%s: the connection is closed", conn->host);
		return NET_ERR_CLOSED;
	}
	int st = raw_write(conn, data, len, now_ms() + conn->io_timeout_ms);
	return st == NET_OK ? NET_OK : io_fail(conn, st, err, "writing");
}

int net_conn_write(struct net_conn *conn, const void *data, size_t len, struct lib_err *err)
{
	trace_lines(conn, "C:", data, len);
	return conn_write(conn, data, len, err);
}

int net_conn_printf(struct net_conn *conn, struct lib_err *err, const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int st = net_conn_write(conn, b.data ? b.data : "", b.len, err);
	lib_buf_release(&b);
	return st;
}

int net_conn_write_secret(struct net_conn *conn, const void *data, size_t len,
			  int allow_plaintext_loopback, struct lib_err *err)
{
	if ((!conn->ssl || conn->unverified) && !(allow_plaintext_loopback && conn->loopback)) {
		lib_err_set(err, "%s: refusing to send a password over a connection without TLS",
			    conn->host);
		return NET_ERR_USAGE;
	}
	lib_debug("%s C: <secret, %zu bytes>", conn->trace_name, len);
	return conn_write(conn, data, len, err);
}

/* --- the rest --------------------------------------------------------------- */

int net_conn_is_tls(const struct net_conn *conn)
{
	return conn->ssl != NULL && !conn->broken;
}

int net_conn_peer_is_loopback(const struct net_conn *conn)
{
	return conn->loopback;
}

const char *net_conn_peer(const struct net_conn *conn)
{
	return conn->peer;
}

void net_conn_free(struct net_conn *conn)
{
	if (!conn)
		return;
	if (conn->ssl) {
		if (!conn->broken)
			SSL_shutdown(conn->ssl); /* one close_notify; we do not wait for the reply */
		SSL_free(conn->ssl);
	}
	SSL_CTX_free(conn->ctx);
	if (conn->fd >= 0)
		close(conn->fd);
	free(conn->trace_name);
	free(conn->host);
	free(conn->rbuf);
	free(conn);
}
