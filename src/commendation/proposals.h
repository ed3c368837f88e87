/* proposals: award proposals (hồ sơ đề nghị khen thưởng) carried up the
** levels. A unit (the proposer) drafts a proposal in a commendation round
** with its nominees — people or collectives, each for an award — and
** submits it to a unit above it (the receiving level). There it passes three
** stages: the board (Ban Thi đua – Khen thưởng), the council (Hội đồng), the
** authority (the leader who decides). Each stage approves (on to the next
** stage; the proposal is then locked for the levels below), returns it with a
** comment to the level it came from, or rejects it. The authority's approval
** ends the way when that level may issue every nominee's award; otherwise it
** forwards the proposal to the board of the level above. Every step is kept
** with its deadline and whether it was late.
**
**   draft ──submit──▶ board ──approve──▶ council ──approve──▶ authority ──approve──▶ approved ──decision──▶ decided
**     ▲                 │  ▲                 │                     │  └──forward──▶ board of the level above
**     └─resubmit─ returned ◀──return── (any stage: to the level it came from)      reject (any stage) ──▶ rejected
*/
#ifndef THIDUA_PROPOSALS_H
#define THIDUA_PROPOSALS_H
#include <stdint.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;

enum prop_stage { PS_DRAFT, PS_BOARD, PS_COUNCIL, PS_AUTHORITY, PS_RETURNED, PS_APPROVED, PS_REJECTED, PS_DECIDED, PS_N };
extern const char *const prop_stages[PS_N + 1];
enum prop_action { PA_SUBMIT, PA_APPROVE, PA_RETURN, PA_REJECT, PA_FORWARD, PA_N };
extern const char *const prop_actions[PA_N + 1];
extern const char *const prop_rounds[];      /* year_end, movement, unexpected */
/* days each stage has before its step is late */
extern const int prop_stage_days[PS_N];

struct nominee {
	int64_t id;
	int64_t person_id;         /* 0: a collective */
	const char *person_code, *person_name;
	int64_t unit_id;           /* the collective, or the person's unit */
	const char *unit_code, *unit_name;
	const char *award_code, *award_name;
	const char *summary;
	int direct_worker;
	const char *verdict;       /* eligible, ineligible, manual; NULL: not checked */
	const char *verdict_json;  /* the whole answer of the last check */
	const char *checked_at;
};

struct prop_step {
	int64_t id;
	const char *at, *login, *unit_name, *stage, *action, *comment, *due_on; /* login NULL: the system (auth_display_login) */
	int late;
};

struct proposal {
	int64_t id;
	const char *code, *title, *round;
	int64_t year;
	int64_t movement_id;
	const char *movement_code, *movement_title;
	int64_t proposer_id;
	const char *proposer_code, *proposer_name, *proposer_path;
	const char *summary, *proposed_on;
	int64_t holder_id;
	const char *holder_code, *holder_name, *holder_path;
	enum prop_stage stage;
	const char *due_on;
	int late;                  /* the current step is past its deadline */
	int64_t version;
	const char *created_at, *updated_at;
	int64_t nominees;          /* how many */
	/* proposals_get only */
	struct nominee *nom;
	int nnom;
	struct prop_step *steps;
	int nsteps;
};

struct proposal_in {
	const char *title, *round, *summary;
	int64_t year;
	int64_t movement_id;       /* 0: none */
	int64_t proposer_id;       /* create */
};

struct proposal_query {
	int64_t holder;            /* >0: held by this unit */
	int64_t proposer;          /* >0: proposed by this unit */
	const char *stage;         /* one stage, or NULL; "open": neither ended nor draft */
	int64_t year;              /* 0: any */
	const char *q;
	int64_t limit, offset;
	/* the subtrees the reader may see (a proposal is seen where its proposer or its holder is) */
	int nranges;               /* -1: everything */
	const char *range_lo[16];
};

/* The checks of a proposal's fields (title, round, year, movement; with
** creating, those a creation requires), adding to fe the errors of the
** fields that have none yet: a form whose input did not read also lists the
** others. E_OK or E_INVALID. proposals_create and proposals_update run it. */
int proposals_validate(struct db *db, const struct proposal_in *in, int creating, struct field_errors *fe);
int proposals_create(struct db *db, const struct user *who, const struct proposal_in *in, struct field_errors *fe, int64_t *id);
/* title, round, summary, year, movement: only while the proposer holds it (draft, returned) */
int proposals_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct proposal_in *in,
		     struct field_errors *fe);
/* with its nominees and steps; names of awards in lang */
int proposals_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct proposal **out);
int proposals_list(struct db *db, struct arena *a, const struct proposal_query *q, struct proposal **items, int *n, int64_t *total);
void proposal_json(struct jw *w, const struct proposal *p);

/* A nominee (person_id or unit_id) for an award; while the proposer holds
** the proposal. The eligibility is checked at once (nominee->verdict). */
struct nominee_in {
	int64_t person_id, unit_id;
	const char *award_code, *summary;
};
/* Adding a nominee is an insert: it needs no particular version of the
** proposal (PROP_ANY_VERSION), as what matters is checked again in the
** transaction — the proposal still editable, the nominee in the proposer's
** subtree and not already proposed for the award. A version given is
** checked (409 when stale). */
#define PROP_ANY_VERSION INT64_MIN
int proposals_add_nominee(struct db *db, const struct user *who, int64_t id, int64_t version, const struct nominee_in *in,
			  struct field_errors *fe, int64_t *nominee_id);
/* A movement's review: the owners of the movement's typical examples run
** within the proposer's subtree (a person, or the owning unit) as nominees for
** award; those already proposed for it are skipped. *added: how many. */
int proposals_add_typical(struct db *db, const struct user *who, int64_t id, int64_t version, const char *award, struct field_errors *fe,
			  int *added);
int proposals_remove_nominee(struct db *db, const struct user *who, int64_t id, int64_t version, int64_t nominee_id);

/* A step: submit (to_unit: the receiving unit, an ancestor of the proposer;
** 0: the parent), approve, return, reject (comment required for return and
** reject), forward. E_STATE with the reason as the first field error when the
** action does not fit the stage; E_FORBIDDEN for a user without the stage's
** right on the holding unit; E_CONFLICT for a stale version. */
int proposals_step(struct db *db, const struct user *who, int64_t id, int64_t version, enum prop_action action, int64_t to_unit,
		   const char *comment, struct field_errors *fe);

/* An approved proposal is decided by the decision decision_id (numbered
** number, issued by authority_id): its stage, a step 'decide' and an audit
** row, inside the decision's transaction (decisions_create). E_OK, or E_DB
** when the proposal is not approved (any more). */
int proposals_mark_decided(struct db *db, const struct user *who, int64_t proposal_id, int64_t authority_id, const char *number,
			   int64_t decision_id);

/* The decision decision_id (numbered number, issued by authority_id) that
** decided the proposal is revoked for reason: the proposal is approved again
** (a corrected decision can be issued from it), with a step 'revoke' and an
** audit row, inside the revocation's transaction. E_OK (also when the
** proposal is not decided any more), or E_DB. */
int proposals_mark_revoked(struct db *db, const struct user *who, int64_t proposal_id, int64_t authority_id, const char *number,
			   const char *reason, int64_t decision_id);

/* The level number of a unit's kind (unit_kinds.level: the country -1,
** central bodies 0, ministries and provinces 1, ..., 99 unknown), and the
** highest level an award's authority level ("state", "government",
** "province", "grassroots") lets issue it: a unit may issue the award when
** unit_level <= award_level_needed. */
int64_t unit_level(struct db *db, int64_t unit);
int64_t award_level_needed(const char *authority_level);

/* Who may act at a stage of a proposal held by a unit with this path (the
** permission of the stage: board and authority PERM_REVIEW_PROPOSALS, council
** PERM_COUNCIL, draft and returned PERM_PROPOSE on the proposer). */
int proposals_may_act(const struct user *who, const struct proposal *p);
/* the unit path a proposal is readable from: the proposer's and the holder's */
int proposals_readable(const struct user *who, const struct proposal *p);

/* The eligibility of every nominee again (at every step), as of date (NULL:
** the proposal's date): the verdicts and answers (in Vietnamese, the office's
** language) kept on the nominees. Done by proposals_step. */
int proposals_check_nominees(struct db *db, int64_t id, const char *date);

#endif
