/* fuzz_macro.c: hostile macro sequences through config_macro_steps.
 * Aborts when a parse that succeeds breaks its bounds: more steps than
 * CONFIG_MACRO_MAX_STEPS or than input bytes, a key that is neither a
 * code point nor a named key, an empty or non-name function. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_macro: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *seq = malloc(size + 1);
	if (!seq)
		return 0;
	memcpy(seq, data, size);
	seq[size] = '\0';
	struct config_macro_step *steps;
	size_t n;
	struct lib_err err;
	if (config_macro_steps(seq, &steps, &n, &err) == 0) {
		if (n > CONFIG_MACRO_MAX_STEPS || n > strlen(seq))
			fail("more steps than allowed");
		for (size_t i = 0; i < n; i++) {
			if (steps[i].function) {
				if (!steps[i].function[0] || strspn(steps[i].function,
								    "abcdefghijklmnopqrstuvwxyz0123456789-") !=
								     strlen(steps[i].function))
					fail("a function that is not a name");
			} else if (steps[i].key < 0 || steps[i].key > CONFIG_KEY_F0 + 12) {
				fail("a key out of range");
			}
		}
		config_macro_steps_free(steps, n);
	} else if (!err.msg[0]) {
		fail("an error without a message");
	}
	free(seq);
	return 0;
}
