/* check_rules: prints frank dnscheck's scoring table (check_rules.c) one
 * rule a line, "NAME|CHECK|STATUS[, -POINTS]: WHAT", in the order of the
 * enum, so that tests/integration/dnscheck_doc.sh can hold doc/frank.1 to
 * it.  Exit status 1 if a rule of the enum has no entry. */
#include <stdio.h>

#include "auth.h"

int main(void)
{
	int rc = 0;
	for (int r = 0; r < AUTH_RULE_COUNT; r++) {
		const struct auth_check_rule_info *info = auth_check_rule_get((enum auth_check_rule)r);
		if (!info || !info->name || !info->check || !info->what) {
			fprintf(stderr, "check_rules: rule %d has no entry in the table\n", r);
			rc = 1;
			continue;
		}
		printf("%s|%s|%s", info->name, info->check, auth_check_status_str(info->status));
		if (info->points % 10)
			printf(", -%u.%u", info->points / 10, info->points % 10);
		else if (info->points)
			printf(", -%u", info->points / 10);
		printf(": %s\n", info->what);
	}
	return rc;
}
