/* sync_event.c: the lines of frank sync --progress-fd, written by the sync
 * and read back by the curses client, which runs syncs as children and
 * shows their progress.  A pure format and parser over bytes, so the
 * unit tests and a fuzzer drive it directly.
 *
 * Grammar (one event per line, fields separated by one space):
 *
 *   event    = (folder / new / error / done / idle) LF
 *   folder   = "folder" SP account SP name SP number SP number   ; done, total
 *   new      = "new" SP account SP name SP number                ; fetched
 *   error    = "error" SP account SP reason
 *   done     = "done" SP account SP number                       ; exit code
 *   idle     = "idle" SP account
 *   account  = 1*64(ALPHA / DIGIT / "." / "-" / "_")
 *   name     = 1*(%x21-24 / %x26-7E / %x80-FF / "%" 2HEXDIG)     ; %XX escapes
 *   number   = 1*20DIGIT
 *   reason   = *(%x20-7E / %x80-FF)                              ; to the end
 *
 * A server folder name may hold spaces and any byte, so it is written with
 * '%', controls, space and DEL as %XX; a reason has its controls replaced
 * by spaces.  Lines are at most STORE_SYNC_EVENT_MAX bytes. */
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "folder", "new", "error", "done", "idle" };
#define LAST_KIND STORE_SYNC_EVENT_IDLE

static int name_byte_plain(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != '%';
}

/* Appends s, escaped, to out[*len..size); 0, or -1 when it does not fit. */
static int put_escaped(char *out, size_t size, size_t *len, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (*len + 4 > size)
			return -1;
		if (name_byte_plain(c))
			out[(*len)++] = (char)c;
		else
			*len += (size_t)snprintf(out + *len, size - *len, "%%%02X", c);
	}
	return 0;
}

size_t store_sync_event_format(const struct store_sync_event *ev, char *out, size_t size)
{
	size_t len = 0;
	int n;
	if (size < 8 || (unsigned)ev->kind > LAST_KIND)
		return 0;
	n = snprintf(out, size, ev->kind == STORE_SYNC_EVENT_IDLE ? "%s %s" : "%s %s ",
		     kind_names[ev->kind], ev->account);
	if (n < 0 || (size_t)n >= size)
		return 0;
	len = (size_t)n;
	switch (ev->kind) {
	case STORE_SYNC_EVENT_FOLDER:
	case STORE_SYNC_EVENT_NEW:
		if (put_escaped(out, size, &len, ev->folder) < 0)
			return 0;
		if (ev->kind == STORE_SYNC_EVENT_FOLDER)
			n = snprintf(out + len, size - len, " %zu %zu\n", ev->done, ev->total);
		else
			n = snprintf(out + len, size - len, " %zu\n", ev->done);
		break;
	case STORE_SYNC_EVENT_ERROR:
		/* The reason is cut to fit; a control byte would end the line. */
		for (const char *p = ev->reason; *p && len + 2 < size; p++)
			out[len++] = (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p;
		n = snprintf(out + len, size - len, "\n");
		break;
	case STORE_SYNC_EVENT_DONE:
		n = snprintf(out + len, size - len, "%d\n", ev->rc);
		break;
	case STORE_SYNC_EVENT_IDLE:
		n = snprintf(out + len, size - len, "\n");
		break;
	}
	if (n < 0 || (size_t)n >= size - len)
		return 0;
	return len + (size_t)n;
}

/* The next space-separated field of line[*pos..len) (not empty). */
static int next_field(const char *line, size_t len, size_t *pos, const char **start,
		      size_t *flen)
{
	size_t i = *pos;
	while (i < len && line[i] != ' ')
		i++;
	if (i == *pos)
		return -1;
	*start = line + *pos;
	*flen = i - *pos;
	*pos = i < len ? i + 1 : i;
	return 0;
}

static int parse_number(const char *s, size_t n, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_name(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (lo < 0 || hi * 16 + lo == 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (!name_byte_plain(c)) {
			return -1;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o ? 0 : -1;
}

static int parse_account(const char *s, size_t n, char *out, size_t size)
{
	if (n == 0 || n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* The fields after the account, by kind. */
static int parse_rest(const char *line, size_t len, size_t pos, struct store_sync_event *ev)
{
	const char *f;
	size_t n;
	unsigned long long a, b;
	switch (ev->kind) {
	case STORE_SYNC_EVENT_FOLDER:
	case STORE_SYNC_EVENT_NEW:
		if (next_field(line, len, &pos, &f, &n) < 0 ||
		    parse_name(f, n, ev->folder, sizeof ev->folder) < 0 ||
		    next_field(line, len, &pos, &f, &n) < 0 || parse_number(f, n, SIZE_MAX, &a) < 0)
			return -1;
		ev->done = (size_t)a;
		if (ev->kind == STORE_SYNC_EVENT_NEW)
			return pos == len ? 0 : -1;
		if (next_field(line, len, &pos, &f, &n) < 0 || parse_number(f, n, SIZE_MAX, &b) < 0)
			return -1;
		ev->total = (size_t)b;
		return pos == len && line[len - 1] != ' ' ? 0 : -1;
	case STORE_SYNC_EVENT_ERROR:
		n = len - pos < sizeof ev->reason - 1 ? len - pos : sizeof ev->reason - 1;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[pos + i] < 0x20 || line[pos + i] == 0x7f)
				return -1;
		memcpy(ev->reason, line + pos, n);
		ev->reason[n] = '\0';
		return 0;
	case STORE_SYNC_EVENT_DONE:
		if (next_field(line, len, &pos, &f, &n) < 0 || parse_number(f, n, 255, &a) < 0)
			return -1;
		ev->rc = (int)a;
		return pos == len && line[len - 1] != ' ' ? 0 : -1;
	case STORE_SYNC_EVENT_IDLE:
		return pos == len && line[len - 1] != ' ' ? 0 : -1;
	}
	return -1;
}

int store_sync_event_parse(const char *line, size_t len, struct store_sync_event *ev,
			   struct lib_err *err)
{
	const char *f;
	size_t n, pos = 0;
	memset(ev, 0, sizeof *ev);
	if (len && line[len - 1] == '\n')
		len--;
	if (len > STORE_SYNC_EVENT_MAX)
		return lib_err_set(err, "sync event: line too long (%zu bytes)", len);
	if (next_field(line, len, &pos, &f, &n) < 0)
		return lib_err_set(err, "sync event: empty line");
	size_t k = 0;
	while (k <= LAST_KIND &&
	       !(strlen(kind_names[k]) == n && memcmp(kind_names[k], f, n) == 0))
		k++;
	if (k > LAST_KIND)
		return lib_err_set(err, "sync event: unknown kind \"%.*s\"", (int)(n < 32 ? n : 32),
				   f);
	ev->kind = (enum store_sync_event_kind)k;
	if (next_field(line, len, &pos, &f, &n) < 0 ||
	    parse_account(f, n, ev->account, sizeof ev->account) < 0)
		return lib_err_set(err, "sync event: bad account in a %s line", kind_names[k]);
	if (parse_rest(line, len, pos, ev) < 0)
		return lib_err_set(err, "sync event: malformed %s line", kind_names[k]);
	return 0;
}
