/* The demo's cluster (seed 001, docs/DEMO.md): the six North Central
** provinces — Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, Thừa
** Thiên Huế — organised by the Central Emulation & Commendation Council, led
** in 2023 by Quảng Trị. Loaded through the domain functions: the 2023
** criteria sheet (data/demo/cluster_criteria.csv), each province's
** self-assessment and the five others' cross scores (data/demo/cluster_scores.csv:
** a profile per province; a province's bias columns make it a little harsh
** or lenient as a scorer, which the bias report shows), the ranking by the
** mean of the cross scores — Hà Tĩnh first (proposed for the Government
** Emulation Flag), Quảng Bình and Quảng Trị next (the Prime Minister's
** Certificate of Merit) — the rotation for 2024 (Thừa Thiên Huế leader, Hà
** Tĩnh deputy) confirmed by the council, and the 2024 agreement signed by
** each province's leader at the conference of 14 March 2024. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/asset_table.h"
#include "../base/db.h"
#include "../decisions/decisions.h"
#include "../units/units.h"
#include "../users/users.h"
#include "../web/roles.h"
#include "clusters.h"
#include "clusters_demo.h"

#define NPROV 6
static const char *const provinces[NPROV] = { "T-THANHHOA", "T-NGHEAN", "T-HATINH", "T-QUANGBINH", "T-QUANGTRI", "T-THUATHIENHUE" };
static const char *const signers[NPROV][2] = {
	{ "thanhhoa.cum", "Chủ tịch UBND tỉnh Thanh Hóa" },   { "nghean.cum", "Chủ tịch UBND tỉnh Nghệ An" },
	{ "hatinh.cum", "Chủ tịch UBND tỉnh Hà Tĩnh" },       { "quangbinh.cum", "Chủ tịch UBND tỉnh Quảng Bình" },
	{ "quangtri.cum", "Chủ tịch UBND tỉnh Quảng Trị" },   { "hue.cum", "Chủ tịch UBND tỉnh Thừa Thiên Huế" },
};

static int fail(FILE *log, const char *what, const struct field_errors *fe)
{
	fprintf(log, "demo cluster: %s: %s %s\n", what, fe && fe->n ? fe->field[0] : "", fe && fe->n ? fe->msg[0] : "not stored");
	return -1;
}

static int64_t year_version(struct db *db, int64_t cy)
{
	int64_t v = 0;
	db_int1(db, &v, "SELECT version FROM cluster_years WHERE id = $1", "i", cy);
	return v;
}

static int load_sheet(struct db *db, const struct user *who, int64_t cy, FILE *log)
{
	struct asset_table t;
	if (asset_table_load("data/demo/cluster_criteria.csv", &t, log) != 0) return -1;
	struct crit_in *items = calloc((size_t)t.nrows + 1, sizeof *items);
	for (int i = 0; i < t.nrows; i++) {
		items[i] = (struct crit_in){ .code = asset_table_col(&t, i, "code"), .parent_code = asset_table_col(&t, i, "parent"),
					     .kind = asset_table_col(&t, i, "kind"), .title = asset_table_col(&t, i, "title"),
					     .evidence = asset_table_col(&t, i, "evidence"),
					     .max_c = llround(atof(asset_table_col(&t, i, "max")) * 100.0) };
	}
	struct field_errors fe = { 0 };
	int rc = cyear_criteria_set(db, who, cy, year_version(db, cy), items, t.nrows, &fe) == E_OK ? 0 : fail(log, "criteria", &fe);
	free(items);
	asset_table_free(&t);
	return rc;
}

/* one card saved and submitted */
static int card(struct db *db, const struct user *who, int64_t cy, int64_t scorer, int64_t target, const struct score_in *in, int n, FILE *log)
{
	struct field_errors fe = { 0 };
	int64_t id = 0, version = 0;
	if (scorecards_save(db, who, cy, scorer, target, scorer == target ? "self" : "cross", 0, in, n, &fe, &id) != E_OK) return fail(log, "scorecard", &fe);
	db_int1(db, &version, "SELECT version FROM cluster_scorecards WHERE id = $1", "i", id);
	if (scorecards_submit(db, who, id, version, &fe) != E_OK) return fail(log, "submit", &fe);
	return 0;
}

/* every province's self-assessment and its cross scores of the five others */
static int load_scores(struct db *db, const struct user *who, int64_t cy, const int64_t *ids, FILE *log, int *ncards)
{
	struct asset_table t;
	if (asset_table_load("data/demo/cluster_scores.csv", &t, log) != 0) return -1;
	static const char *const crit[] = { "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "T1", "P1" };
	enum { NC = 12 };
	int rc = t.nrows == NPROV ? 0 : -1;
	for (int tg = 0; tg < NPROV && rc == 0; tg++) {
		for (int sc = 0; sc < NPROV && rc == 0; sc++) {
			struct score_in in[NC];
			for (int c = 0; c < NC; c++) {
				double base = atof(asset_table_col(&t, tg, crit[c])), max = c < 10 ? 10 : 5;
				if (c < 10 && sc == tg && c < 6) base += 0.5;      /* a province is generous with itself */
				else if (c < 6 && sc != tg) base += atof(asset_table_col(&t, sc, "bias_political"));
				else if (c < 10 && sc != tg) base += atof(asset_table_col(&t, sc, "bias_emulation"));
				if (base > max) base = max;
				in[c] = (struct score_in){ .code = crit[c], .has_points = 1, .points_c = llround(base * 100.0) };
			}
			rc = card(db, who, cy, ids[sc], ids[tg], in, NC, log);
			if (rc == 0) (*ncards)++;
		}
	}
	asset_table_free(&t);
	return rc;
}

/* the 2024 agreement, signed by a leader of each province (a demo user on it) */
static int sign_2024(struct db *db, const struct user *who, int64_t cluster, const int64_t *ids, FILE *log, int *nsigned)
{
	if (!signing_have_master_key()) {
		char msg[1200];
		int k = signing_master_key_load(db, NULL, msg, sizeof msg);
		if (k != 0) { fprintf(log, "demo cluster agreement not signed: %s\n", *msg ? msg : "no master key"); return k < 0 ? -1 : 0; }
	}
	int64_t cy = 0;
	db_int1(db, &cy, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year = 2024", "i", cluster);
	for (int i = 0; i < NPROV; i++) {
		char pw[17], err[300];
		int64_t uid;
		users_gen_password(pw, 13, signers[i][0]);
		if (users_create(db, who, signers[i][0], signers[i][1], pw, "council", provinces[i], &uid, err, sizeof err) != 0) {
			fprintf(log, "demo user %s: %s\n", signers[i][0], err);
			return -1;
		}
		printf("demo user %-16s %-8s on %-14s password: %s\n", signers[i][0], "council", provinces[i], pw);
		struct arena a;
		arena_init(&a);
		struct user *u;
		struct field_errors fe = { 0 };
		int rc = role_load_user(db, &a, uid, &u) == 0 ? agreement_sign(db, u, cy, ids[i], &fe) : E_NOTFOUND;
		arena_free(&a);
		if (rc != E_OK) return fail(log, "signature", &fe);
		(*nsigned)++;
	}
	return 0;
}

int clusters_demo_load(struct db *db, const struct user *who, FILE *log, int *ncards, int *nsigned)
{
	*ncards = *nsigned = 0;
	int64_t org = 0, ids[NPROV];
	if (units_find_code(db, "HDTDKT-TW", &org) != E_OK) { fprintf(log, "demo cluster: no unit HDTDKT-TW\n"); return -1; }
	for (int i = 0; i < NPROV; i++)
		if (units_find_code(db, provinces[i], &ids[i]) != E_OK) { fprintf(log, "demo cluster: no unit %s\n", provinces[i]); return -1; }
	struct field_errors fe = { 0 };
	struct cluster_in c = { .code = "CUM-BTB", .name = "Cụm thi đua các tỉnh Bắc Trung Bộ", .kind = "cluster", .organiser_id = org,
				.description = "Sáu tỉnh Bắc Trung Bộ, do Hội đồng Thi đua – Khen thưởng Trung ương tổ chức; Ban Thi đua – Khen thưởng Trung ương theo dõi, hướng dẫn." };
	int64_t cluster = 0, cy = 0;
	if (clusters_create(db, who, &c, &fe, &cluster) != E_OK) return fail(log, "cluster", &fe);
	struct cyear_in y = { .members_set = 1, .members = ids, .nmembers = NPROV, .leader_set = 1, .leader_id = ids[4], .cross_mode = "all",
			      .method = "mean", .trim = 1, .agreement_title = "Giao ước thi đua năm 2023 của Cụm thi đua các tỉnh Bắc Trung Bộ",
			      .agreement_text = "Các tỉnh trong Cụm thi đua cam kết đẩy mạnh phong trào thi đua yêu nước, hoàn thành toàn diện các nhiệm vụ phát triển kinh tế – xã hội năm 2023." };
	if (cyear_save(db, who, cluster, 2023, 0, &y, &fe, &cy) != E_OK) return fail(log, "2023", &fe);
	if (load_sheet(db, who, cy, log) != 0 || load_scores(db, who, cy, ids, log, ncards) != 0) return -1;
	/* the conference of 14 March 2024 closed the scoring */
	struct cyear_in closing = { .trim = -1, .deadline = "2024-03-14" };
	int64_t id;
	if (cyear_save(db, who, cluster, 2023, year_version(db, cy), &closing, &fe, &id) != E_OK) return fail(log, "deadline", &fe);
	if (cyear_rotation_propose(db, who, cy, year_version(db, cy), ids[5], ids[2],
				   "Đề nghị Chính phủ tặng Cờ thi đua cho tỉnh Hà Tĩnh; đề nghị Thủ tướng Chính phủ tặng Bằng khen cho tỉnh Quảng Bình và tỉnh Quảng Trị.", &fe) != E_OK)
		return fail(log, "rotation", &fe);
	if (cyear_rotation_confirm(db, who, cy, year_version(db, cy), &fe) != E_OK) return fail(log, "rotation confirmed", &fe);
	/* 2024: the agreement signed at the conference */
	int64_t cy24 = 0;
	db_int1(db, &cy24, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year = 2024", "i", cluster);
	struct cyear_in a = { .trim = -1, .agreement_title = "Giao ước thi đua năm 2024 của Cụm thi đua các tỉnh Bắc Trung Bộ",
			      .agreement_text = "Thực hiện Luật Thi đua, khen thưởng năm 2022, các tỉnh Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị và Thừa Thiên Huế ký kết giao ước thi đua năm 2024: đẩy mạnh các phong trào thi đua yêu nước, phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến, khen thưởng kịp thời, chú trọng tập thể nhỏ và người trực tiếp sản xuất.",
			      .agreement_targets = "Hoàn thành và vượt các chỉ tiêu kinh tế – xã hội năm 2024 do Hội đồng nhân dân tỉnh đề ra.\nPhát hiện, biểu dương và nhân rộng ít nhất 10 điển hình tiên tiến mỗi tỉnh.",
			      .deadline = "2025-03-15" };
	if (cyear_save(db, who, cluster, 2024, year_version(db, cy24), &a, &fe, &id) != E_OK) return fail(log, "2024 agreement", &fe);
	return sign_2024(db, who, cluster, ids, log, nsigned);
}
