/* votes: secret-ballot rounds (bình xét, suy tôn), one engine for the
** members of an emulation cluster and for a council. A round has
** candidates (units, people, a proposal's nominees or free labels), the
** users who may vote, a threshold over a base (all members, or those
** recorded present before the opening), an optional limit of choices per
** ballot and an optional quota (at most P% of a reference count may pass).
**
**   draft ──open──▶ open ──close──▶ closed (the tally is written and published)
**
** Secrecy (docs/ARCHITECTURE.md, "Ballot secrecy"): a ballot is stored as
** (round, SHA-256 of its receipt, choices) and nothing else; who voted is a
** separate marker written in the same transaction; neither has a time; the
** close rewrites both in key order. Nobody — administrators included — reads
** a count before the close: the tally is made by the close and kept on the
** candidates. Casting and closing are write transactions, so they serialise:
** a ballot is counted when it committed before the close, and refused after. */
#ifndef THIDUA_VOTES_H
#define THIDUA_VOTES_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;

#define VOTES_MAX_CANDIDATES 200
#define VOTES_MAX_VOTERS 20000
#define VOTES_RECEIPT_LEN 23       /* "xxxxx-xxxxx-xxxxx-xxxxx": 80 random bits */

extern const char *const vote_bases[];     /* all_members, present */
extern const char *const vote_statuses[];  /* draft, open, closed */

struct vote_candidate {
	int64_t id;
	const char *label;
	int64_t unit_id, person_id, nominee_id;   /* 0: none */
	const char *unit_code, *person_code;
	const char *person_unit;   /* a person's unit, shown beside the name: two of one name told apart */
	const char *award_name[3]; /* a nominee's award in vi, en, hi (NULL: not a nominee) */
	/* the tally (closed rounds) */
	int64_t yes;
	double share;              /* yes over the base, per cent, two decimals */
	int threshold_met;         /* yes ≥ threshold × base */
	int passed;                /* met, and within the quota */
	int over_quota;            /* met, ranked beyond the quota */
	int quota_tie;             /* met, tied with others at the quota's edge: a person decides */
};

struct vote_round {
	int64_t id;
	const char *title;
	int64_t unit_id;
	const char *unit_code, *unit_name, *unit_path;
	int64_t proposal_id;       /* 0: none */
	const char *proposal_code, *proposal_title;
	int64_t cluster_year_id;   /* 0: not held at a cluster's yearly review */
	int64_t threshold_bp;      /* hundredths of a per cent: 9000 is 90% */
	const char *base;          /* all_members, present */
	int64_t max_choices;       /* 0: no limit */
	int has_quota;
	int64_t quota_bp, quota_of;
	const char *status;        /* draft, open, closed */
	int64_t voters, present, ballots;   /* present: -1 until recorded */
	int64_t version;
	int64_t created_by;
	const char *created_by_login;
	const char *created_at, *updated_at, *opened_at, *closed_at;
	/* votes_get only */
	struct vote_candidate *cand;
	int ncand;
	/* the reader's own standing (votes_get with a user) */
	int is_voter, is_present, has_voted;
};

/* the quota test of a closed round */
struct vote_quota {
	int64_t limit;             /* floor(quota × reference / 100) */
	int64_t passing;           /* candidates that met the threshold */
	int ok;                    /* passing ≤ limit */
	int tie;                   /* some are tied at the edge */
};

struct vote_candidate_in {
	const char *label;         /* NULL: the unit's or person's name */
	int64_t unit_id, person_id, nominee_id;
};

struct vote_in {
	const char *title;
	int64_t unit_id;           /* the organising body; 0: the organiser's own (its first grant to run votes) */
	int64_t proposal_id;       /* 0: none; with no candidates given, its nominees are the candidates */
	int64_t cluster_year_id;   /* 0: none; the cluster's year whose review holds the round (its summary lists it): its organiser's */
	int64_t threshold_bp;      /* -1: missing */
	const char *base;
	int64_t max_choices;       /* 0: no limit */
	int64_t quota_bp;          /* -1: no quota */
	int64_t quota_of;
	const int64_t *voters;     /* user ids */
	int nvoters;
	const int64_t *present;    /* user ids among the voters, or NULL */
	int npresent;
	const struct vote_candidate_in *cand;
	int ncand;
};

/* A candidate's label in a reader's language: a proposal's nominee is
** stored as "subject — award" with the award's Vietnamese name; the award
** part is given in lang (en, hi) from the award's code, the subject as
** stored. Any other label as stored. votes_localise does it for the
** candidates of n rounds in place (a page's, a report's). */
const char *votes_candidate_label(struct arena *a, const struct vote_candidate *c, const char *lang);
void votes_localise(struct arena *a, struct vote_round *v, int n, const char *lang);

int votes_create(struct db *db, const struct user *who, const struct vote_in *in, struct field_errors *fe, int64_t *id);
/* A round being prepared (draft) changed by one who runs it: the fields of
** in named by set (VU_*), the others kept; the same checks as votes_create.
** E_CONFLICT on a stale version, E_STATE once opened. Voters still listed keep
** their "present" mark; candidates given replace all of them. */
enum { VU_TITLE = 1, VU_THRESHOLD = 2, VU_BASE = 4, VU_MAX = 8, VU_QUOTA = 16, VU_VOTERS = 32, VU_CANDIDATES = 64 };
int votes_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct vote_in *in, unsigned set,
		 struct field_errors *fe);
/* the round with its candidates (and, closed, their tally); who (or NULL)
** fills the reader's standing: voter, present, has voted */
int votes_get(struct db *db, struct arena *a, int64_t id, const struct user *who, struct vote_round **out);
/* the rounds who runs (PERM_RUN_VOTES over the organising body, or created)
** or votes in, or may read, newest first, at most limit */
int votes_list(struct db *db, struct arena *a, const struct user *who, int limit, struct vote_round **items, int *n);
/* the rounds held at a cluster's yearly review (cluster_years.id) that who
** may read (votes_readable), oldest first, at most 20; hidden (or NULL): how
** many others, past their draft, who may not read */
int votes_of_cluster_year(struct db *db, struct arena *a, int64_t cluster_year_id, const struct user *who, struct vote_round **items, int *n, int *hidden);
/* what a review's vote section says when who reads none of its rounds: none
** held, or held but shown only to the voters and the organising body (lang) */
const char *votes_none_text(struct arena *a, const char *lang, int hidden);
/* the rounds backing a proposal (its nominees as candidates) that who may read, as above */
int votes_of_proposal(struct db *db, struct arena *a, int64_t proposal_id, const struct user *who, struct vote_round **items, int *n);

/* May who name this person a candidate? Only one whose unit who may read
** (PERM_READ), or one already a candidate of round_id (0: a new round): an
** unreadable person is answered as an unknown one, so no name leaks and no
** code can be probed. Units are public; nominees go with their proposal. */
int votes_person_candidate_ok(struct db *db, const struct user *who, int64_t round_id, int64_t person_id);
/* May who hold a round at this cluster year's review? 1 when who organises
** the cluster (PERM_CLUSTER_ORGANISE on its organiser, as clusters_may_organise),
** 0 not, -1 no such year. votes_create refuses the others (E_FORBIDDEN). */
int votes_may_hold_at(struct db *db, const struct user *who, int64_t cluster_year_id);

/* who may run it: open, close, record who is present */
int votes_may_run(const struct user *who, const struct vote_round *v);
/* who may read it: its organisers, its voters, readers of the organising body */
int votes_readable(const struct user *who, const struct vote_round *v);

/* Before the opening: who is present (user ids among the voters). */
int votes_set_present(struct db *db, const struct user *who, int64_t id, const int64_t *users, int n, struct field_errors *fe);
int votes_open(struct db *db, const struct user *who, int64_t id, struct field_errors *fe);
/* the tally: counted, written on the candidates, the round closed */
int votes_close(struct db *db, const struct user *who, int64_t id, struct field_errors *fe);

/* A voter's ballot: the candidate ids chosen (none: a blank ballot).
** E_FORBIDDEN for one who may not vote (not a voter, or absent when the base
** is those present), E_STATE when the round is not open or the voter has
** voted, E_INVALID for too many choices or a candidate of another round.
** receipt: VOTES_RECEIPT_LEN + 1 bytes, the code given to the voter once. */
int votes_cast(struct db *db, const struct user *who, int64_t id, const int64_t *choices, int n, struct field_errors *fe,
	       char receipt[VOTES_RECEIPT_LEN + 1]);
/* the candidates a receipt's ballot chose (ids into *ids, at most max):
** E_NOTFOUND when no ballot of the round has it */
int votes_receipt(struct db *db, int64_t id, const char *code, int64_t *ids, int max, int *n);

/* the quota test of a closed round (v->cand tallied) */
void votes_quota(const struct vote_round *v, struct vote_quota *q);
/* the base the shares are counted over: all voters, or those present */
int64_t votes_base_count(const struct vote_round *v);

/* JSON: the round (with candidates when read by votes_get; their tally only
** when closed) */
void vote_round_json(struct jw *w, const struct vote_round *v);
/* the published result: voters, ballots, base, threshold and quota tests, candidates */
void vote_result_json(struct jw *w, const struct vote_round *v);

/* The demo's votes (seed 001: the North Central cluster's 2023 review):
** six provinces' representatives (demo users, printed with their passwords)
** vote the Government Emulation Flag (Hà Tĩnh passes) and the Prime
** Minister's Certificate of Merit (Quảng Bình and Quảng Trị pass); both
** rounds closed. *rounds: how many. 0, or -1 with the reason on log. */
int votes_demo_load(struct db *db, const struct user *who, FILE *log, int *rounds);

#endif
