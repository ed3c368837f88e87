/* What the files of src/people share and nobody else sees: the columns of a
** person as every read selects them, and the reader of such a row. */
#ifndef THIDUA_PEOPLE_INT_H
#define THIDUA_PEOPLE_INT_H
#include "people.h"

struct stmt;

#define PERSON_COLS                                                                                                 \
	"p.id, p.code, p.full_name, p.gender, p.birth_year, p.unit_id, u.code, u.name, u.path, p.position, p.active, " \
	"p.version, p.created_at, p.updated_at"
#define PERSON_FROM " FROM people p JOIN units u ON u.id = p.unit_id "

void read_person(struct stmt *st, struct arena *a, struct person *p);

#endif
