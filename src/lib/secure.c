/* secure.c: wiping secrets from memory. */
#include "lib.h"

void lib_secure_zero(void *p, size_t n)
{
	/* Stores through a volatile pointer are observable behaviour, so the
	 * compiler cannot remove them as dead stores before a free(). */
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}
