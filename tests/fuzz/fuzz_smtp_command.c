/* fuzz_smtp_command.c: frankd's SMTP command parser, base64 and SASL
 * PLAIN decoders.  Besides not crashing, a parsed address must parse again
 * to itself (MAIL FROM:<addr>), stay within its limit, and base64 must
 * round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static void check_address(const struct frankd_smtp_cmd *cmd)
{
	size_t n = strlen(cmd->address);
	if (n > FRANKD_SMTP_PATH_MAX)
		abort();
	if (n == 0 || !strchr(cmd->address, '@'))
		return;
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_printf(&line, "MAIL FROM:<%s>", cmd->address);
	struct frankd_smtp_cmd again;
	const char *reply;
	if (frankd_smtp_parse(line.data, line.len, &again, &reply) != 0 ||
	    strcmp(again.address, cmd->address) != 0 || again.address_utf8 != cmd->address_utf8)
		abort();
	lib_buf_release(&line);
}

static void check_base64(const uint8_t *data, size_t size)
{
	unsigned char *out = malloc(size * 3 / 4 + 2);
	size_t n;
	if (frankd_base64_decode((const char *)data, size, out, &n) == 0) {
		char *text = frankd_base64_encode(out, n);
		unsigned char *back = malloc(n + 2);
		size_t m;
		if (frankd_base64_decode(text, strlen(text), back, &m) != 0 || m != n ||
		    memcmp(back, out, n) != 0)
			abort();
		free(back);
		free(text);
	}
	free(out);
	static char z[FRANKD_SMTP_AUTH_MAX + 1], c[FRANKD_SMTP_AUTH_MAX + 1],
		p[FRANKD_SMTP_AUTH_MAX + 1];
	if (frankd_sasl_plain_decode((const char *)data, size, z, c, p) == 0 && (!*c || !*p))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frankd_smtp_cmd cmd;
	const char *reply = NULL;
	int rc = frankd_smtp_parse((const char *)data, size, &cmd, &reply);
	if (rc < 0 && (!reply || (reply[0] != '5' && reply[0] != '4')))
		abort();
	if (rc == 0) {
		if (cmd.verb == FRANKD_SMTP_MAIL || cmd.verb == FRANKD_SMTP_RCPT)
			check_address(&cmd);
		for (size_t i = 0; i < cmd.nparams; i++)
			if (!cmd.params[i].keyword[0])
				abort();
		if (cmd.initial_response &&
		    (cmd.initial_response < (const char *)data ||
		     cmd.initial_response + cmd.initial_response_len > (const char *)data + size))
			abort();
	}
	check_base64(data, size);
	return 0;
}
