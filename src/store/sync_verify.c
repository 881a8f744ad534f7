/* sync_verify.c: each message verified once, when it arrives (never when
 * it is opened: a DNS lookup then would tell a tracking sender that it
 * was read), and its verdict kept with it: the badge and the short results
 * as notmuch properties (searchable, drawn without asking DNS again), the
 * whole verdict with its evidence as a JSON file beside the index, named
 * by the SHA-256 of the message, since a notmuch property is a Xapian term
 * and cannot hold more than about 240 bytes. */
#include "store.h"
#include "store_internal.h"

#include "auth.h"
#include "net.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct store_verifier {
	char *mail_root;
	struct net_dns *dns;
	const char *hosts[1];
	size_t host_count;
	char **ids;
	size_t id_count;
	struct auth_known *known;  /* MAIL_ROOT/.frank-known, shared by accounts */
	char *known_path;
};

static struct net_dns *verifier_dns(const struct config *cfg, struct lib_err *err)
{
	struct net_dns_opts opts = { 0 };
	opts.network = !cfg->opt.dns_offline;
	if (cfg->opt.dns_offline && !cfg->opt.dns_zone_file) {
		lib_err_set(err, "dns_offline is set but dns_zone_file is not: nothing could answer");
		return NULL;
	}
	if (opts.network && access(NET_DNS_ROOT_KEY, R_OK) == 0)
		opts.trust_anchor_file = NET_DNS_ROOT_KEY;
	struct net_dns *dns = net_dns_new(&opts, err);
	if (dns && cfg->opt.dns_zone_file &&
	    net_dns_load_zone_file(dns, cfg->opt.dns_zone_file, err) < 0) {
		net_dns_free(dns);
		return NULL;
	}
	return dns;
}

/* What earlier syncs learnt of senders; a file that cannot be read costs
 * warnings (every sender looks new), never mail. */
static void known_load(struct store_verifier *v, const struct config_account *acct)
{
	v->known = auth_known_new();
	v->known_path = lib_xasprintf("%s/%s", v->mail_root, STORE_KNOWN_FILE);
	char *text;
	size_t len;
	struct lib_err err;
	if (lib_read_file(v->known_path, 64u << 20, &text, &len, &err) == 0) {
		auth_known_parse(v->known, NULL, text, len);
		free(text);
	} else if (errno != ENOENT) {
		lib_debug("verify: %s (every sender will look new)", err.msg);
	}
	const char *at = acct->from.address ? strrchr(acct->from.address, '@') : NULL;
	if (at && at[1])
		auth_known_add_correspondent(v->known, NULL, at + 1);
}

struct store_verifier *store_verifier_new(const struct config *cfg,
					  const struct config_account *acct, struct lib_err *err)
{
	struct net_dns *dns = verifier_dns(cfg, err);
	if (!dns)
		return NULL;
	struct store_verifier *v = lib_xcalloc(1, sizeof *v);
	v->dns = dns;
	v->mail_root = lib_xstrdup(cfg->opt.mail_root);
	if (acct->trusted_received_host)
		v->hosts[v->host_count++] = acct->trusted_received_host;
	v->ids = acct->authserv_ids.items;
	v->id_count = acct->authserv_ids.count;
	known_load(v, acct);
	return v;
}

int store_verifier_save(struct store_verifier *v, struct lib_err *err)
{
	struct lib_buf text = LIB_BUF_INIT;
	auth_known_format(v->known, &text);
	int rc = store_write_atomic(v->known_path, text.data ? text.data : "", text.len, err);
	lib_buf_release(&text);
	return rc;
}

void store_verifier_free(struct store_verifier *v)
{
	if (!v)
		return;
	net_dns_free(v->dns);
	auth_known_free(v->known);
	free(v->known_path);
	free(v->mail_root);
	free(v);
}

/* Feeds the file to the verifier as it reads it (no second copy of a
 * large message) and hashes it for the verdict's file name, in hex.
 * Returns 0, or -1 with err when it cannot be read. */
static int feed_file(struct auth_message_verifier *mv, const char *path, char hex[65],
		     struct lib_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		auth_message_verifier_feed(mv, buf, (size_t)n);
		EVP_DigestUpdate(md, buf, (size_t)n);
	}
	int e = errno;
	close(fd);
	unsigned char sum[32];
	EVP_DigestFinal_ex(md, sum, NULL);
	EVP_MD_CTX_free(md);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (n < 0)
		return lib_err_set(err, "%s: %s", path, strerror(e));
	auth_message_verifier_finish(mv);
	return 0;
}

char *store_verdict_path(const char *mail_root, const char *sha256_hex)
{
	return lib_xasprintf("%s/%s/%.2s/%s.json", mail_root, STORE_VERDICT_DIR, sha256_hex,
			     sha256_hex);
}

/* tmp + rename, so no reader sees half a file; not fsynced one by one:
 * store_index_commit() syncs the file system once per folder, before the
 * folder's state says its messages are done. */
static int write_unsynced(const char *path, const char *text, struct lib_err *err)
{
	char *tmp = lib_xasprintf("%s.tmp", path);
	int rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		rc = lib_err_set(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int save_verdict(const struct store_verifier *v, const char *hex, const char *json,
			struct lib_err *err)
{
	char *path = store_verdict_path(v->mail_root, hex);
	char *dir = lib_xstrdup(path);
	*strrchr(dir, '/') = '\0';
	char *top = lib_xasprintf("%s/%s", v->mail_root, STORE_VERDICT_DIR);
	int rc = 0;
	if ((mkdir(top, 0700) < 0 && errno != EEXIST) || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		rc = lib_err_set(err, "%s: %s", dir, strerror(errno));
	else
		rc = write_unsynced(path, json, err);
	free(top);
	free(dir);
	free(path);
	return rc;
}

/* A property value: one line, cut (at a UTF-8 boundary) to fit a term. */
static void add_short(struct store_props *props, const char *key, const char *value)
{
	char buf[STORE_PROP_MAX + 1];
	size_t n = strlen(value);
	if (n > STORE_PROP_MAX) {
		n = STORE_PROP_MAX;
		while (n && ((unsigned char)value[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, value, n);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	store_props_add(props, key, buf);
}

static void add_results(struct store_props *props, const struct auth_message_verdict *vd)
{
	add_short(props, STORE_PROP_BADGE, auth_badge_str(vd->badge));
	add_short(props, STORE_PROP_EXPLANATION, vd->explanation);
	add_short(props, STORE_PROP_SPF, vd->spf.result);
	for (size_t i = 0; i < vd->dkim_count; i++) {
		const struct auth_dkim_signature *s = vd->dkim[i].sig;
		char *one = lib_xasprintf("%s %s", auth_dkim_result_str(s->result),
					  s->domain ? s->domain : "?");
		add_short(props, STORE_PROP_DKIM, one);
		free(one);
	}
	if (vd->dmarc)
		add_short(props, STORE_PROP_DMARC, auth_dmarc_result_str(vd->dmarc->result));
}

int store_verifier_check(struct store_verifier *v, const char *path, struct store_props *props,
			 struct lib_err *err)
{
	struct auth_message_request req = { 0 };
	req.trusted_hosts = v->hosts;
	req.trusted_host_count = v->host_count;
	req.trusted_authserv_ids = (const char *const *)v->ids;
	req.trusted_authserv_count = v->id_count;
	struct auth_message_verifier *mv = auth_message_verifier_new(&req);
	char hex[65];
	int rc = feed_file(mv, path, hex, err);
	if (rc == 0)
		rc = auth_message_resolve(mv, v->dns, err);
	const struct auth_message_verdict *vd = rc == 0 ? auth_message_verifier_verdict(mv) : NULL;
	if (!vd && rc == 0)
		rc = lib_err_set(err, "%s: no verdict", path);
	struct auth_warnings warnings = { 0 };
	if (vd) {
		auth_sender_warnings(vd, v->known, NULL, &warnings);
		char *json = auth_message_verdict_json_warned(vd, &warnings);
		rc = save_verdict(v, hex, json, err);
		free(json);
	}
	if (rc == 0) {
		add_results(props, vd);
		for (size_t i = 0; i < warnings.count; i++)
			add_short(props, STORE_PROP_WARNING, warnings.text[i]);
		auth_known_learn(v->known, vd, &warnings, NULL);
		store_props_add(props, STORE_PROP_VERDICT, hex);
		lib_debug("verify %s: %s: %s", path, auth_badge_str(vd->badge), vd->explanation);
	}
	auth_warnings_release(&warnings);
	auth_message_verifier_free(mv);
	return rc;
}
