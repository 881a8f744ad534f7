/* config.h: the face of src/config, frank's configuration: the frankrc
 * (options, accounts, key bindings, macros, colors; mutt's syntax, see
 * frankrc(5)), the key map files, and account passwords. */
#ifndef FRANK_CONFIG_H
#define FRANK_CONFIG_H

#include <stddef.h>

#include "lib.h"

/* Keys that have names.  Plain keys are their Unicode code point (control
 * keys 1..31), named keys are these values, above every code point. */
enum config_key_name {
	CONFIG_KEY_UP = 0x110000,
	CONFIG_KEY_DOWN,
	CONFIG_KEY_LEFT,
	CONFIG_KEY_RIGHT,
	CONFIG_KEY_PAGEUP,
	CONFIG_KEY_PAGEDOWN,
	CONFIG_KEY_HOME,
	CONFIG_KEY_END,
	CONFIG_KEY_ENTER,     /* the keypad's or the terminal's KEY_ENTER */
	CONFIG_KEY_BACKSPACE,
	CONFIG_KEY_DELETE,
	CONFIG_KEY_INSERT,
	CONFIG_KEY_F0,        /* F1..F12 follow as CONFIG_KEY_F0 + n */
};

/* Parses one key as written in a bind line: a single character (UTF-8),
 * "\Cx" or "^x" (control), "\n", "\r", "\t", "\e", or a name in angle
 * brackets such as <down>, <pagedown>, <enter>, <space>, <f5>.
 * Returns 0 and stores the key, or -1 with err set. */
int config_key_parse(const char *text, int *key, struct lib_err *err);

/* The text to show for a key ("j", "<down>", "^F"), in buf. */
void config_key_name(int key, char *buf, size_t size);

/* One "bind MENU KEY FUNCTION" line.  The function name is checked by the
 * caller, which knows its functions; source and line let it report
 * file:line (source is the file of this binding, which can differ from
 * the key map's first one). */
struct config_binding {
	char *menu;
	int key;
	char *function;
	char *source;
	int line;
};

struct config_keymap {
	char *source; /* file name for messages */
	struct config_binding *bindings;
	size_t count;
};

/* Parses key map text (comments with #, blank lines, bind lines; MENU may
 * be a comma list such as index,pager; quoting as in a frankrc, without $
 * and ~ expansion).  Appends to km.  On error returns -1 with err set to
 * "source:line: message". */
int config_keymap_parse(struct config_keymap *km, const char *source, const char *text,
			size_t len, struct lib_err *err);
void config_keymap_release(struct config_keymap *km);

/* --- Values ---------------------------------------------------------- */

/* The URL schemes of an account.  imap://, pop:// and smtp:// mean STARTTLS,
 * which frank always requires; imaps://, pops:// and smtps:// mean TLS from
 * the first byte. */
enum config_scheme {
	CONFIG_SCHEME_NONE,
	CONFIG_SCHEME_IMAP,  /* port 143 */
	CONFIG_SCHEME_IMAPS, /* 993 */
	CONFIG_SCHEME_POP,   /* 110 */
	CONFIG_SCHEME_POPS,  /* 995 */
	CONFIG_SCHEME_SMTP,  /* 587, submission */
	CONFIG_SCHEME_SMTPS, /* 465, submissions */
};

#define CONFIG_SCHEME_BIT(s) (1u << (s))
#define CONFIG_SCHEMES_SOURCE                                                              \
	(CONFIG_SCHEME_BIT(CONFIG_SCHEME_IMAP) | CONFIG_SCHEME_BIT(CONFIG_SCHEME_IMAPS) |  \
	 CONFIG_SCHEME_BIT(CONFIG_SCHEME_POP) | CONFIG_SCHEME_BIT(CONFIG_SCHEME_POPS))
#define CONFIG_SCHEMES_SUBMISSION                                                          \
	(CONFIG_SCHEME_BIT(CONFIG_SCHEME_SMTP) | CONFIG_SCHEME_BIT(CONFIG_SCHEME_SMTPS))

/* A server URL, scheme://[user@]host[:port][/folder], taken apart. */
struct config_url {
	enum config_scheme scheme; /* CONFIG_SCHEME_NONE: not set */
	char *user;                /* percent-decoded; NULL when the URL has none */
	char *host;                /* a name or address; IPv6 without brackets */
	int port;                  /* the scheme's port when the URL gives none */
	char *folder;              /* IMAP: the decoded path after the host, or NULL */
	int implicit_tls;          /* 1: TLS from the start; 0: STARTTLS, required */
};

/* Parses text into url (released first) when its scheme is one of schemes
 * (CONFIG_SCHEME_BIT()s).  A password in the URL is refused: it belongs in
 * passcmd.  Returns 0, or -1 with err set (url unchanged). */
int config_url_parse(const char *text, unsigned schemes, struct config_url *url,
		     struct lib_err *err);
void config_url_release(struct config_url *url);
/* "imap", "smtps", ...; "" for CONFIG_SCHEME_NONE. */
const char *config_scheme_name(enum config_scheme scheme);
/* 1 when host is a loopback address: localhost, 127.0.0.0/8 or ::1. */
int config_host_is_loopback(const char *host);

/* An address as in From: "local@domain" or "Name <local@domain>". */
struct config_address {
	char *name;    /* the display name, or NULL */
	char *address; /* local@domain, or NULL when not set */
};

int config_address_parse(const char *text, struct config_address *addr, struct lib_err *err);
void config_address_release(struct config_address *addr);

/* A certificate pin: the SHA-256 of the server's certificate, written as
 * 32 hex pairs (colons between them optional). */
struct config_fingerprint {
	int set;
	unsigned char sha256[32];
};

int config_fingerprint_parse(const char *text, struct config_fingerprint *fp,
			     struct lib_err *err);

/* A list of words (authserv_ids, pager_headers), written space- or
 * comma-separated. */
struct config_list {
	char **items;
	size_t count;
};

/* --- Options --------------------------------------------------------- */

enum config_sort { CONFIG_SORT_DATE, CONFIG_SORT_THREAD };

/* Global options: each is a row of the option table (options.c), which
 * "set", the defaults and frankrc(5) all come from.  A string that is not
 * set is NULL. */
struct config_globals {
	char *default_account;
	char *mail_root;
	char *editor;
	int sort; /* enum config_sort */
	int sidebar_visible;
	char *keymap;
	char *date_format;
	char *index_format; /* NULL: frank's own, its sender column fitted to the screen */
	struct config_list pager_headers;
	char *signature;
	long timeout;
	char *dns_zone_file;
	int dns_offline;
	int sync_on_start; /* the curses client syncs every account as it starts */
	int imap_idle;     /* and keeps IMAP inboxes current with IDLE */
	int prefer_html;
	char *mailcap_path;
	char *url_command;
};

/* One "account NAME { ... }" block: its own table of options. */
struct config_account {
	char *name;
	const char *file; /* where its block starts (owned by the config) */
	int line;
	char *realname;
	struct config_address from;
	char *signature;
	struct config_url source;
	struct config_url smtp;
	char *folder_inbox;
	char *folder_sent;
	char *folder_drafts;
	char *folder_trash;
	struct config_fingerprint tls_fingerprint;
	char *tls_ca_file;
	char *passcmd;
	char *password; /* only from a file that only its owner can read */
	int allow_plaintext_loopback;
	int leave_on_server; /* POP3: keep messages on the server */
	long size_limit_mb;  /* the largest message to send, in MB */
	struct config_list authserv_ids;
	char *trusted_received_host;
};

/* One "macro MENU KEY SEQUENCE [DESCRIPTION]" line.  The sequence is kept
 * as written (keys, \e, <names>); the UI, which knows its functions,
 * turns it into keys. */
struct config_macro {
	char *menu;
	int key;
	char *keys;
	char *description; /* or NULL */
	char *source;
	int line;
};

/* A macro's sequence as steps: keys (as config_key_parse gives them) and
 * functions by name ("<limit>" gives "limit"; the UI checks the name).
 * Returns 0 with *steps (free with config_macro_steps_free) and *count,
 * or -1 with err set (not UTF-8, more than CONFIG_MACRO_MAX_STEPS). */
#define CONFIG_MACRO_MAX_STEPS 1024
struct config_macro_step {
	int key;
	char *function; /* NULL: the step is key */
};
int config_macro_steps(const char *seq, struct config_macro_step **steps, size_t *count,
		       struct lib_err *err);
void config_macro_steps_free(struct config_macro_step *steps, size_t count);

/* What "color OBJECT FG BG [PATTERN]" can paint. */
enum config_color_object {
	CONFIG_COLOR_NORMAL,
	CONFIG_COLOR_INDICATOR,
	CONFIG_COLOR_STATUS,
	CONFIG_COLOR_ERROR,
	CONFIG_COLOR_MESSAGE,
	CONFIG_COLOR_TREE,
	CONFIG_COLOR_MARKERS,
	CONFIG_COLOR_SEARCH,
	CONFIG_COLOR_TILDE,
	CONFIG_COLOR_HDRDEFAULT,
	CONFIG_COLOR_QUOTED,
	CONFIG_COLOR_SIGNATURE,
	CONFIG_COLOR_ATTACHMENT,
	CONFIG_COLOR_HEADER, /* PATTERN: a regular expression on header lines */
	CONFIG_COLOR_BODY,   /* PATTERN: a regular expression on body text */
	CONFIG_COLOR_INDEX,  /* PATTERN: a mutt pattern such as ~N, kept as text */
};

#define CONFIG_COLOR_DEFAULT (-1) /* the terminal's own colour */

struct config_color {
	enum config_color_object object;
	int fg, bg;    /* CONFIG_COLOR_DEFAULT or 0..255 (0..7 black..white, +8 bright) */
	char *pattern; /* NULL for objects without one */
	char *source;
	int line;
};

/* The name of an object as a frankrc writes it ("indicator"). */
const char *config_color_object_name(enum config_color_object object);

/* Where something was set: a file the config read and a line in it. */
struct config_origin {
	const char *file; /* NULL: the default */
	int line;
};

/* A whole configuration.  Everything in it is owned by it. */
struct config {
	struct config_globals opt;
	struct config_origin *opt_origin; /* per global option, by table row */
	struct config_account *accounts;
	size_t naccounts;
	/* Bindings in the order they apply: the "set keymap" layer (after
	 * config_load), then the user's bind lines. */
	struct config_keymap keys;
	struct config_macro *macros;
	size_t nmacros;
	struct config_color *colors;
	size_t ncolors;
	char **files; /* every file name read, for origins */
	size_t nfiles;
};

/* A configuration holding the defaults.  config_free accepts NULL. */
struct config *config_new(void);
void config_free(struct config *cfg);

/* What a parse gets from outside: environment variables (for $VAR and ~)
 * and the reading of "source"d files.  Either hook may be NULL: every
 * variable is then unset, and source is refused. */
struct config_host {
	/* The value of name, or NULL when it is not set. */
	const char *(*getenv)(void *ctx, const char *name);
	/* Reads path (as written, expanded) and parses it into cfg; from and
	 * line say where the source command is.  Sets err to a whole
	 * "file:line: message" and returns -1 on any error. */
	int (*source)(void *ctx, struct config *cfg, const char *from, int line,
		      const char *path, struct lib_err *err);
	void *ctx;
};

/* Parses frankrc text into cfg (the pure parser: no I/O but through host).
 * file is the name for messages; file_private says that only its owner can
 * read it, which a "password" line needs.  Returns 0, or -1 with err set to
 * "file:line: message" (cfg then holds what came before the error). */
int config_parse(struct config *cfg, const char *file, int file_private, const char *text,
		 size_t len, const struct config_host *host, struct lib_err *err);

/* What needs the whole file: default_account must name an account; an
 * unset editor becomes $VISUAL, else $EDITOR, else vi; a path option that
 * still starts with ~/ (a default such as ~/Mail, or quoted) gets $HOME.  Returns 0, or -1 with err set ("file:line: ..."). */
int config_finish(struct config *cfg, const struct config_host *host, struct lib_err *err);

/* Reads rcfile (NULL: none, the defaults) with its sourced files, checks
 * it (config_finish), and puts the "set keymap = NAME" layer, NAME.keys from
 * the first of keymap_dirs (NULL-terminated) that has it, before the
 * user's bindings.  Returns a new config, or NULL with err set. */
struct config *config_load(const char *rcfile, const char *const *keymap_dirs,
			   struct lib_err *err);

/* An account by name, or NULL. */
const struct config_account *config_account_find(const struct config *cfg, const char *name);
/* default_account, else the first account; NULL when there is none. */
const struct config_account *config_default_account(const struct config *cfg);

/* The account's password: from passcmd (run with /bin/sh -c, its first
 * line of output; its errors go to our standard error) or from the
 * password option.  Returns CONFIG_PASSWORD_FOUND with *password set (free
 * it with config_password_free), CONFIG_PASSWORD_PROMPT when the account has
 * neither and the user must be asked (once per run), or -1 with err set. */
#define CONFIG_PASSWORD_FOUND 0
#define CONFIG_PASSWORD_PROMPT 1
int config_account_password(const struct config_account *acct, char **password,
			    struct lib_err *err);
/* Wipes and frees a password; accepts NULL. */
void config_password_free(char *password);

/* The option table, for frankrc(5) and completion: row i of all options,
 * globals first, then account options. */
struct config_option_info {
	const char *name;
	const char *type;     /* "boolean", "number", "string", "path", ... */
	const char *fallback; /* the default as frankrc(5) shows it; "" for none */
	const char *const *values; /* an enumeration's values, NULL-terminated; else NULL */
	const char *help;     /* one line */
	int account;          /* set inside an account block */
};

size_t config_option_count(void);
void config_option_info(size_t i, struct config_option_info *info);

/* --- Other files in the frankrc syntax -------------------------------- */

/* A configuration file whose commands are not frank's (frankd.conf) read
 * with the frankrc tokenizer: comments, quotes, escapes, continuation
 * lines; $VAR and ~ expansion through host (NULL: none, $ and ~ are plain).
 * Each non-blank logical line becomes its words; the caller gives them
 * meaning.  Owned by the caller: config_lines_release() frees the words
 * (wiping them, since a word may be a secret). */
#define CONFIG_LINE_MAX_WORDS 64

struct config_line {
	int line;     /* the first physical line number, for "file:line: ..." */
	char **words; /* count >= 1 */
	size_t count;
};

struct config_lines {
	struct config_line *lines;
	size_t count;
};

/* Parses text; source names it in errors.  Returns 0 with *out filled, or
 * -1 with err set to "source:line: message" (*out untouched). */
int config_lines_parse(const char *source, const char *text, size_t len,
		       const struct config_host *host, struct config_lines *out,
		       struct lib_err *err);
void config_lines_release(struct config_lines *lines);

/* --- One line of the index (index_format.c) ---------------------------- */

/* One message as $index_format shows it: the values its expandos stand
 * for.  Strings are one-line UTF-8, never NULL. */
struct config_index_line {
	size_t number;           /* %C: its row, from 1 */
	const char *flags;       /* %Z: mutt's three flag columns ("N! ") */
	long long date;          /* %d, %{FMT}: seconds since 1970, shown local */
	const char *date_format; /* of %d; NULL: "%b %d" */
	const char *name;        /* %L, %n: the sender's name, else address */
	const char *address;     /* %a: the sender's address */
	const char *tree;        /* the thread tree %s starts with ("" for none) */
	const char *subject;     /* %s, after the tree */
	long long size;          /* %c: bytes, shown mutt's way; -1 unknown */
	long lines;              /* %l: -1 unknown (empty, unset for %?l?) */
	const char *badge;       /* %B: the badge's character */
	int attachment;          /* %X: "@" when it has one, else " " */
};

/* Parts of a line drawn in their own colour. */
enum config_index_part { CONFIG_INDEX_BADGE, CONFIG_INDEX_TREE };
struct config_index_span {
	size_t off, len; /* bytes of the line */
	enum config_index_part part;
};

/* Expands fmt (mutt's index_format: the grammar is in index_format.c)
 * for line into buf (size bytes, always NUL-terminated, cut at a character
 * boundary when full) and returns its length.  spans (max_spans of them,
 * may be NULL) get where the badge and the thread tree are, *nspans their
 * number.  Pure: bad formats are shown, never refused. */
size_t config_index_format(const char *fmt, const struct config_index_line *line, char *buf,
			   size_t size, struct config_index_span *spans, size_t max_spans,
			   size_t *nspans);
/* A size as mutt's %c writes it: "512", "1.2K", "37K", "2.4M"; "?" below 0. */
void config_index_size(long long n, char *buf, size_t size);

#endif
