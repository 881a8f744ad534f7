/* check_private.h: what the files of frank dnscheck's checker share
 * (check_*.c; private to src/auth).  One run of auth_check_domain goes
 * through the sections in order, each adding its rows to the report; a
 * section that finds an answer missing asks for it and goes on with what
 * does not depend on it, so one round gathers every query it can see. */
#ifndef FRANK_AUTH_CHECK_PRIVATE_H
#define FRANK_AUTH_CHECK_PRIVATE_H

#include <stddef.h>

#include "auth.h"

/* A longest shown piece of DNS data (a record, a reason) in a row. */
#define CHECK_SHOWN_MAX 300

/* One run over the cache. */
struct check_run {
	const struct auth_check_request *req;
	const struct auth_dns_cache *cache;
	struct auth_check_report *report;
	struct auth_dns_need *needs;  /* the caller's */
	size_t max_needs;
	size_t need_count;
	int missing;                  /* an answer was missing: not done */
};

/* The cached answer for (name, type), or NULL after asking for it. */
const struct net_dns_answer *check_ask(struct check_run *run, const char *name,
				       enum net_dns_type type);
/* Takes the query an evaluator stopped for. */
void check_need(struct check_run *run, const struct auth_dns_need *need);

/* A temporary failure (or a DNSSEC-bogus answer): adds the dns-tempfail
 * row saying what was not checked, and returns 1; else 0. */
int check_tempfail(struct check_run *run, const struct net_dns_answer *a, const char *what);
/* Records of the asked type are there. */
int check_has_records(const struct net_dns_answer *a);

/* An address of a host, as found in DNS. */
struct check_addr {
	unsigned char ip[16];
	size_t len;           /* 4 or 16 */
	char text[48];
	char host[AUTH_DNS_NAME_MAX]; /* the MX host it belongs to, or "" */
};

/* The addresses of the MX hosts (check_mx fills it for check_ptr_mx). */
#define CHECK_MAX_MX_ADDRS (AUTH_CHECK_MAX_MX * AUTH_CHECK_MAX_ADDRS)
struct check_mx_addrs {
	struct check_addr addrs[CHECK_MAX_MX_ADDRS];
	size_t count;
};

/* The sections, in the order their rows appear. */
/* 1 when the domain does not exist (its row added): nothing else runs. */
int check_domain_missing(struct check_run *run);
void check_mx(struct check_run *run, struct check_mx_addrs *addrs);      /* check_mx.c */
void check_spf(struct check_run *run);                                  /* check_spf.c */
void check_dkim(struct check_run *run);                                 /* check_dkim.c */
void check_dmarc(struct check_run *run);                                /* check_dmarc.c */
void check_ptr_mx(struct check_run *run, const struct check_mx_addrs *addrs); /* check_ip.c */
void check_ip(struct check_run *run);                                   /* check_ip.c */

/* The client address of the request: 0 with *addr set (an IPv4-mapped
 * IPv6 address as IPv4), -1 when there is none or it does not parse. */
int check_request_addr(const struct auth_check_request *req, struct check_addr *addr);

#endif
