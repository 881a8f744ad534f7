/* fuzz_frankd_relay.c: what the relay reads from peers and DNS: the status
 * code in a next hop's error text (frankd_dsn_status), the order of an MX
 * answer (frankd_mx_order), and the DSN built around hostile error texts
 * and headers.  The first byte picks which.  Invariants: a status is the
 * fallback or "C.S.D" with C in 2, 4, 5 found in the text; MX hosts come
 * out in preference order, never more than went in; a DSN's lines all end
 * in CRLF. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"
#include "net.h"

static void status(const char *text)
{
	char out[16];
	frankd_dsn_status(text, "5.0.0", out, sizeof out);
	if (strcmp(out, "5.0.0") == 0)
		return;
	if ((out[0] != '2' && out[0] != '4' && out[0] != '5') || out[1] != '.' ||
	    !strstr(text, out))
		abort();
}

static unsigned next_random(void *arg)
{
	unsigned *seed = arg;
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Records from the bytes: each line one byte of preference, then a name. */
static void mx(const char *text, size_t len)
{
	struct net_dns_record recs[16];
	struct net_dns_answer a = { .qname = (char *)"d.test", .qtype = NET_DNS_MX };
	a.rcode = len ? (enum net_dns_rcode)(text[0] & 3) : NET_DNS_ANSWER;
	char *copy = lib_xstrndup(len ? text + 1 : "", len ? len - 1 : 0);
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l && a.count < 16;
	     l = strtok_r(NULL, "\n", &save)) {
		struct net_dns_record *r = &recs[a.count++];
		memset(r, 0, sizeof *r);
		r->preference = (unsigned char)l[0];
		r->text = l + 1;
		r->text_len = strlen(r->text);
	}
	a.records = recs;
	unsigned seed = (unsigned)len;
	struct frankd_mx_list list;
	frankd_mx_order(&a, "d.test", next_random, &seed, &list);
	if (list.count > (a.count ? a.count : 1))
		abort();
	if (list.status == FRANKD_MX_HOSTS && list.count == 0)
		abort();
	unsigned last = 0;
	for (size_t i = 0; a.rcode == NET_DNS_ANSWER && i < list.count && a.count; i++) {
		unsigned pref = 256;
		for (size_t j = 0; j < a.count; j++)
			if (strcmp(recs[j].text, list.hosts[i]) == 0 && recs[j].preference < pref &&
			    recs[j].preference >= last)
				pref = recs[j].preference;
		if (pref == 256)
			abort(); /* a host that was not in the answer, or out of order */
		last = pref;
	}
	frankd_mx_list_release(&list);
	free(copy);
}

/* A DSN whose error text and quoted headers are the input. */
static void dsn(const char *text, size_t len)
{
	struct frankd_conf *conf = frankd_conf_new();
	conf->hostname = lib_xstrdup("mx.a.test");
	struct frankd_envelope env;
	frankd_envelope_init(&env);
	memcpy(env.id, "0123456789ABCDEF0123", FRANKD_QUEUE_ID_LEN + 1);
	env.sender = lib_xstrdup("a@a.test");
	frankd_envelope_add_rcpt(&env, "b@b.test", FRANKD_ROUTE_REMOTE);
	frankd_rcpt_set_error(&env.rcpts[0], text);
	int mark[1] = { 1 };
	struct lib_buf out = LIB_BUF_INIT;
	frankd_dsn_build(conf, &env, mark, len & 1 ? FRANKD_DSN_DELAYED : FRANKD_DSN_FAILED, "", 0,
			 1700000000, &out);
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n' && (i == 0 || out.data[i - 1] != '\r'))
			abort();
	lib_buf_release(&out);
	frankd_envelope_release(&env);
	frankd_conf_free(conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	char *text = lib_xstrndup((const char *)data + 1, size - 1);
	size_t len = strlen(text);
	switch (data[0] % 3) {
	case 0: status(text); break;
	case 1: mx(text, len); break;
	case 2: dsn(text, len); break;
	}
	free(text);
	return 0;
}
