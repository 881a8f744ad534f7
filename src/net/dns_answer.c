/* dns_answer.c: the answer type every DNS backend returns. */
#include "net.h"

#include <stdlib.h>

void net_dns_answer_free(struct net_dns_answer *answer)
{
	if (!answer)
		return;
	for (size_t i = 0; i < answer->count; i++)
		free(answer->records[i].text);
	free(answer->records);
	free(answer->qname);
	free(answer->why);
	free(answer);
}

const char *net_dns_rcode_str(enum net_dns_rcode rcode)
{
	switch (rcode) {
	case NET_DNS_ANSWER: return "answer";
	case NET_DNS_NXDOMAIN: return "NXDOMAIN";
	case NET_DNS_NODATA: return "no data";
	case NET_DNS_TEMPFAIL: return "temporary failure";
	}
	return "?";
}

const char *net_dns_type_str(enum net_dns_type type)
{
	switch (type) {
	case NET_DNS_A: return "A";
	case NET_DNS_CNAME: return "CNAME";
	case NET_DNS_PTR: return "PTR";
	case NET_DNS_MX: return "MX";
	case NET_DNS_TXT: return "TXT";
	case NET_DNS_AAAA: return "AAAA";
	}
	return "?";
}
