/* Unit tests of the domain layer against a real SQLite file: migrations,
** the unit tree (create, move, cycles, deactivation), people, optimistic
** concurrency, role scopes and the audit chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/arena.h"
#include "base/audit.h"
#include "base/auth.h"
#include "base/db.h"
#include "base/schema.h"
#include "people/people.h"
#include "units/units.h"
#include "fixture.h"
#include "web/roles.h"

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "unit", &f->db) != 0) return -1;
	arena_init(&f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fixture_db_remove(f->db, f->path);
	arena_free(&f->a);
	free(f);
	return 0;
}

static int64_t mk(struct db *db, const char *code, const char *name, const char *kind, int64_t parent)
{
	struct field_errors fe = { 0 };
	struct unit_in in = { .code = code, .name = name, .kind = kind, .parent_id = parent, .active = 1 };
	int64_t id = 0;
	assert_int_equal(units_create(db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

/* the kept counter of active children equals a real count for every unit */
static void assert_children_counts(struct db *db)
{
	int64_t wrong = -1;
	assert_int_equal(db_int1(db, &wrong,
				 "SELECT count(*) FROM units u WHERE u.children <> "
				 "(SELECT count(*) FROM units c WHERE c.parent_id = u.id AND c.active = 1)",
				 ""),
			 DB_ROW);
	assert_int_equal(wrong, 0);
}

static void test_tree_paths_and_move(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t b = mk(f->db, "T-B", "Tỉnh B", "province", vn);
	int64_t d = mk(f->db, "A-SNV", "Sở Nội vụ", "department", a);
	int64_t g = mk(f->db, "A-SNV-1", "Phòng 1", "subunit", d);
	struct unit *u;
	assert_int_equal(units_get(f->db, &f->a, g, &u), E_OK);
	char want[64];
	snprintf(want, sizeof want, "/%lld/%lld/%lld/%lld/", (long long)vn, (long long)a, (long long)d, (long long)g);
	assert_string_equal(u->path, want);
	assert_int_equal(u->depth, 3);

	/* move the department (with its child) from A to B */
	struct field_errors fe = { 0 };
	struct unit_in mv = { .parent_id = b, .active = -1 };
	assert_int_equal(units_update(f->db, &auth_system, d, 1, &mv, &fe), E_OK);
	assert_int_equal(units_get(f->db, &f->a, g, &u), E_OK);
	snprintf(want, sizeof want, "/%lld/%lld/%lld/%lld/", (long long)vn, (long long)b, (long long)d, (long long)g);
	assert_string_equal(u->path, want);
	assert_int_equal(u->depth, 3);
	assert_children_counts(f->db);
	assert_int_equal(units_get(f->db, &f->a, b, &u), E_OK);
	assert_int_equal(u->children, 1);

	/* not under itself or its own subtree */
	struct unit_in loop = { .parent_id = g, .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(units_update(f->db, &auth_system, d, 2, &loop, &fe), E_INVALID);
	assert_string_equal(fe.field[0], "parent_id");

	/* a stale version changes nothing */
	struct unit_in ren = { .name = "Tên mới", .parent_id = -1, .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(units_update(f->db, &auth_system, d, 1, &ren, &fe), E_CONFLICT);
	assert_int_equal(units_get(f->db, &f->a, d, &u), E_OK);
	assert_string_equal(u->name, "Sở Nội vụ");
	assert_int_equal(u->version, 2);

	/* the subtree of B: the department and its child */
	struct unit_query q = { .parent = -1, .under = b, .limit = 50 };
	struct unit *items;
	int n;
	int64_t total;
	assert_int_equal(units_list(f->db, &f->a, &q, &items, &n, &total), E_OK);
	assert_int_equal(total, 2);

	/* diacritic-insensitive search */
	struct unit_query s = { .parent = -1, .q = "so noi vu", .limit = 50 };
	assert_int_equal(units_list(f->db, &f->a, &s, &items, &n, &total), E_OK);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].code, "A-SNV");
}

static void test_deactivate_rules(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t c = mk(f->db, "A-X1", "Xã Một", "commune", a);
	struct field_errors fe = { 0 };
	struct unit_in off = { .parent_id = -1, .active = 0 };
	assert_int_equal(units_update(f->db, &auth_system, a, 1, &off, &fe), E_INVALID);
	assert_string_equal(fe.field[0], "active");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(units_update(f->db, &auth_system, c, 1, &off, &fe), E_OK);
	struct unit_query q = { .parent = a, .limit = 50 };
	struct unit *items;
	int n;
	int64_t total;
	units_list(f->db, &f->a, &q, &items, &n, &total);
	assert_int_equal(total, 0);
	q.inactive = 1;
	units_list(f->db, &f->a, &q, &items, &n, &total);
	assert_int_equal(total, 1);
	assert_int_equal(items[0].active, 0);
	assert_children_counts(f->db);
	/* a deactivated unit moved elsewhere and reactivated there */
	int64_t b = mk(f->db, "T-B", "Tỉnh B", "province", vn);
	struct unit_in back = { .parent_id = b, .active = 1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(units_update(f->db, &auth_system, c, 2, &back, &fe), E_OK);
	assert_children_counts(f->db);
	struct unit *u;
	assert_int_equal(units_get(f->db, &f->a, b, &u), E_OK);
	assert_int_equal(u->children, 1);
	assert_int_equal(units_get(f->db, &f->a, a, &u), E_OK);
	assert_int_equal(u->children, 0);
	/* an active unit moved and deactivated in one edit */
	struct unit_in both = { .parent_id = a, .active = 0 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(units_update(f->db, &auth_system, c, 3, &both, &fe), E_OK);
	assert_children_counts(f->db);
	/* validation: unknown kind and bad code */
	struct unit_in bad = { .code = "bad code!", .name = "X", .kind = "galaxy", .parent_id = vn };
	memset(&fe, 0, sizeof fe);
	int64_t id;
	assert_int_equal(units_create(f->db, &auth_system, &bad, &fe, &id), E_INVALID);
	assert_int_equal(fe.n, 2);
	assert_string_equal(fe.field[0], "code");
	assert_string_equal(fe.field[1], "kind");
}

static void test_scope(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t b = mk(f->db, "T-B", "Tỉnh B", "province", vn);
	int64_t a1 = mk(f->db, "A-X1", "Xã Một", "commune", a);
	struct unit *ua, *ub;
	units_get(f->db, &f->a, a1, &ua);
	units_get(f->db, &f->a, b, &ub);
	struct user rep = { .id = 7, .login = "rep", .ngrants = 1 };
	struct unit *pa;
	units_get(f->db, &f->a, a, &pa);
	rep.grants[0] = (struct grant){ .role = ROLE_REPORTER, .unit_id = a, .unit_path = pa->path };
	assert_true(role_can(&rep, PERM_READ, ua->path));
	assert_true(role_can(&rep, PERM_WRITE_PEOPLE, ua->path));
	assert_false(role_can(&rep, PERM_WRITE_UNITS, ua->path));
	assert_false(role_can(&rep, PERM_READ, ub->path));
	/* "/1/2/" must not cover "/1/23/": prefixes end with a slash */
	struct user off = rep;
	off.grants[0].role = ROLE_OFFICER;
	assert_false(role_can(&off, PERM_WRITE_UNITS, ub->path));
	/* the domain refuses a person outside the scope */
	struct field_errors fe = { 0 };
	struct person_in p = { .full_name = "Nguyễn Thị Lan", .gender = "F", .unit_id = b, .active = 1 };
	int64_t id;
	assert_int_equal(people_create(f->db, &rep, &p, &fe, &id), E_FORBIDDEN);
	p.unit_id = a1;
	assert_int_equal(people_create(f->db, &rep, &p, &fe, &id), E_OK);
	struct unit_in mv = { .parent_id = b, .active = -1 };
	assert_int_equal(units_update(f->db, &off, a1, 1, &mv, &fe), E_FORBIDDEN);
}

static void test_people_search_and_versions(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t a1 = mk(f->db, "A-X1", "Xã Một", "commune", a);
	struct field_errors fe = { 0 };
	int64_t lan, minh;
	struct person_in p1 = { .code = "CC1", .full_name = "Nguyễn Thị Lan", .gender = "F", .birth_year = 1985, .unit_id = a1 };
	struct person_in p2 = { .code = "CC2", .full_name = "Đặng Văn Minh", .gender = "M", .unit_id = a };
	assert_int_equal(people_create(f->db, &auth_system, &p1, &fe, &lan), E_OK);
	assert_int_equal(people_create(f->db, &auth_system, &p2, &fe, &minh), E_OK);
	struct people_query q = { .under = a, .q = "nguyen thi lan", .limit = 50, .nranges = -1 };
	struct person *items;
	int n;
	int64_t total;
	assert_int_equal(people_list(f->db, &f->a, &q, &items, &n, &total, NULL), E_OK);
	assert_int_equal(total, 1);
	assert_int_equal(items[0].id, lan);
	struct people_query d = { .q = "dang", .limit = 50, .nranges = -1 };
	people_list(f->db, &f->a, &d, &items, &n, &total, NULL);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].full_name, "Đặng Văn Minh");
	struct people_query direct = { .unit = a, .limit = 50, .nranges = -1 };
	people_list(f->db, &f->a, &direct, &items, &n, &total, NULL);
	assert_int_equal(total, 1);
	/* duplicate code */
	struct person_in dup = { .code = "CC1", .full_name = "X", .gender = "M", .unit_id = a };
	int64_t id;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(people_create(f->db, &auth_system, &dup, &fe, &id), E_INVALID);
	assert_string_equal(fe.field[0], "code");
	/* stale version */
	memset(&fe, 0, sizeof fe);
	struct person_in upd = { .position = "Chuyên viên", .birth_year = -1, .active = -1 };
	assert_int_equal(people_update(f->db, &auth_system, lan, 1, &upd, &fe), E_OK);
	assert_int_equal(people_update(f->db, &auth_system, lan, 1, &upd, &fe), E_CONFLICT);
}

/* person_words holds exactly the distinct words of every person's search key
** with their unit and active flag, and person_word_counts the people per word
** (the same recomputation as migration 008) */
static void assert_word_index(struct db *db)
{
	/* SQLite's instr(s, t) is PostgreSQL's strpos(s, t) */
	const char *instr = strcmp(db_dialect(db), "pg") == 0 ? "strpos" : "instr";
	char split[512];
	snprintf(split, sizeof split,
		 "WITH RECURSIVE split(id, search, unit_id, active, word, rest) AS ("
		 " SELECT id, search, unit_id, active, substr(search, 1, 0), search || ' ' FROM people UNION ALL"
		 " SELECT id, search, unit_id, active, substr(rest, 1, %s(rest, ' ') - 1), substr(rest, %s(rest, ' ') + 1)"
		 " FROM split WHERE rest <> '')",
		 instr, instr);
	char sql[1024];
	int64_t wrong = -1;
	snprintf(sql, sizeof sql,
		 "%s, expect AS (SELECT DISTINCT word, search, id, unit_id, active FROM split WHERE word <> '') "
		 "SELECT (SELECT count(*) FROM (SELECT * FROM expect EXCEPT SELECT word, search, person_id, unit_id, active FROM person_words) x) + "
		 "(SELECT count(*) FROM (SELECT word, search, person_id, unit_id, active FROM person_words EXCEPT SELECT * FROM expect) y)",
		 split);
	assert_int_equal(db_int1(db, &wrong, sql, ""), DB_ROW);
	assert_int_equal(wrong, 0);
	assert_int_equal(db_int1(db, &wrong,
				 "SELECT count(*) FROM (SELECT word, count(*) AS n FROM person_words GROUP BY word) w "
				 "LEFT JOIN person_word_counts c ON c.word = w.word WHERE c.people IS NULL OR c.people <> w.n",
				 ""),
			 DB_ROW);
	assert_int_equal(wrong, 0);
	assert_int_equal(db_int1(db, &wrong,
				 "SELECT count(*) FROM person_word_counts c WHERE c.people <> 0 AND NOT EXISTS "
				 "(SELECT 1 FROM person_words w WHERE w.word = c.word)",
				 ""),
			 DB_ROW);
	assert_int_equal(wrong, 0);
}

/* the names a search finds, in order, joined by '|'; the plans for common
** terms (family-name split, sampled walk, walk of people) and the plan that
** reads a subtree's people must find the same page and count as the plans
** for rare terms */
static const char *found(struct fx *f, const char *q, int inactive, int64_t under, int64_t *total, int *capped)
{
	/* few, scope, prefix_walk: a prefix under few sorted, and walked in people's name order */
	static const struct people_search_tuning plans[] = { { 5000, -1, 0 }, { 1, -1, 0 }, { 5000, 1, 0 }, { 1, 0, 0 }, { 5000, -1, -1 } };
	static char out[5][4096];
	int64_t tot[5];
	int cap[5];
	for (int k = 0; k < 5; k++) {
		struct people_search_tuning saved = people_search_tuning;
		people_search_tuning = plans[k];
		struct people_query pq = { .q = q, .inactive = inactive, .under = under, .limit = 50, .nranges = -1 };
		struct person *items;
		int n;
		assert_int_equal(people_list(f->db, &f->a, &pq, &items, &n, &tot[k], &cap[k]), E_OK);
		people_search_tuning = saved;
		out[k][0] = 0;
		for (int i = 0; i < n; i++) {
			if (i) strcat(out[k], "|");
			strncat(out[k], items[i].full_name, sizeof out[k] - strlen(out[k]) - 2);
		}
		assert_string_equal(out[k], out[0]);
		assert_int_equal(tot[k], tot[0]);
		assert_int_equal(cap[k], cap[0]);
	}
	*total = tot[0];
	*capped = cap[0];
	return out[0];
}

static void test_people_word_search(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t b = mk(f->db, "T-B", "Tỉnh B", "province", vn);
	struct field_errors fe = { 0 };
	const char *names[] = { "Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Vân", "Lê Văn Nguyên", "H'Hen Niê", "Đặng Nguyễn Nguyễn" };
	int64_t id[6];
	for (int i = 0; i < 6; i++) {
		struct person_in p = { .full_name = names[i], .gender = "M", .unit_id = i < 3 ? a : b };
		assert_int_equal(people_create(f->db, &auth_system, &p, &fe, &id[i]), E_OK);
	}
	assert_word_index(f->db);
	int64_t total;
	int capped;
	/* every term starts a word, in any order; names in folded order */
	assert_string_equal(found(f, "nguyen va", 0, 0, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn An|Nguyễn Văn Anh");
	assert_int_equal(total, 3);
	assert_int_equal(capped, 0);
	assert_string_equal(found(f, "AN VĂN", 0, 0, &total, &capped), "Nguyễn Văn An|Nguyễn Văn Anh");
	assert_string_equal(found(f, "anh", 0, 0, &total, &capped), "Nguyễn Văn Anh");
	/* a prefix of two words (an, anh): its matches sorted, or people walked in name order */
	assert_string_equal(found(f, "an", 0, 0, &total, &capped), "Nguyễn Văn An|Nguyễn Văn Anh");
	assert_int_equal(total, 2);
	assert_string_equal(found(f, "van", 0, 0, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn An|Nguyễn Văn Anh|Trần Thị Vân");
	/* inside a word is not the start of a word */
	assert_string_equal(found(f, "guyen", 0, 0, &total, &capped), "");
	assert_int_equal(total, 0);
	assert_string_equal(found(f, "nguyen xyz", 0, 0, &total, &capped), "");
	assert_string_equal(found(f, "đặng", 0, 0, &total, &capped), "Đặng Nguyễn Nguyễn");
	/* punctuation separates words */
	assert_string_equal(found(f, "hen", 0, 0, &total, &capped), "H'Hen Niê");
	assert_string_equal(found(f, "h'hen nie", 0, 0, &total, &capped), "H'Hen Niê");
	assert_string_equal(found(f, "nguyen", 0, b, &total, &capped), "Đặng Nguyễn Nguyễn|Lê Văn Nguyên");
	/* a rename drops the old words */
	struct person_in ren = { .full_name = "Phạm Minh Châu", .birth_year = -1, .active = -1 };
	assert_int_equal(people_update(f->db, &auth_system, id[0], 1, &ren, &fe), E_OK);
	assert_word_index(f->db);
	assert_string_equal(found(f, "nguyen van", 0, 0, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn Anh");
	assert_string_equal(found(f, "chau pham", 0, 0, &total, &capped), "Phạm Minh Châu");
	/* a deactivated person leaves the default search, a move changes the subtree */
	struct person_in off = { .birth_year = -1, .active = 0, .unit_id = b };
	assert_int_equal(people_update(f->db, &auth_system, id[1], 1, &off, &fe), E_OK);
	assert_word_index(f->db);
	assert_string_equal(found(f, "nguyen van", 0, 0, &total, &capped), "Lê Văn Nguyên");
	assert_string_equal(found(f, "nguyen van", 2, 0, &total, &capped), "Nguyễn Văn Anh");
	assert_string_equal(found(f, "nguyen van", 1, b, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn Anh");
	assert_string_equal(found(f, "nguyen van", 1, a, &total, &capped), "");
	assert_string_equal(found(f, "nguyen van", 1, vn, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn Anh");
	/* past PEOPLE_COUNT_CAP matches the count stops and says so */
	assert_int_equal(db_begin(f->db), DB_OK);
	for (int i = 0; i < PEOPLE_COUNT_CAP + 5; i++) {
		char name[64];
		snprintf(name, sizeof name, "Nguyễn Văn Bình %d", i);
		struct person_in p = { .full_name = name, .gender = "M", .unit_id = a };
		int64_t pid;
		assert_int_equal(people_create(f->db, &auth_system, &p, &fe, &pid), E_OK);
	}
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_word_index(f->db);
	found(f, "nguyen van", 0, 0, &total, &capped);
	assert_int_equal(total, PEOPLE_COUNT_CAP);
	assert_int_equal(capped, 1);
	assert_string_equal(found(f, "binh 99", 0, 0, &total, &capped), "Nguyễn Văn Bình 99|Nguyễn Văn Bình 990|Nguyễn Văn Bình 991|"
									 "Nguyễn Văn Bình 992|Nguyễn Văn Bình 993|Nguyễn Văn Bình 994|"
									 "Nguyễn Văn Bình 995|Nguyễn Văn Bình 996|Nguyễn Văn Bình 997|"
									 "Nguyễn Văn Bình 998|Nguyễn Văn Bình 999");
	assert_int_equal(total, 11);
	assert_int_equal(capped, 0);
	/* the first page of a common pair, the same in either order */
	const char *head = "Lê Văn Nguyên|Nguyễn Văn Bình 0|Nguyễn Văn Bình 1|Nguyễn Văn Bình 10|Nguyễn Văn Bình 100|";
	assert_int_equal(strncmp(found(f, "van nguyen", 0, 0, &total, &capped), head, strlen(head)), 0);
	assert_int_equal(strncmp(found(f, "nguyen van", 0, 0, &total, &capped), head, strlen(head)), 0);
	assert_int_equal(strncmp(found(f, "ng va", 0, 0, &total, &capped), head, strlen(head)), 0);
	assert_int_equal(capped, 1);
	/* prefixes of several words each ("n": nguyen, nie; "b": binh, ...) */
	const char *binh = "Nguyễn Văn Bình 0|Nguyễn Văn Bình 1|Nguyễn Văn Bình 10|";
	assert_int_equal(strncmp(found(f, "b n", 0, 0, &total, &capped), binh, strlen(binh)), 0);
	assert_int_equal(capped, 1);
	assert_string_equal(found(f, "n h", 0, 0, &total, &capped), "H'Hen Niê");
	assert_int_equal(total, 1);
	/* within a subtree */
	assert_int_equal(strncmp(found(f, "van nguyen", 0, a, &total, &capped), "Nguyễn Văn Bình 0|Nguyễn Văn Bình 1|", 38), 0);
	assert_int_equal(capped, 1);
	assert_string_equal(found(f, "nguyen", 0, b, &total, &capped), "Đặng Nguyễn Nguyễn|Lê Văn Nguyên");
	assert_string_equal(found(f, "binh 100", 0, b, &total, &capped), "");
}

/* imports a CSV text as the system; the report's counts */
static struct import_report import_csv(struct db *db, const char *csv)
{
	FILE *in = fmemopen((void *)csv, strlen(csv), "rb");
	assert_non_null(in);
	struct import_report rep = { 0 };
	rep.errors = stderr;
	assert_int_equal(people_import(db, &auth_system, in, &rep), E_OK);
	fclose(in);
	return rep;
}

/* The bulk path writes the word index from a batch put in key order (people
** sorted by name, dealt out to their words) on a second thread: the same
** rows and counts as person by person, across a first import into an empty
** table (indexes built again), a second one that adds, renames, moves and
** deactivates, and a name that repeats a word. */
static void test_people_import_word_index(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	int64_t a = mk(f->db, "T-A", "Tỉnh A", "province", vn);
	int64_t b = mk(f->db, "T-B", "Tỉnh B", "province", vn);
	struct import_report rep = import_csv(f->db, "code,full_name,gender,unit_code,active\n"
						     "P1,Nguyễn Văn An,M,T-A,1\n"
						     "P2,Đặng Nguyễn Nguyễn,M,T-B,1\n"
						     "P3,H'Hen Niê,F,T-A,1\n"
						     "P4,Trần Thị Vân,F,T-A,0\n"
						     "P5,Lê Văn Nguyên,M,T-B,1\n"
						     "P6,Nguyễn Văn Anh,M,T-A,1\n");
	assert_int_equal(rep.inserted, 6);
	assert_word_index(f->db);
	int64_t n = 0;
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM person_words", ""), DB_ROW);
	assert_int_equal(n, 17); /* three words a name, "dang nguyen nguyen" two */
	assert_int_equal(db_int1(f->db, &n, "SELECT people FROM person_word_counts WHERE word = 'nguyen'", ""), DB_ROW);
	assert_int_equal(n, 4);
	int64_t total;
	int capped;
	assert_string_equal(found(f, "nguyen van", 0, 0, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn An|Nguyễn Văn Anh");
	assert_string_equal(found(f, "van", 2, 0, &total, &capped), "Trần Thị Vân");
	/* a new person, a rename, a move, a deactivation, one unchanged */
	rep = import_csv(f->db, "code,full_name,gender,unit_code,active\n"
				"P7,Phạm Văn An,M,T-B,1\n"
				"P2,Đặng Thị Nguyễn,M,T-B,1\n"
				"P5,Lê Văn Nguyên,M,T-A,1\n"
				"P1,Nguyễn Văn An,M,T-A,0\n"
				"P6,Nguyễn Văn Anh,M,T-A,1\n");
	assert_int_equal(rep.inserted, 1);
	assert_int_equal(rep.updated, 3);
	assert_int_equal(rep.unchanged, 1);
	assert_word_index(f->db);
	assert_int_equal(db_int1(f->db, &n, "SELECT people FROM person_word_counts WHERE word = 'an'", ""), DB_ROW);
	assert_int_equal(n, 2);
	assert_string_equal(found(f, "an", 0, 0, &total, &capped), "Nguyễn Văn Anh|Phạm Văn An");
	assert_string_equal(found(f, "nguyen", 0, a, &total, &capped), "Lê Văn Nguyên|Nguyễn Văn Anh");
	assert_string_equal(found(f, "nguyen", 0, b, &total, &capped), "Đặng Thị Nguyễn");
}

/* The lines are read and checked on a second thread, a chunk at a time,
** and stored on this one: the errors of both halves (a line by itself; its
** unit, a code seen before) come out in line order over many chunks, every
** line counted, and nothing is kept. */
static void test_people_import_errors_in_order(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	mk(f->db, "T-A", "Tỉnh A", "province", vn);
	struct buf csv;
	buf_init(&csv);
	buf_raw(&csv, "code,full_name,gender,unit_code,birth_year\n");
	char *want = NULL;
	size_t want_len = 0;
	FILE *expect = open_memstream(&want, &want_len);
	for (int i = 1; i <= 3000; i++) {
		int line = i + 1;
		char row[160];
		if (i % 701 == 0) {
			snprintf(row, sizeof row, "P%d,Người %d,Q,T-A,1980\n", i, i);
			fprintf(expect, "line %d: gender: must be M, F or X\n", line);
		} else if (i % 503 == 0) {
			snprintf(row, sizeof row, "P%d,Người %d,M,T-Z,1980\n", i, i);
			fprintf(expect, "line %d: unit_code: no unit has this code\n", line);
		} else if (i % 997 == 0) {
			snprintf(row, sizeof row, "P%d,Người %d,F,T-A\n", 5, i);
			fprintf(expect, "line %d: 4 fields where the header has 5 (a field is missing, or a value holds the separator and is not quoted)\n",
				line);
		} else if (i % 1201 == 0) {
			snprintf(row, sizeof row, "P%d,Người %d,F,T-A,1980\n", 7, i);
			fprintf(expect, "line %d: code: P7 is on line 8 too; a code may appear once in a file\n", line);
		} else {
			snprintf(row, sizeof row, "P%d,Người %d,%s,T-A,%d\n", i, i, i % 2 ? "M" : "F", 1960 + i % 40);
		}
		buf_raw(&csv, row);
	}
	fclose(expect);
	char *got = NULL;
	size_t got_len = 0;
	FILE *errors = open_memstream(&got, &got_len);
	FILE *in = fmemopen(csv.p, csv.len, "rb");
	struct import_report rep = { 0 };
	rep.errors = errors;
	assert_int_equal(people_import(f->db, &auth_system, in, &rep), E_INVALID);
	fclose(in);
	fclose(errors);
	assert_string_equal(got, want);
	assert_int_equal(rep.lines, 3000);
	assert_int_equal(rep.rejected, 4 + 5 + 3 + 2);
	assert_int_equal(rep.inserted, 0);
	int64_t n = -1;
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM people", ""), DB_ROW);
	assert_int_equal(n, 0);
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM person_words", ""), DB_ROW);
	assert_int_equal(n, 0);
	free(got);
	free(want);
	buf_free(&csv);
}

static void test_audit_chain_detects_tampering(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	mk(f->db, "T-A", "Tỉnh A", "province", vn);
	mk(f->db, "T-B", "Tỉnh B", "province", vn);
	mk(f->db, "T-C", "Tỉnh C", "province", vn);
	FILE *out = fopen("/dev/null", "w");
	int64_t rows = 0;
	assert_int_equal(audit_verify(f->db, out, &rows), 0);
	assert_int_equal(rows, 4);
	/* an edited row */
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET after = '{}' WHERE id = 2", ""), DB_OK);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_int_equal(audit_verify(f->db, mem, &rows), 1);
	fclose(mem);
	assert_non_null(strstr(text, "audit row 2: content was changed"));
	free(text);
	/* a deleted middle row, on top */
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 3", ""), DB_OK);
	mem = open_memstream(&text, &len);
	assert_int_equal(audit_verify(f->db, mem, &rows), 2);
	fclose(mem);
	assert_non_null(strstr(text, "audit row 4: rows 3 to 3 are missing"));
	free(text);
	/* a deleted last row */
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 4", ""), DB_OK);
	mem = open_memstream(&text, &len);
	assert_true(audit_verify(f->db, mem, &rows) >= 2);
	fclose(mem);
	assert_non_null(strstr(text, "rows 3 to 4 are missing (deleted from the end)"));
	free(text);
	fclose(out);
}

static void test_newer_database_refused(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_exec(f->db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')", ""), DB_OK);
	assert_int_equal(schema_migrate(f->db, 1), -1);
}

static void test_statement_cache_reentrant(void **state)
{
	/* the same SQL used while a previous use is still stepping */
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", "country", 0);
	mk(f->db, "T-A", "Tỉnh A", "province", vn);
	const char *sql = "SELECT id FROM units ORDER BY id";
	struct stmt *outer = db_query(f->db, sql, "");
	int rows = 0;
	while (db_step(outer) == DB_ROW) {
		int64_t first = 0;
		assert_int_equal(db_int1(f->db, &first, sql, ""), DB_ROW);
		assert_int_equal(first, vn);
		rows++;
	}
	db_done(outer);
	assert_int_equal(rows, 2);
}

static void test_password_hash(void **state)
{
	(void)state;
	char h[128];
	assert_int_equal(password_hash(h, "correct horse"), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_int_equal(password_check(h, "correct horse"), 0);
	assert_int_not_equal(password_check(h, "wrong horse"), 0);
}

int main(void)
{
	if (sodium_init() < 0) return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree_paths_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deactivate_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_people_search_and_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_people_word_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_people_import_word_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_people_import_errors_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain_detects_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_database_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache_reentrant, setup, teardown),
		cmocka_unit_test(test_password_hash),
	};
	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
