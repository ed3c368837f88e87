/* Dialect-independent helpers for building SQL from fixed fragments. */
#include <string.h>

#include "buf.h"
#include "db.h"

void db_order_by(struct buf *sql, const char *sort, const char *const *keys, const char *const *cols, const char *dflt)
{
	buf_raw(sql, " ORDER BY ");
	int n = 0;
	const char *p = sort;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int desc = *p == '-';
		const char *k = p + desc;
		size_t kl = len - (size_t)desc;
		for (int i = 0; keys[i]; i++) {
			if (strlen(keys[i]) == kl && memcmp(keys[i], k, kl) == 0) {
				/* "col NULLS FIRST" reversed is "col DESC NULLS LAST" */
				static const char nf[] = " NULLS FIRST";
				size_t cl = strlen(cols[i]);
				int nulls = cl > sizeof nf - 1 && strcmp(cols[i] + cl - (sizeof nf - 1), nf) == 0;
				if (nulls && desc)
					buf_printf(sql, "%s%.*s DESC NULLS LAST", n ? ", " : "", (int)(cl - (sizeof nf - 1)), cols[i]);
				else
					buf_printf(sql, "%s%s%s", n ? ", " : "", cols[i], desc ? " DESC" : "");
				n++;
			}
		}
		p = e ? e + 1 : NULL;
	}
	buf_printf(sql, "%s%s", n ? ", " : "", dflt);
}
