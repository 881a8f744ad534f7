/* listen.c: listening sockets for frankd. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* dual: an IPv6 socket on :: that takes IPv4 too ("*"). */
static int listen_on(const struct addrinfo *ai, int dual, struct lib_err *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	if (fd < 0)
		return lib_err_set(err, "socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6) {
		int v6only = !dual;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		return lib_err_set(err, "%s", strerror(e));
	}
	return fd;
}

int net_listen(const char *addr, const char *port, struct lib_err *err)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	int any = !addr || strcmp(addr, "*") == 0;
	/* "*": one dual-stack socket on ::, or 0.0.0.0 where IPv6 is off. */
	const char *node = any ? "::" : addr;
	int rc = getaddrinfo(node, port, &hints, &res);
	if (rc != 0)
		return lib_err_set(err, "listen on %s port %s: %s", addr ? addr : "*", port,
				   gai_strerror(rc));
	struct lib_err e = { "" };
	int fd = listen_on(res, any, &e);
	freeaddrinfo(res);
	if (fd < 0 && any && getaddrinfo("0.0.0.0", port, &hints, &res) == 0) {
		fd = listen_on(res, 0, &e);
		freeaddrinfo(res);
	}
	if (fd < 0)
		return lib_err_set(err, "listen on %s port %s: %s", addr ? addr : "*", port, e.msg);
	return fd;
}
