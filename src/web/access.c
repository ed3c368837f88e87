/* Who may read what: generic machinery (file downloads) asks the feature
** that owns the record. routes.c lists, next to the routes, which feature
** answers for which kind of record (attachment_readers[]); a kind nobody
** answers for is read by nobody. */
#include <string.h>

#include "web.h"

int attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	for (const struct attachment_reader *a = attachment_readers; a->entity; a++)
		if (strcmp(a->entity, entity) == 0) return a->readable(r, entity, entity_id);
	return 0;
}
