/* line.c: splitting protocol lines, and the names of connection errors. */
#include "net.h"

#include <string.h>

const char *net_status_str(enum net_status status)
{
	switch (status) {
	case NET_OK: return "ok";
	case NET_ERR_DNS: return "DNS lookup failed";
	case NET_ERR_REFUSED: return "connection refused";
	case NET_ERR_TIMEOUT: return "timed out";
	case NET_ERR_TLS_HANDSHAKE: return "TLS handshake failed";
	case NET_ERR_CERT_UNTRUSTED: return "certificate untrusted";
	case NET_ERR_CERT_EXPIRED: return "certificate expired";
	case NET_ERR_CERT_HOST: return "certificate for another host";
	case NET_ERR_CERT_PIN: return "certificate fingerprint mismatch";
	case NET_ERR_CLOSED: return "server closed the connection";
	case NET_ERR_LINE_TOO_LONG: return "line too long";
	case NET_ERR_IO: return "I/O error";
	case NET_ERR_USAGE: return "refused by frank";
	}
	return "unknown error";
}

/* line = *OCTET ( CRLF / LF ): a CR only counts as part of the ending when
 * an LF follows it; a lone CR stays in the line for the protocol to judge. */
enum net_line_scan net_line_scan(const char *buf, size_t len, size_t max_line,
				 size_t *line_len, size_t *consumed)
{
	/* The ending may be at most two bytes past the limit (CR LF). */
	size_t look = len < max_line + 2 ? len : max_line + 2;
	const char *lf = look ? memchr(buf, '\n', look) : NULL;
	if (!lf)
		return len > max_line + 1 || (len == max_line + 1 && buf[max_line] != '\r')
			       ? NET_LINE_TOO_LONG
			       : NET_LINE_MORE;
	size_t n = (size_t)(lf - buf);
	*consumed = n + 1;
	if (n && buf[n - 1] == '\r')
		n--;
	if (n > max_line)
		return NET_LINE_TOO_LONG;
	*line_len = n;
	return NET_LINE_FOUND;
}
