/* demo: the demo data set. The curated hierarchy behind the source
** documents (data/demo/units.csv, compiled in) plus generated departments,
** communes and people, from a fixed seed so every run gives the same data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/assets.h"
#include "../clusters/clusters_demo.h"
#include "../commendation/commendation.h"
#include "../decisions/decisions.h"
#include "../tasks/tasks.h"
#include "../indicators/indicators.h"
#include "../movements/movements.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../commendation/rule_sets.h"
#include "../people/people.h"
#include "../units/units.h"
#include "../users/users.h"
#include "../votes/votes.h"
#include "cli.h"

static uint64_t rng = 0x7468696475613131ull; /* "thidua11" */

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

#define MAX_WORDS 128
struct list {
	int n;
	char *w[MAX_WORDS];
};

enum { L_FAMILY, L_MIDDLE_M, L_MIDDLE_F, L_GIVEN_M, L_GIVEN_F, L_POSITIONS, L_COUNT };
static const char *const sections[] = { "[family]", "[middle_male]", "[middle_female]", "[given_male]", "[given_female]", "[positions]" };

static void load_names(struct list *l)
{
	const struct asset *a = asset_find("data/demo/names.txt");
	if (!a) return;
	char *text = strndup((const char *)a->data, a->len), *save = NULL;
	int cur = -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = 0;
		if (!*line || *line == '#') continue;
		if (*line == '[') {
			cur = -1;
			for (int i = 0; i < L_COUNT; i++) if (!strcmp(line, sections[i])) cur = i;
			continue;
		}
		if (cur >= 0 && l[cur].n < MAX_WORDS) l[cur].w[l[cur].n++] = strdup(line);
	}
	free(text);
}

static const char *pick(const struct list *l, const char *dflt) { return l->n ? l->w[next_rand() % (uint32_t)l->n] : dflt; }

/* Departments every generated province gets, and commune name stems. */
static const char *const depts[] = {
	"Sở Nội vụ", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng", "Sở Công Thương",
	"Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp",
	"Thanh tra tỉnh", "Văn phòng UBND tỉnh",
};
static const char *const stems[] = { "Tân Lập", "Hòa Bình", "Thành Công", "Quyết Thắng", "Đồng Tâm", "Tiến Bộ", "Hợp Thành",
				     "Phú Lộc", "Yên Bình", "Xuân Phong", "Đông Hưng", "Trung Sơn", "Bình Minh", "Hưng Đạo" };

static int add_unit(struct db *db, const char *code, const char *name, const char *kind, int64_t parent, int64_t *id)
{
	struct field_errors fe = { 0 };
	struct unit_in in = { .code = code, .name = name, .kind = kind, .parent_id = parent, .active = 1 };
	return units_create(db, &auth_system, &in, &fe, id);
}

/* A unit's people go in ROWS_PER_INSERT to a statement (7 parameters a row,
** the unit and the time shared: within the 64 of db_pg.c) and their words
** through a batch (people.h): on PostgreSQL each statement is a round trip
** to the server, and three or four a person were most of the demo's time. */
#define ROWS_PER_INSERT 8

struct demo_person {
	char name[200], code[32];
	const char *position;
	int female;
	int64_t year, id;
	char *key;            /* the folded name */
	struct buf sort;      /* the ICU sort key */
};

/* inserts p[0..n-1] and reads back their ids; DB_OK or an error */
static int insert_people(struct db *db, struct demo_person *p, int n, int64_t unit_id, const char *now)
{
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "INSERT INTO people (code, full_name, search, sort_key, gender, birth_year, position, unit_id, active, created_at, updated_at) VALUES ");
	for (int i = 0; i < n; i++) {
		int k = 3 + 7 * i;
		buf_printf(&sql, "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $1, 1, $2, $2)", i ? ", " : "", k, k + 1, k + 2, k + 3, k + 4, k + 5, k + 6);
	}
	buf_raw(&sql, " RETURNING id, code");
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return DB_ERR;
	db_bind_int(st, 1, unit_id);
	db_bind_text(st, 2, now);
	for (int i = 0; i < n; i++) {
		int k = 3 + 7 * i;
		db_bind_text(st, k, p[i].code);
		db_bind_text(st, k + 1, p[i].name);
		db_bind_text(st, k + 2, p[i].key);
		db_bind_blob(st, k + 3, p[i].sort.p ? p[i].sort.p : "", p[i].sort.len);
		db_bind_text(st, k + 4, p[i].female ? "F" : "M");
		db_bind_int(st, k + 5, p[i].year);
		db_bind_text(st, k + 6, p[i].position);
	}
	int rc, got = 0;
	/* the rows come back by their codes, whatever order the database returns them in */
	while ((rc = db_step(st)) == DB_ROW) {
		const char *code = db_text(st, 1);
		for (int i = 0; i < n; i++)
			if (!p[i].id && code && strcmp(p[i].code, code) == 0) { p[i].id = db_int(st, 0); got++; break; }
	}
	db_done(st);
	return rc == DB_DONE && got == n ? DB_OK : rc == DB_DONE ? DB_ERR : rc;
}

static int64_t add_people(struct db *db, struct audit_chain *chain, const struct user *who, struct list *l, int64_t unit_id,
			  const char *unit_code, int count, int64_t *serial, struct word_batch *words)
{
	char now[21];
	now_iso(now);
	struct demo_person p[ROWS_PER_INSERT];
	int64_t added = 0;
	for (int i = 0; i < count;) {
		int n = 0;
		for (; n < ROWS_PER_INSERT && i < count; n++, i++) {
			struct demo_person *d = &p[n];
			d->female = next_rand() % 2;
			snprintf(d->name, sizeof d->name, "%s %s %s", pick(&l[L_FAMILY], "Nguyễn"),
				 pick(&l[d->female ? L_MIDDLE_F : L_MIDDLE_M], d->female ? "Thị" : "Văn"), pick(&l[d->female ? L_GIVEN_F : L_GIVEN_M], "An"));
			snprintf(d->code, sizeof d->code, "CC%08lld", (long long)++*serial);
			d->position = i == 0 ? "Thủ trưởng đơn vị" : pick(&l[L_POSITIONS], "Chuyên viên");
			d->year = 1965 + next_rand() % 38;
			d->id = 0;
			d->key = fold_words_dup(d->name);
			buf_init(&d->sort);
			collate_key(&d->sort, d->name);
		}
		int rc = DB_OK;
		for (int k = 0; k < n && rc == DB_OK; k++) if (!p[k].key) rc = DB_ERR;
		if (rc == DB_OK) rc = insert_people(db, p, n, unit_id, now);
		for (int k = 0; k < n && rc == DB_OK; k++) {
			rc = person_words_add(db, p[k].id, p[k].key, unit_id, 1, words);
			char after[400];
			snprintf(after, sizeof after, "{\"code\":\"%s\",\"unit_code\":\"%s\"}", p[k].code, unit_code);
			if (rc == DB_OK) rc = audit_chain_add(chain, who, "create", "person", p[k].id, NULL, after, "demo");
		}
		for (int k = 0; k < n; k++) {
			free(p[k].key);
			buf_free(&p[k].sort);
		}
		if (rc != DB_OK) return -1;
		added += n;
	}
	return added;
}

/* A demo user with a generated password, printed for the person trying thidua. */
static int add_user(struct db *db, const struct user *who, const char *login, const char *name, const char *role, const char *unit_code)
{
	char pw[17], err[300];
	int64_t id;
	users_gen_password(pw, 13, login);
	if (users_create(db, who, login, name, pw, role, unit_code, &id, err, sizeof err) != 0) {
		fprintf(stderr, "demo user %s: %s\n", login, err);
		return -1;
	}
	printf("demo user %-16s %-8s on %-14s password: %s\n", login, role, unit_code, pw);
	return 0;
}

static int demo_usage(int help)
{
	return cli_usage(help, "usage: thidua demo [--db PATH] [--people-per-unit N]\n\n"
			 "Loads the demo data into a database made by 'thidua init': the units behind the\n"
			 "source documents, generated departments and communes for every province, about N\n"
			 "people per unit (default 8), and a few users with roles, whose generated passwords\n"
			 "are printed.\n");
}

int cmd_demo(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--people-per-unit", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return demo_usage(0);
	if (a.help || a.npos) return demo_usage(a.help);
	struct db *db;
	if (cli_open_db(arg(&a, "--db", "thidua.db"), &db, 0) != 0) return 1;
	int64_t have = 0;
	db_int1(db, &have, "SELECT count(*) FROM units", "");
	if (have > 1) { fprintf(stderr, "the database has data already; demo loads into a new one\n"); db_close(db); return 1; }
	int per_unit = atoi(arg(&a, "--people-per-unit", "8"));
	const struct asset *csv = asset_find("data/demo/units.csv");
	if (!csv) { fprintf(stderr, "this binary has no demo data\n"); db_close(db); return 1; }
	FILE *f = fmemopen((void *)csv->data, csv->len, "rb");
	struct import_report rep = { 0 };
	rep.errors = stderr;
	static struct user demo_user = { .id = 0, .login = "demo", .full_name = "demo", .system = 1 };
	int rc = units_import(db, &demo_user, f, &rep);
	fclose(f);
	if (rc != E_OK) { fprintf(stderr, "the demo units did not load\n"); db_close(db); return 1; }

	struct list names[L_COUNT];
	memset(names, 0, sizeof names);
	load_names(names);
	db_begin(db);
	/* generated structure: provinces without curated children get departments and communes */
	struct stmt *st = db_query(db, "SELECT id, code FROM units WHERE kind IN ('province', 'city') ORDER BY code", "");
	int64_t ids[128];
	char codes[128][40];
	int np = 0;
	while (st && db_step(st) == DB_ROW && np < 128) {
		ids[np] = db_int(st, 0);
		snprintf(codes[np], sizeof codes[np], "%s", db_text(st, 1));
		np++;
	}
	db_done(st);
	int64_t made = 0;
	for (int i = 0; i < np; i++) {
		int64_t kids = 0;
		db_int1(db, &kids, "SELECT count(*) FROM units WHERE parent_id = $1", "i", ids[i]);
		for (size_t d = 0; d < sizeof depts / sizeof *depts; d++) {
			char code[64];
			snprintf(code, sizeof code, "%.40s-G%02zu", codes[i], d + 1);
			int64_t id;
			/* provinces the documents describe keep only their curated departments */
			if (kids > 3) break;
			if (add_unit(db, code, depts[d], "department", ids[i], &id) == E_OK) made++;
		}
		int ncommunes = kids > 3 ? 0 : 8 + (int)(next_rand() % 8);
		for (int c = 0; c < ncommunes; c++) {
			char code[64], name[120];
			snprintf(code, sizeof code, "%.40s-X%02d", codes[i], c + 1);
			int ward = next_rand() % 3 == 0;
			snprintf(name, sizeof name, "%s %s", ward ? "Phường" : "Xã", stems[(c + i) % (sizeof stems / sizeof *stems)]);
			int64_t id;
			if (add_unit(db, code, name, ward ? "ward" : "commune", ids[i], &id) == E_OK) made++;
		}
	}
	/* people in every unit below the provincial level and in the departments */
	struct audit_chain chain;
	audit_chain_open(db, &chain);
	st = db_query(db, "SELECT id, code, kind FROM units WHERE depth >= 2 OR kind IN ('ministry', 'central') ORDER BY id", "");
	int64_t serial = 0, people = 0;
	struct word_batch *words = word_batch_new(); /* the word index of their names, written sorted */
	int nmovements = 0, nmodels = 0, nachievements = 0, nproposals = 0, nrule_sets = 0, ntasks = 0, nindicator_values = 0;
	int nvotes = 0;
	int ncards = 0, nsigned = 0; /* clusters */
	struct { int64_t id; char code[40]; } *units = malloc(sizeof *units * 20000);
	int nu = 0;
	while (st && db_step(st) == DB_ROW && nu < 20000) {
		units[nu].id = db_int(st, 0);
		snprintf(units[nu].code, sizeof units[nu].code, "%s", db_text(st, 1));
		nu++;
	}
	db_done(st);
	if (!words) rc = E_DB;
	for (int i = 0; i < nu && per_unit > 0 && rc == E_OK; i++) {
		int count = per_unit / 2 + (int)(next_rand() % (uint32_t)(per_unit + 1));
		int64_t n = add_people(db, &chain, &demo_user, names, units[i].id, units[i].code, count, &serial, words);
		if (n < 0) { rc = E_DB; break; }
		people += n;
	}
	if (rc == E_OK && word_batch_flush(db, words) != DB_OK) rc = E_DB;
	word_batch_free(words);
	free(units);
	if (rc == E_OK && audit_chain_close(&chain) != DB_OK) rc = E_DB;
	if (rc == E_OK) {
		add_user(db, &demo_user, "sonla.officer", "Cán bộ Ban TĐKT Sơn La", "officer", "T-SONLA");
		add_user(db, &demo_user, "quangyen.reporter", "Báo cáo viên Quảng Yên", "reporter", "QN-QUANGYEN");
		add_user(db, &demo_user, "camau.viewer", "Theo dõi Cà Mau", "viewer", "T-CAMAU");
		add_user(db, &demo_user, "tw.officer", "Chuyên viên Ban TĐKT Trung ương", "officer", "VN");
		if (movements_demo_load(db, &demo_user, stderr, &nmovements, &nmodels) != 0) rc = E_DB;
		/* the rule sets before the proposals: a nominee's eligibility is asked when it is added */
		if (rc == E_OK && rule_sets_demo_load(db, &demo_user, stderr, &nrule_sets) != 0) rc = E_DB;
		if (rc == E_OK && commendation_demo_load(db, &demo_user, stderr, &nachievements, &nproposals) != 0) rc = E_DB;
		/* seed 002's decision, its certificates signed (decisions_demo.c) */
		if (rc == E_OK && decisions_demo_load(db, &demo_user, stderr) < 0) rc = E_DB;
		/* seed 001's emulation cluster: scores, ranking, rotation, the 2024 agreement signed (clusters_demo.c) */
		if (rc == E_OK && clusters_demo_load(db, &demo_user, stderr, &ncards, &nsigned) != 0) rc = E_DB;
		/* seed 001's votes at the cluster's 2023 review (votes_demo.c): in its conference summary */
		if (rc == E_OK && votes_demo_load(db, &demo_user, stderr, &nvotes) != 0) rc = E_DB;
		/* seed 003: Resolution 57's tasks in Cà Mau, their officer and a department's reporter (tasks_demo.c) */
		add_user(db, &demo_user, "camau.officer", "Văn phòng Ban Chỉ đạo 57 Cà Mau", "officer", "T-CAMAU-BCD57");
		add_user(db, &demo_user, "camau.skhcn", "Báo cáo viên Sở KH&CN Cà Mau", "reporter", "T-CAMAU-SKHCN");
		if (rc == E_OK && tasks_demo_load(db, &demo_user, stderr, &ntasks) != 0) rc = E_DB;
		/* seeds 000 and 002: Sơn La's indicators and its departments' digital-transformation index */
		add_user(db, &demo_user, "sonla.stttt.reporter", "Báo cáo viên Sở TT&TT Sơn La", "reporter", "T-SONLA-STTTT");
		if (rc == E_OK && indicators_demo_load(db, &demo_user, stderr, &nindicator_values) != 0) rc = E_DB;
	}
	if (rc != E_OK || db_commit(db) != DB_OK) {
		fprintf(stderr, "the demo data did not load: %s\n", db_errmsg(db));
		db_rollback(db);
		db_close(db);
		for (int i = 0; i < L_COUNT; i++)
			for (int k = 0; k < names[i].n; k++) free(names[i].w[k]);
		return 1;
	}
	int64_t units_total = 0;
	db_int1(db, &units_total, "SELECT count(*) FROM units", "");
	printf("demo loaded: %lld units (%d curated, %lld generated), %lld people\n", (long long)units_total, rep.inserted,
	       (long long)made, (long long)people);
	printf("demo movements: %d, with %d models in Quảng Yên's “Dân vận khéo” 2024\n", nmovements, nmodels);
	printf("demo eligibility rule sets: %d\n", nrule_sets);
	printf("demo commendation: %d achievement records, %d award proposals\n", nachievements, nproposals);
	printf("demo votes: %d closed rounds of the North Central cluster (2023)\n", nvotes);
	printf("demo clusters: 1 cluster, %d scorecards, the 2024 agreement signed by %d provinces\n", ncards, nsigned);
	printf("demo tasks: %d tasks of Resolution 57 in Cà Mau (seed 003, as of %s)\n", ntasks, TASKS_SEED_DATE);
	printf("demo indicators: %d definitions and values, the index DTI-SL-SO, the public dashboard /public/indicators/son-la\n",
	       nindicator_values);
	db_close(db);
	for (int i = 0; i < L_COUNT; i++)
		for (int k = 0; k < names[i].n; k++) free(names[i].w[k]);
	return 0;
}
