/* links.c: the URLs of a message, for the pager's URL list: kept once
 * each, in the order they first appear, with a bound on their number. */
#include "mime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t mime_links_add(struct mime_links *links, const char *url, size_t len)
{
	if (len == 0 || len > MIME_LINK_MAX)
		return 0;
	for (size_t i = 0; i < links->count; i++)
		if (strlen(links->urls[i]) == len && memcmp(links->urls[i], url, len) == 0)
			return i + 1;
	if (links->count >= MIME_LINKS_MAX)
		return 0;
	/* A URL with a control character (a newline in an href) is not one
	 * a reader means to open, and would not show on one line. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7F)
			return 0;
	links->urls = lib_xrealloc(links->urls, (links->count + 1) * sizeof *links->urls);
	links->urls[links->count++] = lib_xstrndup(url, len);
	return links->count;
}

void mime_links_release(struct mime_links *links)
{
	for (size_t i = 0; i < links->count; i++)
		free(links->urls[i]);
	free(links->urls);
	links->urls = NULL;
	links->count = 0;
}

/* RFC 3986 leaves the end of a URL in prose to the reader: these
 * characters end a sentence or a bracket more often than a URL. */
static int trailing_punct(char c)
{
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
	       c == ')' || c == ']' || c == '\'' || c == '"';
}

/* Characters that end a URL written in text (RFC 3986 appendix C: URLs
 * in context are delimited by spaces, quotes and angle brackets). */
static int url_end(char c)
{
	return (unsigned char)c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7F ||
	       c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^';
}

static size_t scheme_at(const char *s, size_t len)
{
	static const char *const schemes[] = { "https://", "http://", "ftp://", "mailto:" };
	for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++) {
		size_t n = strlen(schemes[k]);
		if (len > n && strncasecmp(s, schemes[k], n) == 0)
			return n;
	}
	return 0;
}

void mime_links_scan_text(const char *text, size_t len, struct mime_links *links)
{
	for (size_t i = 0; i < len;) {
		/* A scheme counts only at the start of a word: "xhttp://" is not a URL. */
		int word_start = i == 0 || !((text[i - 1] >= 'a' && text[i - 1] <= 'z') ||
					     (text[i - 1] >= 'A' && text[i - 1] <= 'Z'));
		size_t n = word_start ? scheme_at(text + i, len - i) : 0;
		if (!n) {
			i++;
			continue;
		}
		size_t end = i + n;
		while (end < len && !url_end(text[end]))
			end++;
		while (end > i + n && trailing_punct(text[end - 1]))
			end--;
		if (end > i + n)
			mime_links_add(links, text + i, end - i);
		i = end > i + n ? end : i + n;
	}
}
