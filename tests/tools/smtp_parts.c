/* smtp_parts.c FILE: a message as GMime reads it, one line per leaf part,
 * in the format of smtp_parts.py (Python's email package), so the two
 * readings can be compared byte for byte:
 *   from: ADDR
 *   to: ADDR, ADDR
 *   subject: TEXT
 *   part N: TYPE name=NAME bytes=LEN sha256=HEX
 * A part not in base64 is text in transit: its CRLF line ends count as LF. */
#include <gmime/gmime.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

static void print_addresses(const char *what, InternetAddressList *list)
{
	printf("%s: ", what);
	int n = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			printf("%s%s", i ? ", " : "",
			       internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
	}
	printf("\n");
}

static void print_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	int *n = data;
	if (!GMIME_IS_PART(part))
		return;
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
	if (content)
		g_mime_data_wrapper_write_to_stream(content, mem);
	g_object_unref(mem);
	/* Lines of text sent as text end in CRLF on the wire, LF here. */
	if (g_mime_part_get_content_encoding(GMIME_PART(part)) != GMIME_CONTENT_ENCODING_BASE64) {
		guint out = 0;
		for (guint i = 0; i < bytes->len; i++)
			if (!(bytes->data[i] == '\r' && i + 1 < bytes->len && bytes->data[i + 1] == '\n'))
				bytes->data[out++] = bytes->data[i];
		g_byte_array_set_size(bytes, out);
	}
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(bytes->data, bytes->len, md, &mdlen, EVP_sha256(), NULL);
	char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
	const char *name = g_mime_part_get_filename(GMIME_PART(part));
	printf("part %d: %s name=%s bytes=%u sha256=", ++*n, type, name ? name : "-", bytes->len);
	for (unsigned i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("\n");
	g_free(type);
	g_byte_array_free(bytes, TRUE);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: smtp_parts FILE\n");
		return 2;
	}
	char *data;
	size_t len;
	struct lib_err err;
	if (lib_read_file(argv[1], 256u * 1024 * 1024, &data, &len, &err) < 0) {
		fprintf(stderr, "smtp_parts: %s\n", err.msg);
		return 1;
	}
	g_mime_init();
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	if (!msg) {
		fprintf(stderr, "smtp_parts: %s: not a message\n", argv[1]);
		return 1;
	}
	print_addresses("from", g_mime_message_get_from(msg));
	print_addresses("to", g_mime_message_get_to(msg));
	const char *subject = g_mime_message_get_subject(msg);
	printf("subject: %s\n", subject ? subject : "");
	int n = 0;
	g_mime_message_foreach(msg, print_part, &n);
	g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	free(data);
	g_mime_shutdown();
	return 0;
}
