/* compose_type.c: the MIME type of an attachment, from its content with
 * libmagic (the file(1) database), and from its name where the content
 * says too little (a CSV file is text/plain to libmagic, a .docx a zip). */
#include "compose_private.h"

#include <magic.h>
#include <string.h>
#include <strings.h>

/* Types libmagic cannot tell apart from their content, by extension. */
static const struct {
	const char *ext;
	const char *type;
} by_extension[] = {
	{ "txt", "text/plain" },
	{ "csv", "text/csv" },
	{ "tsv", "text/tab-separated-values" },
	{ "md", "text/markdown" },
	{ "html", "text/html" },
	{ "htm", "text/html" },
	{ "css", "text/css" },
	{ "ics", "text/calendar" },
	{ "vcf", "text/vcard" },
	{ "xml", "application/xml" },
	{ "json", "application/json" },
	{ "js", "text/javascript" },
	{ "svg", "image/svg+xml" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "tar", "application/x-tar" },
	{ "eml", "message/rfc822" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
};

static const char *type_by_extension(const char *filename)
{
	const char *base = filename ? strrchr(filename, '/') : NULL;
	base = base ? base + 1 : filename;
	const char *dot = base ? strrchr(base, '.') : NULL;
	if (!dot || dot == base)
		return NULL;
	for (size_t i = 0; i < sizeof by_extension / sizeof by_extension[0]; i++)
		if (strcasecmp(dot + 1, by_extension[i].ext) == 0)
			return by_extension[i].type;
	return NULL;
}

/* libmagic's answer, or NULL when it has none worth taking. */
static char *type_by_content(const char *data, size_t len)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!m)
		return NULL;
	char *type = NULL;
	if (magic_load(m, NULL) == 0) {
		const char *t = magic_buffer(m, data, len);
		/* "application/x-empty", "inode/...": no type at all. */
		if (t && strchr(t, '/') && strcmp(t, "application/x-empty") != 0 &&
		    strncmp(t, "inode/", 6) != 0)
			type = lib_xstrdup(t);
	}
	magic_close(m);
	return type;
}

/* Is the extension's type a refinement of what the content showed? */
static int extension_says_more(const char *content, const char *ext)
{
	if (!content || strcmp(content, "application/octet-stream") == 0)
		return 1;
	if (strcmp(content, "text/plain") == 0 && strncmp(ext, "text/", 5) == 0)
		return 1;
	if (strcmp(content, "application/zip") == 0 &&
	    strncmp(ext, "application/vnd.", 16) == 0)
		return 1;
	return 0;
}

char *mime_guess_type(const char *data, size_t len, const char *filename)
{
	char *content = type_by_content(data, len);
	const char *ext = type_by_extension(filename);
	if (ext && extension_says_more(content, ext)) {
		free(content);
		return lib_xstrdup(ext);
	}
	return content ? content : lib_xstrdup("application/octet-stream");
}
