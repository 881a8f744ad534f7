/* fuzz_imapd_parse.c: frankd's IMAP framer, command parser and argument
 * readers (sequence sets, flags, fetch attributes, search keys, dates,
 * CONDSTORE/QRESYNC modifiers and SELECT parameters), and the uidlist.
 * Besides not crashing: a refused command has an error text; a
 * tag is within its limit; the framer never takes more than it is given
 * and frames the same way fed whole or byte by byte; a uidlist parsed is
 * written back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static enum frankd_imap_frame_status frame(const char *data, size_t size, size_t step,
					   size_t *total)
{
	struct frankd_imap_framer f;
	frankd_imap_framer_init(&f, 256, 4096);
	enum frankd_imap_frame_status st = FRANKD_IMAP_FRAME_MORE;
	*total = 0;
	while (*total < size) {
		size_t n = size - *total < step ? size - *total : step, used = 0;
		st = frankd_imap_frame_feed(&f, data + *total, n, &used);
		if (used > n)
			abort();
		*total += used;
		if (st == FRANKD_IMAP_FRAME_DONE || st == FRANKD_IMAP_FRAME_TOO_LONG)
			break;
		if (st == FRANKD_IMAP_FRAME_MORE && used != n)
			abort();
	}
	return st;
}

/* RFC 7162's modifiers and SELECT parameters: what is taken is within
 * what was given, and the values within their ranges. */
static void check_modseq_args(const struct frankd_imap_cmd *cmd)
{
	const char *error = NULL;
	struct frankd_imap_modifiers mods;
	size_t n = cmd->nargs ? cmd->nargs - 1 : 0, used;
	const struct frankd_imap_token *t = cmd->nargs ? cmd->args + 1 : cmd->args;
	if (frankd_imap_fetch_modifiers_parse(t, n, &used, &mods, &error) == 0) {
		struct frankd_imap_fetch fetch;
		if (used > n || (mods.vanished && !mods.changedsince_set) ||
		    mods.changedsince > FRANKD_MODSEQ_MAX)
			abort();
		frankd_imap_fetch_parse(t, used, &fetch, &error);
	} else if (!error) {
		abort();
	}
	error = NULL;
	if (frankd_imap_store_modifiers_parse(t, n, &used, &mods, &error) == 0) {
		if (used > n || mods.unchangedsince > FRANKD_MODSEQ_MAX)
			abort();
	} else if (!error) {
		abort();
	}
	error = NULL;
	struct frankd_imap_select_params p;
	if (frankd_imap_select_params_parse(t, n, &p, &error) == 0) {
		if ((p.qresync && (!p.condstore || p.modseq == 0)) || p.modseq > FRANKD_MODSEQ_MAX)
			abort();
		frankd_imap_select_params_release(&p);
	} else if (!error) {
		abort();
	}
	for (size_t i = 0; i < cmd->nargs; i++) {
		uint64_t v;
		if (frankd_imap_modseq_parse(cmd->args[i].text, 1, &v) == 0 && v > FRANKD_MODSEQ_MAX)
			abort();
	}
}

static void check_args(const struct frankd_imap_cmd *cmd)
{
	const char *error = NULL;
	struct frankd_imap_seqset set;
	if (cmd->nargs && frankd_imap_seqset_parse(cmd->args[0].text, &set) == 0) {
		if (set.count == 0)
			abort();
		frankd_imap_seqset_has(&set, 7, 9);
		frankd_imap_seqset_release(&set);
	}
	struct frankd_imap_fetch fetch;
	if (cmd->nargs > 1 && frankd_imap_fetch_parse(cmd->args + 1, cmd->nargs - 1, &fetch, &error) < 0 &&
	    !error)
		abort();
	unsigned flags;
	frankd_imap_flags_parse(cmd->args, cmd->nargs, &flags);
	error = NULL;
	struct frankd_imap_search *s = frankd_imap_search_parse(cmd->args, cmd->nargs, &error);
	if (!s && !error)
		abort();
	frankd_imap_search_free(s);
}

static void check_uidlist(const char *data, size_t size)
{
	struct frankd_uidlist list;
	struct lib_err err;
	if (frankd_uidlist_parse(data, size, &list, &err) < 0)
		return;
	struct lib_buf out = LIB_BUF_INIT;
	frankd_uidlist_format(&list, &out);
	frankd_uidlist_release(&list);
	/* version 2 is written back the same; version 1 as version 2, which
	 * then reads back to itself */
	int v1 = size > 15 && data[15] == '1';
	if (!v1 && (out.len != size || memcmp(out.data, data, size) != 0))
		abort();
	if (v1) {
		struct lib_buf again = LIB_BUF_INIT;
		if (frankd_uidlist_parse(out.data, out.len, &list, &err) < 0)
			abort();
		frankd_uidlist_format(&list, &again);
		if (again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
			abort();
		lib_buf_release(&again);
		frankd_uidlist_release(&list);
	}
	lib_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t whole, bytewise;
	enum frankd_imap_frame_status a = frame(text, size, size ? size : 1, &whole);
	enum frankd_imap_frame_status b = frame(text, size, 1, &bytewise);
	if (a != b && !(a == FRANKD_IMAP_FRAME_MORE || b == FRANKD_IMAP_FRAME_MORE ||
			a == FRANKD_IMAP_FRAME_CONTINUE || b == FRANKD_IMAP_FRAME_CONTINUE))
		abort();
	if (a == FRANKD_IMAP_FRAME_DONE && b == FRANKD_IMAP_FRAME_DONE && whole != bytewise)
		abort();
	struct frankd_imap_cmd cmd;
	const char *error = NULL;
	int rc = frankd_imap_parse(text, size, &cmd, &error);
	if (strlen(cmd.tag) > FRANKD_IMAP_TAG_MAX || (rc < 0 && !error))
		abort();
	if (rc == 0) {
		check_args(&cmd);
		check_modseq_args(&cmd);
	}
	frankd_imap_cmd_release(&cmd);
	check_uidlist(text, size);
	char *z = lib_xstrndup(text, size);
	long long when, day;
	frankd_imap_datetime_parse(z, &when);
	frankd_imap_date_parse(z, &day);
	free(z);
	return 0;
}
