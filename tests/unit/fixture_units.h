/* Units and users for a domain test (after cmocka.h and fixture.h): a unit
** made by the system user, and a user holding one role on a unit, as
** role_load_user would fill it. Header-only. */
#ifndef THIDUA_TEST_FIXTURE_UNITS_H
#define THIDUA_TEST_FIXTURE_UNITS_H
#include "base/arena.h"
#include "base/auth.h"
#include "units/units.h"
#include "web/roles.h"

static inline int64_t fixture_unit(struct db *db, const char *code, const char *name, const char *kind, int64_t parent)
{
	struct field_errors fe = { 0 };
	struct unit_in in = { .code = code, .name = name, .kind = kind, .parent_id = parent, .active = 1 };
	int64_t id = 0;
	assert_int_equal(units_create(db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

static inline void fixture_grant(struct db *db, struct arena *a, struct user *u, const char *login, enum role role, int64_t unit)
{
	int64_t id = 0;
	assert_int_equal(db_int1(db, &id,
				 "INSERT INTO users (login, full_name, password_hash, created_at, updated_at) VALUES ($1, $1, 'x', 'now', 'now') RETURNING id",
				 "t", login),
			 DB_ROW);
	struct unit *un;
	assert_int_equal(units_get(db, a, unit, &un), E_OK);
	memset(u, 0, sizeof *u);
	u->id = id;
	u->login = login;
	u->ngrants = 1;
	u->grants[0] = (struct grant){ .role = role, .unit_id = unit, .unit_path = un->path, .unit_name = un->name, .unit_depth = un->depth };
}

#endif
