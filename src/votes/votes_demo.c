/* The demo's votes (votes.h): seed 001, the North Central provinces'
** emulation cluster at its 2023 review (14 March, Đông Hà), hosted by the
** cluster leader Quảng Trị. The six members' representatives vote by secret
** ballot through the same functions as the server: the Government Emulation
** Flag for Hà Tĩnh, the Prime Minister's Certificate of Merit for Quảng Bình
** and Quảng Trị. */
#include <string.h>

#include "../base/auth.h"
#include "../base/db.h"
#include "../units/units.h"
#include "../users/users.h"
#include "votes.h"

static const char *const provinces[6] = { "T-THANHHOA", "T-NGHEAN", "T-HATINH", "T-QUANGBINH", "T-QUANGTRI", "T-THUATHIENHUE" };
static const char *const reps[6][2] = {
	{ "thanhhoa.rep", "Đại diện tỉnh Thanh Hóa" },   { "nghean.rep", "Đại diện tỉnh Nghệ An" },
	{ "hatinh.rep", "Đại diện tỉnh Hà Tĩnh" },       { "quangbinh.rep", "Đại diện tỉnh Quảng Bình" },
	{ "quangtri.rep", "Đại diện tỉnh Quảng Trị" },   { "hue.rep", "Đại diện tỉnh Thừa Thiên Huế" },
};

/* each representative's ballot: the provinces chosen (indexes), -1 ends */
struct demo_round {
	const char *title;
	int64_t threshold_bp, max_choices, quota_bp, quota_of;
	int ballots[6][3];
};

static const struct demo_round rounds_2023[] = {
	{ "Cụm thi đua các tỉnh Bắc Trung Bộ — suy tôn Cờ thi đua của Chính phủ năm 2023", 5000, 1, 2000, 6,
	  { { 2, -1 }, { 2, -1 }, { 2, -1 }, { 2, -1 }, { 2, -1 }, { 1, -1 } } },
	{ "Cụm thi đua các tỉnh Bắc Trung Bộ — đề nghị Bằng khen của Thủ tướng Chính phủ năm 2023", 5000, 2, -1, 0,
	  { { 3, 4, -1 }, { 3, 4, -1 }, { 3, 4, -1 }, { 3, 4, -1 }, { 3, 4, -1 }, { 3, 5, -1 } } },
};

static int add_rep(struct db *db, const struct user *who, int i, int64_t *id, FILE *log)
{
	char pw[17], err[300], unit[40];
	snprintf(unit, sizeof unit, "%s-HDTDKT", provinces[i]);
	users_gen_password(pw, 13, reps[i][0]);
	if (users_create(db, who, reps[i][0], reps[i][1], pw, "council", unit, id, err, sizeof err) != 0) {
		fprintf(log, "demo user %s: %s\n", reps[i][0], err);
		return -1;
	}
	printf("demo user %-16s %-8s on %-14s password: %s\n", reps[i][0], "council", unit, pw);
	return 0;
}

static int load_round(struct db *db, const struct user *who, const struct demo_round *d, const int64_t voters[6], const int64_t units[6],
		      FILE *log)
{
	struct vote_candidate_in cand[6];
	memset(cand, 0, sizeof cand);
	for (int i = 0; i < 6; i++) cand[i].unit_id = units[i];
	struct vote_in in = { .title = d->title, .threshold_bp = d->threshold_bp, .base = "all_members", .max_choices = d->max_choices,
			      .quota_bp = d->quota_bp, .quota_of = d->quota_of, .voters = voters, .nvoters = 6, .cand = cand, .ncand = 6 };
	/* held at the 2023 review of the cluster (clusters_demo.c), when it is there: its summary lists the results */
	db_int1(db, &in.cluster_year_id,
		"SELECT y.id FROM cluster_years y JOIN clusters c ON c.id = y.cluster_id WHERE c.code = 'CUM-BTB' AND y.year = 2023", "");
	struct field_errors fe = { 0 };
	int64_t id = 0;
	/* the cluster leader of 2023 hosts the review */
	if (units_find_code(db, "T-QUANGTRI", &in.unit_id) != E_OK || votes_create(db, who, &in, &fe, &id) != E_OK ||
	    votes_open(db, who, id, &fe) != E_OK) {
		fprintf(log, "demo vote %s: %s\n", d->title, fe.n ? fe.msg[0] : "not created");
		return -1;
	}
	/* the candidates' ids, in the order given */
	int64_t cid[6] = { 0 };
	struct stmt *st = db_query(db, "SELECT id FROM vote_candidates WHERE round_id = $1 ORDER BY position", "i", id);
	for (int k = 0; st && k < 6 && db_step(st) == DB_ROW; k++) cid[k] = db_int(st, 0);
	db_done(st);
	for (int v = 0; v < 6; v++) {
		struct user voter = { .id = voters[v], .login = reps[v][0], .full_name = reps[v][1] };
		int64_t choices[3];
		int n = 0;
		for (int k = 0; k < 3 && d->ballots[v][k] >= 0; k++) choices[n++] = cid[d->ballots[v][k]];
		char receipt[VOTES_RECEIPT_LEN + 1];
		if (votes_cast(db, &voter, id, choices, n, &fe, receipt) != E_OK) {
			fprintf(log, "demo ballot of %s: %s\n", reps[v][0], fe.n ? fe.msg[0] : "refused");
			return -1;
		}
	}
	if (votes_close(db, who, id, &fe) != E_OK) {
		fprintf(log, "demo vote %s: not closed\n", d->title);
		return -1;
	}
	return 0;
}

int votes_demo_load(struct db *db, const struct user *who, FILE *log, int *rounds)
{
	*rounds = 0;
	int64_t voters[6], units[6];
	for (int i = 0; i < 6; i++) {
		if (units_find_code(db, provinces[i], &units[i]) != E_OK) {
			fprintf(log, "demo votes: no unit %s\n", provinces[i]);
			return -1;
		}
		if (add_rep(db, who, i, &voters[i], log) != 0) return -1;
	}
	for (size_t r = 0; r < sizeof rounds_2023 / sizeof rounds_2023[0]; r++) {
		if (load_round(db, who, &rounds_2023[r], voters, units, log) != 0) return -1;
		(*rounds)++;
	}
	return 0;
}
