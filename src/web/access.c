/* Who may read what: the per-kind-of-record decisions that generic
** machinery (file downloads) asks about. Each feature that attaches files
** to its records adds its case here, with the same scope rule as its own
** pages (the record's unit, auth_can). */
#include <string.h>

#include "web.h"

int attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	(void)r;
	(void)entity;
	(void)entity_id;
	/* no kind of record carries attachments yet: nobody reads any */
	return 0;
}
