/* Who may read what: the per-kind-of-record decisions that generic
** machinery (file downloads) asks about. Each feature that attaches files
** to its records adds its case here, with the same scope rule as its own
** pages (the record's unit, auth_can). */
#include <string.h>

#include "../movements/movements.h"
#include "web.h"

int attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	if (strcmp(entity, "movement") == 0) {
		struct movement *m;
		return movements_get(r->db, &r->a, entity_id, &m) == E_OK && movement_readable(r->user, m);
	}
	if (strcmp(entity, "report") == 0) {
		struct report *rp;
		if (reports_get(r->db, &r->a, entity_id, &rp) != E_OK) return 0;
		entity = "model";
		entity_id = rp->model_id;
	}
	if (strcmp(entity, "model") == 0) {
		struct model *d;
		return models_get(r->db, &r->a, entity_id, &d) == E_OK && model_readable(r->db, r->user, d);
	}
	return 0;
}
