/* test_mime_html.c: unit tests of the built-in HTML renderer, the URL
 * scanner and the mailcap parser of src/mime: tables of input and the
 * exact text (and links) expected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime.h"

static const struct {
	const char *html;
	const char *text;
	const char *links; /* the URLs, one a line */
} html_cases[] = {
	{ "", "", "" },
	{ "plain words", "plain words\n", "" },
	{ "<p>one</p><p>two</p>", "one\n\ntwo\n", "" },
	{ "a<br>b<br/>c", "a\nb\nc\n", "" },
	{ "<h1>Title</h1>text", "Title\n\ntext\n", "" },
	{ "<ul><li>first<li>second</ul>after", "* first\n* second\n\nafter\n", "" },
	{ "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b\n", "" },
	{ "<ul><li>x<ul><li>y</li></ul></li></ul>", "* x\n  * y\n", "" },
	{ "Fish &amp; chips &lt;3 &gt; &quot;q&quot; &apos;", "Fish & chips <3 > \"q\" '\n", "" },
	{ "caf&eacute; &#233; &#xE9; &#x20AC; &euro;", "caf\xC3\xA9 \xC3\xA9 \xC3\xA9 \xE2\x82\xAC \xE2\x82\xAC\n", "" },
	{ "&nbsp;a&nbsp;b", " a b\n", "" }, /* nbsp is text, not space to collapse */
	{ "&#0; &#xD800; &#99999999;", "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\n", "" },
	{ "&unknown; & alone &", "&unknown; & alone &\n", "" },
	{ "<script>alert('<p>x</p>')</script>shown", "shown\n", "" },
	{ "<style>p { color: red }</style>shown", "shown\n", "" },
	{ "<head><title>T</title></head><body>b</body>", "b\n", "" },
	{ "<!-- <p>hidden</p> -->v", "v\n", "" },
	{ "<!DOCTYPE html><html>x</html>", "x\n", "" },
	{ "  lots   of\n\n  space  ", "lots of space\n", "" },
	{ "<pre>  a\n   b</pre>", "  a\n   b\n", "" },
	{ "<a href=\"https://e.example/x?a=1&amp;b=2\">here</a> and <a href='http://f.example'>there</a>",
	  "here[1] and there[2]\n", "https://e.example/x?a=1&b=2\nhttp://f.example\n" },
	{ "<a href=https://e.example>a</a><a href=\"https://e.example\">b</a>", "a[1]b[1]\n",
	  "https://e.example\n" },
	{ "<a href=\"#top\">up</a>", "up\n", "" },
	{ "<A HREF=\"mailto:x@y.example\">mail</A>", "mail[1]\n", "mailto:x@y.example\n" },
	{ "1 < 2 and <3", "1 < 2 and <3\n", "" },
	{ "<b>bold</b> <i>it</i>", "bold it\n", "" },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc\n", "" },
	{ "x<hr>y", "x\n--------------------\ny\n", "" },
	{ "\x1b[31mred\x07", "\xEF\xBF\xBD[31mred\xEF\xBF\xBD\n", "" },
	{ "<p unclosed", "<p unclosed\n", "" },
};

static void test_html_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof html_cases / sizeof html_cases[0]; i++) {
		struct lib_buf out = LIB_BUF_INIT, urls = LIB_BUF_INIT;
		struct mime_links links = { 0 };
		mime_html_render(html_cases[i].html, strlen(html_cases[i].html), &out, &links);
		for (size_t k = 0; k < links.count; k++)
			lib_buf_printf(&urls, "%s\n", links.urls[k]);
		const char *got = out.data ? out.data : "";
		const char *got_urls = urls.data ? urls.data : "";
		if (strcmp(got, html_cases[i].text) != 0 || strcmp(got_urls, html_cases[i].links) != 0)
			fail_msg("case %zu: %s\n got text: [%s]\n want:     [%s]\n got links: [%s]\n want:      [%s]",
				 i, html_cases[i].html, got, html_cases[i].text, got_urls,
				 html_cases[i].links);
		lib_buf_release(&out);
		lib_buf_release(&urls);
		mime_links_release(&links);
	}
}

/* A huge hostile document: output linear in the input, links bounded. */
static void test_html_bounded(void **state)
{
	(void)state;
	struct lib_buf in = LIB_BUF_INIT, out = LIB_BUF_INIT;
	for (int i = 0; i < 20000; i++)
		lib_buf_printf(&in, "<ul><li><a href=\"http://h.example/%d\">x</a>", i);
	struct mime_links links = { 0 };
	mime_html_render(in.data, in.len, &out, &links);
	assert_int_equal(links.count, MIME_LINKS_MAX);
	assert_true(out.len < in.len * 2);
	lib_buf_release(&in);
	lib_buf_release(&out);
	mime_links_release(&links);
}

static const struct {
	const char *text;
	const char *links;
} scan_cases[] = {
	{ "no links here", "" },
	{ "see https://a.example/x.", "https://a.example/x\n" },
	{ "(http://b.example/p?q=1), and ftp://c.example/f!", "http://b.example/p?q=1\nftp://c.example/f\n" },
	{ "<https://d.example/a>\"mailto:m@e.example\"", "https://d.example/a\nmailto:m@e.example\n" },
	{ "xhttp://not.example http:// https://e.example https://e.example", "https://e.example\n" },
	{ "HTTPS://Upper.example/A", "HTTPS://Upper.example/A\n" },
};

static void test_links_scan(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scan_cases / sizeof scan_cases[0]; i++) {
		struct mime_links links = { 0 };
		struct lib_buf urls = LIB_BUF_INIT;
		mime_links_scan_text(scan_cases[i].text, strlen(scan_cases[i].text), &links);
		for (size_t k = 0; k < links.count; k++)
			lib_buf_printf(&urls, "%s\n", links.urls[k]);
		const char *got = urls.data ? urls.data : "";
		if (strcmp(got, scan_cases[i].links) != 0)
			fail_msg("case %zu: [%s]\n got:  [%s]\n want: [%s]", i, scan_cases[i].text, got,
				 scan_cases[i].links);
		lib_buf_release(&urls);
		mime_links_release(&links);
	}
}

static const char mailcap[] =
	"# comment\n"
	"\n"
	"text/html; lynx -dump %s; needsterminal\n"
	"text/html; w3m -dump -T %t \\\n"
	"  -I %{charset} %s; copiousoutput; test=test -n \"$DISPLAY\\;x\"\n"
	"text/*; cat; copiousoutput\n"
	"image; viewer %s; copiousoutput\n"
	"application/pdf; pdftotext %s - ; copiousoutput\n";

static const struct {
	const char *type;
	int copious;
	const char *view; /* of the first match; NULL: none */
	const char *test;
} mailcap_cases[] = {
	{ "text/html", 0, "lynx -dump %s", NULL },
	{ "text/html", 1, "w3m -dump -T %t   -I %{charset} %s", "test -n \"$DISPLAY;x\"" },
	{ "TEXT/HTML", 1, "w3m -dump -T %t   -I %{charset} %s", "test -n \"$DISPLAY;x\"" },
	{ "text/plain", 1, "cat", NULL },
	{ "image/png", 1, "viewer %s", NULL },
	{ "application/pdf", 1, "pdftotext %s -", NULL },
	{ "application/zip", 1, NULL, NULL },
	{ "texts/html", 1, NULL, NULL },
};

static void test_mailcap_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof mailcap_cases / sizeof mailcap_cases[0]; i++) {
		size_t pos = 0;
		struct mime_mailcap_entry e;
		int found = mime_mailcap_find(mailcap, strlen(mailcap), mailcap_cases[i].type,
					      mailcap_cases[i].copious, &pos, &e);
		if (!mailcap_cases[i].view) {
			assert_int_equal(found, 0);
			continue;
		}
		assert_int_equal(found, 1);
		assert_string_equal(e.view, mailcap_cases[i].view);
		if (mailcap_cases[i].test)
			assert_string_equal(e.test, mailcap_cases[i].test);
		else
			assert_null(e.test);
		mime_mailcap_entry_release(&e);
	}
	/* The next text/html entry after the first. */
	size_t pos = 0;
	struct mime_mailcap_entry e;
	assert_int_equal(mime_mailcap_find(mailcap, strlen(mailcap), "text/html", 0, &pos, &e), 1);
	mime_mailcap_entry_release(&e);
	assert_int_equal(mime_mailcap_find(mailcap, strlen(mailcap), "text/html", 0, &pos, &e), 1);
	assert_int_equal(e.copiousoutput, 1);
	mime_mailcap_entry_release(&e);
}

static void test_mailcap_expand(void **state)
{
	(void)state;
	const char *params[] = { "charset", "utf-8\"; rm -rf ~; $(x)", "name", "a b", NULL };
	int has_file;
	char *cmd = mime_mailcap_expand("v -T %t -I %{charset} %{missing}%{name} %s 100%% %q",
					"/tmp/frank-abc123", "text/html;$(x)", params, &has_file);
	assert_string_equal(cmd, "v -T text/htmlx -I utf-8rm-rfx ab /tmp/frank-abc123 100% %q");
	assert_int_equal(has_file, 1);
	free(cmd);
	cmd = mime_mailcap_expand("cat", "/tmp/f", "text/plain", NULL, &has_file);
	assert_string_equal(cmd, "cat");
	assert_int_equal(has_file, 0);
	free(cmd);
}

/* A real viewer run: sh reading the file, a test that fails, a viewer
 * that never ends (the time limit), and the temporary file removed. */
static void test_mailcap_render(void **state)
{
	(void)state;
	char dir[] = "/tmp/frank-mailcap-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *rc = lib_xasprintf("%s/mailcap", dir);
	char *log = lib_xasprintf("%s/file", dir);
	FILE *f = fopen(rc, "w");
	assert_non_null(f);
	fprintf(f, "text/html; echo never; copiousoutput; test=false\n"
		   "text/html; echo %%s > %s \\; tr a-z A-Z < %%s; copiousoutput\n"
		   "text/x-stdin; tr a-z A-Z; copiousoutput\n"
		   "text/x-fail; exit 3; copiousoutput\n",
		log);
	fclose(f);
	struct lib_buf out = LIB_BUF_INIT;
	struct lib_err err;
	assert_int_equal(mime_mailcap_render(rc, "text/html", NULL, "<b>hi</b>", 9, &out, &err), 1);
	assert_string_equal(out.data, "<B>HI</B>");
	char *used;
	size_t len;
	assert_int_equal(lib_read_file(log, 4096, &used, &len, &err), 0);
	used[strcspn(used, "\n")] = '\0';
	assert_int_equal(access(used, F_OK), -1); /* removed */
	free(used);
	lib_buf_reset(&out);
	assert_int_equal(mime_mailcap_render(rc, "text/x-stdin", NULL, "abc", 3, &out, &err), 1);
	assert_string_equal(out.data, "ABC");
	lib_buf_reset(&out);
	assert_int_equal(mime_mailcap_render(rc, "image/png", NULL, "x", 1, &out, &err), 0);
	assert_int_equal(mime_mailcap_render(rc, "text/x-fail", NULL, "x", 1, &out, &err), -1);
	assert_non_null(strstr(err.msg, "exit status 3"));
	char *missing = lib_xasprintf("%s/none:%s", dir, rc);
	assert_int_equal(mime_mailcap_render(missing, "text/x-stdin", NULL, "q", 1, &out, &err), 1);
	free(missing);
	lib_buf_release(&out);
	unlink(log);
	unlink(rc);
	rmdir(dir);
	free(rc);
	free(log);
}

static const char html_only[] =
	"From: a@example.org\nTo: b@example.org\nSubject: html\n"
	"MIME-Version: 1.0\nContent-Type: text/html; charset=iso-8859-1\n\n"
	"<h2>Caf\xE9</h2><a href=\"https://x.example/\">go</a>\n";
static const char alternative[] =
	"From: a@example.org\nSubject: alt\nMIME-Version: 1.0\n"
	"Content-Type: multipart/alternative; boundary=b\n\n"
	"--b\nContent-Type: text/plain\n\nplain version https://p.example/\n"
	"--b\nContent-Type: text/html\n\n<p>html <b>version</b></p>\n--b--\n";

static void test_view_html(void **state)
{
	(void)state;
	struct mime_view *v = mime_view_new_from_bytes(html_only, strlen(html_only));
	assert_string_equal(v->body, "Caf\xC3\xA9\n\ngo[1]\n");
	assert_int_equal(v->html, 1);
	assert_int_equal(v->links.count, 1);
	assert_string_equal(v->links.urls[0], "https://x.example/");
	mime_view_free(v);
	v = mime_view_new_from_bytes(alternative, strlen(alternative));
	assert_string_equal(v->body, "plain version https://p.example/"
				     "\n[-- Attachment #2: (no name) (text/html) --]\n");
	assert_int_equal(v->links.count, 1);
	mime_view_free(v);
	struct mime_view_opts opts = { 1, NULL };
	v = mime_view_new_from_bytes_opts(alternative, strlen(alternative), &opts);
	assert_string_equal(v->body, "html version\n"
				     "\n[-- Attachment #1: (no name) (text/plain) --]\n");
	mime_view_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_table),	 cmocka_unit_test(test_html_bounded),
		cmocka_unit_test(test_links_scan),	 cmocka_unit_test(test_mailcap_find),
		cmocka_unit_test(test_mailcap_expand), cmocka_unit_test(test_mailcap_render),
		cmocka_unit_test(test_view_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
