/* sync_pop3.c: a POP3 account into its inbox Maildir (stub until POP3). */
#include "store_internal.h"

int sync_pop3_account(struct sync_account *as, struct lib_err *err)
{
	(void)as;
	return lib_err_set(err, "POP3 is not done yet");
}
