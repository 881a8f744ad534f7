/* theme.c: colours and badges.  The default theme reads well on 8 and on
 * 256 colours; the user's "color" lines win.  Every badge has its own
 * character too, so that it survives monochrome terminals and readers who
 * cannot tell red from green. */
#include "ui_internal.h"

#include <string.h>

struct theme_entry {
	short fg8, fg256, bg;
	int attrs;
};

/* Indexed by enum ui_color.  -1: the terminal's own colour. */
static const struct theme_entry defaults[UI_COLOR_COUNT] = {
	[UI_COLOR_NORMAL] = { -1, -1, -1, 0 },
	[UI_COLOR_INDICATOR] = { -1, -1, -1, A_REVERSE },
	[UI_COLOR_STATUS] = { -1, -1, -1, A_REVERSE },
	[UI_COLOR_ERROR] = { COLOR_RED, 196, -1, A_BOLD },
	[UI_COLOR_QUOTED] = { COLOR_GREEN, 108, -1, 0 },
	[UI_COLOR_SIGNATURE] = { COLOR_BLUE, 245, -1, 0 },
	[UI_COLOR_HEADER] = { COLOR_CYAN, 110, -1, 0 },
	[UI_COLOR_TREE] = { COLOR_MAGENTA, 133, -1, 0 },
	[UI_COLOR_SIDEBAR] = { COLOR_CYAN, 74, -1, 0 },
	[UI_COLOR_BADGE_VERIFIED] = { COLOR_GREEN, 34, -1, A_BOLD },
	[UI_COLOR_BADGE_FAILED] = { COLOR_RED, 196, -1, A_BOLD },
	[UI_COLOR_BADGE_PARTIAL] = { COLOR_YELLOW, 214, -1, A_BOLD },
	[UI_COLOR_BADGE_NONE] = { -1, 245, -1, 0 },
	[UI_COLOR_BADGE_UNKNOWN] = { COLOR_MAGENTA, 170, -1, 0 },
	[UI_COLOR_WARNING] = { COLOR_RED, 202, -1, A_BOLD },
};

static int attrs[UI_COLOR_COUNT];

/* The objects a frankrc's "color" line can set here. */
static int object_of(enum config_color_object o)
{
	switch (o) {
	case CONFIG_COLOR_NORMAL: return UI_COLOR_NORMAL;
	case CONFIG_COLOR_INDICATOR: return UI_COLOR_INDICATOR;
	case CONFIG_COLOR_STATUS: return UI_COLOR_STATUS;
	case CONFIG_COLOR_ERROR: return UI_COLOR_ERROR;
	case CONFIG_COLOR_QUOTED: return UI_COLOR_QUOTED;
	case CONFIG_COLOR_SIGNATURE: return UI_COLOR_SIGNATURE;
	case CONFIG_COLOR_HDRDEFAULT: return UI_COLOR_HEADER;
	case CONFIG_COLOR_TREE: return UI_COLOR_TREE;
	default: return -1;
	}
}

void ui_theme_init(const struct config *cfg)
{
	int colour = has_colors() && start_color() == OK;
	if (colour)
		use_default_colors();
	for (int i = 0; i < UI_COLOR_COUNT; i++) {
		const struct theme_entry *t = &defaults[i];
		attrs[i] = t->attrs;
		if (!colour || (t->fg8 < 0 && (COLORS < 256 || t->fg256 < 0)))
			continue;
		short fg = COLORS >= 256 ? t->fg256 : t->fg8;
		init_pair((short)(i + 1), fg, t->bg);
		attrs[i] |= (int)COLOR_PAIR(i + 1);
	}
	for (size_t k = 0; colour && cfg && k < cfg->ncolors; k++) {
		const struct config_color *c = &cfg->colors[k];
		int i = object_of(c->object);
		if (i < 0 || c->fg >= COLORS || c->bg >= COLORS)
			continue;
		init_pair((short)(i + 1), (short)c->fg, (short)c->bg);
		/* A colour the user chose replaces the default's reverse video. */
		attrs[i] = (int)COLOR_PAIR(i + 1);
	}
}

int ui_theme_attr(enum ui_color c)
{
	return attrs[c];
}

void ui_badge_of(const char *badge, int utf8, struct ui_badge *out)
{
	static const struct {
		const char *name, *glyph, *ascii;
		enum ui_color color;
		const char *word;
	} kinds[] = {
		{ "verified", "\u2713", "+", UI_COLOR_BADGE_VERIFIED, "verified" },
		{ "failed", "\u2717", "X", UI_COLOR_BADGE_FAILED, "failed" },
		{ "partial", "~", "~", UI_COLOR_BADGE_PARTIAL, "partial" },
		{ "none", "\u00b7", "-", UI_COLOR_BADGE_NONE, "none" },
		{ "unknown", "?", "?", UI_COLOR_BADGE_UNKNOWN, "unknown" },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(badge, kinds[i].name) == 0) {
			out->glyph = utf8 ? kinds[i].glyph : kinds[i].ascii;
			out->color = kinds[i].color;
			out->word = kinds[i].word;
			return;
		}
	}
	/* Never verified (a plain Maildir, or a sync without a verdict). */
	out->glyph = " ";
	out->color = UI_COLOR_BADGE_NONE;
	out->word = "not verified";
}
