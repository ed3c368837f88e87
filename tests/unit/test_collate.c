/* Unit tests of the Vietnamese order (src/base/collate.c) and of the sort
** keys stored with names (migration 009): the order itself, keys of NFC and
** NFD input, one collator per thread, every write path keeping the stored
** key equal to a recomputed one, the refill when the collator changes, and
** the lists that walk the keys. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/buf.h"
#include "base/collate.h"
#include "base/db.h"
#include "base/schema.h"
#include "people/people.h"
#include "units/units.h"
#include "fixture.h"

static int by_collation(const void *x, const void *y) { return collate_cmp(*(const char *const *)x, *(const char *const *)y); }

/* sorts a shuffled copy of want and checks it comes back as want */
static void assert_sorts_as(const char *const *want, int n)
{
	const char **v = malloc(sizeof *v * (size_t)n);
	for (int i = 0; i < n; i++) v[i] = want[(i * 11 + 3) % n]; /* 11 is prime to every n used here */
	qsort(v, (size_t)n, sizeof *v, by_collation);
	for (int i = 0; i < n; i++) assert_string_equal(v[i], want[i]);
	free(v);
}

static void test_vietnamese_order(void **state)
{
	(void)state;
	/* đ after d; ă and â after a; then tones: none, huyền, hỏi, ngã, sắc, nặng */
	static const char *const provinces[] = { "An Giang", "Bà Rịa – Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Ninh", "Bình Định",
						 "Bình Thuận", "Cà Mau", "Cao Bằng", "Dương Minh Châu", "Đà Nẵng", "Đắk Lắk",
						 "Điện Biên", "Đồng Nai", "Hà Nội", "Hải Phòng", "Hòa Bình", "Ô Môn", "Ơ Rơ", "Uông Bí", "Ứng Hòa" };
	assert_sorts_as(provinces, (int)(sizeof provinces / sizeof *provinces));
	static const char *const people[] = { "Anh", "Ân", "Dương", "Đặng" };
	assert_sorts_as(people, 4);
	static const char *const tones[] = { "a", "à", "ả", "ã", "á", "ạ", "ă", "â" };
	assert_sorts_as(tones, 8);
	/* numbers by value; case does not count */
	static const char *const wards[] = { "Phường 1", "Phường 2", "Phường 10", "Phường 11", "Quận 3" };
	assert_sorts_as(wards, 5);
	assert_int_equal(collate_cmp("phường 11", "PHƯỜNG 11"), 0);
	assert_true(collate_cmp("Phường 11", "Phương 11") > 0);
	assert_int_equal(collate_cmp("Nguyễn Văn An", "Nguyễn Văn An"), 0);
	assert_true(collate_cmp("", "A") < 0);
}

static void test_keys(void **state)
{
	(void)state;
	struct buf a, b;
	buf_init(&a);
	buf_init(&b);
	/* "Nguyễn" composed (NFC) and decomposed (NFD: e, circumflex, tilde) */
	assert_true(collate_key(&a, "Nguy\xe1\xbb\x85n") > 0);
	assert_true(collate_key(&b, "Nguye\xcc\x82\xcc\x83n") > 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	/* no 0 byte inside a key: a key that is a prefix of another sorts first */
	assert_null(memchr(a.p, 0, a.len));
	/* invalid UTF-8 sorts as U+FFFD instead of failing; NULL is "" */
	assert_true(collate_key(&a, "abc\xff") > 0);
	assert_int_equal(collate_key(&b, NULL), collate_key(&a, ""));
	/* a name longer than the stack buffer of the conversion */
	char longname[3 * 400 + 1];
	for (int i = 0; i < 400; i++) memcpy(longname + 3 * i, "\xe1\xba\xa1", 3); /* ạ */
	longname[3 * 400] = 0;
	assert_true(collate_key(&a, longname) > 400);
	char v[64];
	assert_non_null(strstr(collate_version(v, sizeof v), "vi "));
	buf_free(&a);
	buf_free(&b);
}

/* Each thread opens its own collator; the key is closed when it exits
** (LeakSanitizer would report a collator left behind). */
static void *thread_key(void *arg)
{
	struct buf *out = arg;
	for (int i = 0; i < 200; i++) collate_key(out, "Thừa Thiên Huế");
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct buf k[4], mine;
	pthread_t t[4];
	buf_init(&mine);
	collate_key(&mine, "Thừa Thiên Huế");
	for (int i = 0; i < 4; i++) {
		buf_init(&k[i]);
		assert_int_equal(pthread_create(&t[i], NULL, thread_key, &k[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(k[i].len, mine.len);
		assert_memory_equal(k[i].p, mine.p, mine.len);
		buf_free(&k[i]);
	}
	buf_free(&mine);
}

/* ---- the stored keys ---- */

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "collate", &f->db) != 0) return -1;
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

static int64_t mk(struct db *db, const char *code, const char *name, int64_t parent)
{
	struct field_errors fe = { 0 };
	struct unit_in in = { .code = code, .name = name, .kind = parent ? "province" : "country", .parent_id = parent, .active = 1 };
	int64_t id = 0;
	assert_int_equal(units_create(db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

static int64_t person(struct db *db, const char *code, const char *name, int64_t unit)
{
	struct field_errors fe = { 0 };
	struct person_in in = { .code = code, .full_name = name, .gender = "F", .unit_id = unit };
	int64_t id = 0;
	assert_int_equal(people_create(db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

/* every stored key of table equals the key recomputed from the name; returns the rows seen */
static int assert_keys(struct db *db, const char *table, const char *name)
{
	char sql[120];
	snprintf(sql, sizeof sql, "SELECT %s, sort_key FROM %s", name, table);
	struct stmt *st = db_query(db, sql, "");
	assert_non_null(st);
	struct buf k;
	buf_init(&k);
	int rows = 0;
	while (db_step(st) == DB_ROW) {
		size_t n = 0;
		const void *stored = db_blob(st, 1, &n);
		collate_key(&k, db_text(st, 0));
		if (n != k.len || (n && memcmp(stored, k.p, n) != 0)) fail_msg("%s: the stored key of '%s' is not its key", table, db_text(st, 0));
		rows++;
	}
	db_done(st);
	buf_free(&k);
	return rows;
}

static void test_write_paths_keep_keys(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", 0);
	int64_t dn = mk(f->db, "T-DN", "Đồng Nai", vn);
	mk(f->db, "T-CM", "Cà Mau", vn);
	mk(f->db, "T-BL", "Bạc Liêu", vn);
	int64_t lan = person(f->db, "CC1", "Nguyễn Thị Lan", dn);
	person(f->db, "CC2", "Đặng Văn Minh", dn);
	/* renames: a unit, a person; an update without a name keeps the key */
	struct field_errors fe = { 0 };
	struct unit_in ru = { .name = "Bình Định", .parent_id = -1, .active = -1 };
	assert_int_equal(units_update(f->db, &auth_system, dn, 1, &ru, &fe), E_OK);
	struct person_in rp = { .full_name = "Ân Thị Lan", .birth_year = -1, .active = -1 };
	assert_int_equal(people_update(f->db, &auth_system, lan, 1, &rp, &fe), E_OK);
	struct person_in pos = { .position = "Chuyên viên", .birth_year = -1, .active = -1 };
	assert_int_equal(people_update(f->db, &auth_system, lan, 2, &pos, &fe), E_OK);
	/* the import: new people and a renamed one (CC2) */
	static const char csv[] = "code,full_name,gender,unit_code\n"
				  "CC2,Dương Văn Minh,M,T-DN\n"
				  "CC3,Anh Thị Hoa,F,T-CM\n"
				  "CC4,Đặng Thị Thu,F,T-BL\n";
	FILE *in = fmemopen((void *)csv, sizeof csv - 1, "rb");
	struct import_report rep = { 0 };
	rep.errors = stderr;
	assert_int_equal(people_import(f->db, &auth_system, in, &rep), E_OK);
	fclose(in);
	assert_int_equal(rep.inserted, 2);
	assert_int_equal(rep.updated, 1);
	/* a units import goes through units_create and units_update */
	static const char ucsv[] = "code,name,kind,parent_code\nT-DN,Đắk Lắk,province,VN\nT-AG,An Giang,province,VN\n";
	in = fmemopen((void *)ucsv, sizeof ucsv - 1, "rb");
	memset(&rep, 0, sizeof rep);
	rep.errors = stderr;
	assert_int_equal(units_import(f->db, &auth_system, in, &rep), E_OK);
	fclose(in);
	assert_int_equal(assert_keys(f->db, "units", "name"), 5);
	assert_int_equal(assert_keys(f->db, "people", "full_name"), 4);

	/* the lists walk the keys: the children of VN, everybody */
	struct unit_query uq = { .parent = vn, .limit = 50 };
	struct unit *units;
	int n;
	int64_t total;
	assert_int_equal(units_list(f->db, &f->a, &uq, &units, &n, &total), E_OK);
	assert_int_equal(n, 4);
	assert_string_equal(units[0].name, "An Giang");
	assert_string_equal(units[1].name, "Bạc Liêu");
	assert_string_equal(units[2].name, "Cà Mau");
	assert_string_equal(units[3].name, "Đắk Lắk");
	uq.sort = "-name";
	assert_int_equal(units_list(f->db, &f->a, &uq, &units, &n, &total), E_OK);
	assert_string_equal(units[0].name, "Đắk Lắk");
	struct people_query pq = { .limit = 50, .nranges = -1 };
	struct person *p;
	assert_int_equal(people_list(f->db, &f->a, &pq, &p, &n, &total, NULL), E_OK);
	assert_int_equal(n, 4);
	assert_string_equal(p[0].full_name, "Anh Thị Hoa");
	assert_string_equal(p[1].full_name, "Ân Thị Lan");
	assert_string_equal(p[2].full_name, "Dương Văn Minh");
	assert_string_equal(p[3].full_name, "Đặng Thị Thu");
	pq.unit = dn;
	assert_int_equal(people_list(f->db, &f->a, &pq, &p, &n, &total, NULL), E_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].full_name, "Ân Thị Lan");
	assert_string_equal(p[1].full_name, "Dương Văn Minh");
	/* a search still finds without diacritics */
	struct people_query sq = { .q = "dang thu", .limit = 50, .nranges = -1 };
	assert_int_equal(people_list(f->db, &f->a, &sq, &p, &n, &total, NULL), E_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].full_name, "Đặng Thị Thu");
}

/* Keys of another collator (an ICU upgrade) or none (a database that had
** rows before migration 009) are all recomputed when the database opens. */
static void test_refill_on_new_collator(void **state)
{
	struct fx *f = *state;
	int64_t vn = mk(f->db, "VN", "Việt Nam", 0);
	mk(f->db, "T-DN", "Đồng Nai", vn);
	person(f->db, "CC1", "Đặng Văn Minh", vn);
	assert_int_equal(db_exec(f->db, "UPDATE units SET sort_key = x''", ""), DB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE people SET sort_key = x'01'", ""), DB_OK);
	/* the same version: nothing is recomputed */
	assert_int_equal(schema_migrate(f->db, 1), 0);
	int64_t empty = 0;
	db_int1(f->db, &empty, "SELECT count(*) FROM units WHERE sort_key = x''", "");
	assert_int_equal(empty, 2);
	assert_int_equal(db_exec(f->db, "UPDATE sort_key_collator SET version = 'vi 1.0.0.0 num'", ""), DB_OK);
	assert_int_equal(schema_migrate(f->db, 1), 0);
	assert_int_equal(assert_keys(f->db, "units", "name"), 2);
	assert_int_equal(assert_keys(f->db, "people", "full_name"), 1);
	char want[64];
	collate_version(want, sizeof want);
	struct stmt *st = db_query(f->db, "SELECT version FROM sort_key_collator", "");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 0), want);
	db_done(st);
	/* a database from before migration 009: the rows get their keys */
	assert_int_equal(db_exec(f->db, "DELETE FROM sort_key_collator", ""), DB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE people SET sort_key = x''", ""), DB_OK);
	assert_int_equal(schema_migrate(f->db, 1), 0);
	assert_int_equal(assert_keys(f->db, "people", "full_name"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vietnamese_order),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_threads),
		cmocka_unit_test_setup_teardown(test_write_paths_keep_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refill_on_new_collator, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	collate_thread_end();
	return rc;
}
