/* fuzz_imapd_names.c: frankd's names files (subscriptions, keywords), flag
 * lists with keywords and Maildir info with keyword letters.  Besides not
 * crashing: a refused file has an error text and leaves the list empty; a
 * file parsed is written back byte for byte; a name given keywords reads
 * them back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static void flag_list(const uint8_t *data, size_t size)
{
	struct frankd_imap_cmd cmd;
	const char *error;
	if (frankd_imap_parse((const char *)data, size, &cmd, &error) == 0) {
		struct frankd_imap_names kw = { NULL, 0 };
		unsigned flags;
		if (frankd_imap_flag_list_parse(cmd.args, cmd.nargs, &flags, &kw) == 0 &&
		    kw.count > cmd.nargs)
			abort();
		frankd_imap_names_release(&kw);
	}
	frankd_imap_cmd_release(&cmd);
}

static void info(const uint8_t *data, size_t size)
{
	if (size < 4 || memchr(data, '\0', size))
		return;
	uint32_t keywords;
	memcpy(&keywords, data, 4);
	keywords &= (UINT32_C(1) << FRANKD_KEYWORDS_MAX) - 1;
	char *name = lib_xstrndup((const char *)data + 4, size - 4);
	char *renamed = frankd_maildir_with_keywords(name, FRANKD_FLAG_SEEN, keywords);
	if (frankd_maildir_keywords(renamed) != keywords)
		abort();
	free(renamed);
	free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	flag_list(data, size);
	info(data, size);
	struct frankd_imap_names names;
	struct lib_err err;
	err.msg[0] = '\0';
	if (frankd_imap_names_parse(FRANKD_SUBSCRIPTIONS_MAGIC, (const char *)data, size, &names,
				    &err) < 0) {
		if (!err.msg[0] || names.count)
			abort();
		return 0;
	}
	struct lib_buf again = LIB_BUF_INIT;
	frankd_imap_names_format(FRANKD_SUBSCRIPTIONS_MAGIC, &names, &again);
	if (again.len != size || memcmp(again.data, data, size) != 0)
		abort();
	lib_buf_release(&again);
	frankd_imap_names_release(&names);
	return 0;
}
