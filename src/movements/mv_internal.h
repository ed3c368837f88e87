/* Shared inside src/movements only. */
#ifndef THIDUA_MV_INTERNAL_H
#define THIDUA_MV_INTERNAL_H
#include <stdint.h>

#include "../base/auth.h"
#include "../web/roles.h"

struct db;

int mv_may(const struct user *who, enum perm perm, const char *path);   /* NULL who: the command line */
char *mv_search_key(const char *title, const char *code);               /* malloc'd */

struct movement;
struct commitment_in;
struct field_errors;
int mv_check_values(const struct movement *m, const struct commitment_in *v, const char *const *keys, int n, const char *field,
		    struct field_errors *fe);
int mv_check_deadline(const struct user *who, const struct movement *m, const char *unit_path, const char *on, int *late,
		      struct field_errors *fe);

/* movements_get / registrations_get without the counts of registrations and
** models (they scan the movement's models): for the writers, which run once
** per imported row and read no count */
int movements_get_plain(struct db *db, struct arena *a, int64_t id, struct movement **out);
int registrations_get_plain(struct db *db, struct arena *a, int64_t id, struct registration **out);

#endif
