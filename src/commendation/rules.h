/* rules: the eligibility rule language of an award (docs/ARCHITECTURE.md,
** "The rule language"), and the eligibility check that evaluates a rule set
** against the achievements table.
**
** A rule is a text an officer edits: conditions joined with `and` / `or`
** and parentheses (`and` binds tighter), line breaks are spaces, `#` starts
** a comment to the end of the line. Keywords and award codes are read
** without regard to case. The conditions:
**
**   title CSTDCS for 3 consecutive years            a title (or award) held
**   title LDTT this year | last year | ever | since 2020
**   title CSTDCS at least 2 times in the last 5 years
**   rating at least excellent for 2 consecutive years ending last year
**   initiative at least province in the last 3 years
**   no discipline at least warning in the last 2 years
**   at least 70% of members have title LDTT          a collective's members, in the year
**   more than 50% of members have title LDTT
**   all members have rating at least completed
**   at least 1 member has title CSTDCS
**   no member has discipline at least warning
**   quota title CSTDCS at most 15% of title LDTT     in the person's unit, in the year
**   after title BK_BO_TINH: at least 5 years, rating at least good every year, title CSTDCS at least 3 times
**   manual "the council judges the initiative's effect"
**   person | collective                              who is considered: an award for both
**                                                    gives each its conditions,
**   (person and after title BK_BO_TINH: …) or (collective and manual "…")
**
** Parsing is pure (no database): rules_parse() takes a function that says
** whether an award code exists; rules_check() asks the awards table. The
** tree lives in the caller's arena. */
#ifndef THIDUA_RULES_H
#define THIDUA_RULES_H
#include <stdint.h>

#include "../base/errors.h"

struct arena;
struct db;

#define RULES_TEXT_MAX 20000       /* bytes of one rule set's text */
#define RULES_DEPTH_MAX 32         /* nested parentheses */

/* the ordered scales; 0 is "none" */
enum { RATING_NOT_COMPLETED = 1, RATING_COMPLETED, RATING_GOOD, RATING_EXCELLENT };
enum { INITIATIVE_GROUNDS = 1, INITIATIVE_PROVINCE, INITIATIVE_NATIONAL };
enum { DISCIPLINE_REPRIMAND = 1, DISCIPLINE_WARNING, DISCIPLINE_DEMOTION, DISCIPLINE_DISMISSAL };

/* the value stored in achievements.value for a level of a scale, and back:
** kind is "rating", "initiative" or "discipline"; 0 / NULL when unknown */
int rules_level(const char *kind, const char *value);
const char *rules_level_value(const char *kind, int level);

/* when: the years a condition looks at, relative to the year considered Y */
enum rule_when_kind {
	RW_YEAR,          /* the year Y - back (this year: 0, last year: 1) */
	RW_CONSECUTIVE,   /* n consecutive years ending in Y - back: every one of them */
	RW_TIMES,         /* at least n of the w years Y-w+1 .. Y */
	RW_SINCE,         /* at least once from `since` (ever: RULES_EVER) to Y */
};
#define RULES_EVER 1945            /* the first year an achievement may have */
struct rule_when {
	enum rule_when_kind kind;
	int back, n, w, since;
};

enum rule_cond_kind {
	RC_TITLE,         /* the subject holds `code` over `when` */
	RC_RATING,        /* rated `level` or better over `when` */
	RC_INITIATIVE,    /* an initiative at `level` or higher over `when` */
	RC_NO_DISCIPLINE, /* no discipline at `level` or above in `when`'s years */
	RC_MEMBERS,       /* a share or count of a collective's members passes `test` in year Y - back */
	RC_QUOTA,         /* holders of `code` in the person's unit ≤ pct of the holders of `base_code` */
	RC_AFTER,         /* after a prerequisite `code`: `years` or more years, each rated `level`+, `times` × `base_code` */
	RC_MANUAL,        /* `text`: judged by a person */
	RC_SUBJECT,       /* `person` or `collective`: met when the subject considered is one (`subject` 'p' or 'c') */
};

/* how many members must pass a member condition's test */
enum rule_share { RS_AT_LEAST_PCT, RS_MORE_THAN_PCT, RS_ALL, RS_COUNT, RS_NONE };
/* what a member test looks at */
enum rule_test { RT_TITLE, RT_RATING, RT_DISCIPLINE };

struct rule_cond {
	enum rule_cond_kind kind;
	int line, column;          /* where it starts in the text */
	const char *code;          /* title, quota, after: the award code (upper case) */
	int level;                 /* rating, initiative, discipline; after: the rating every year (0: none) */
	struct rule_when when;
	/* members */
	enum rule_share share;
	int pct100;                /* a percentage in hundredths (70% = 7000, 15.5% = 1550); quota too */
	int count;                 /* RS_COUNT */
	enum rule_test test;
	const char *test_code;     /* RT_TITLE */
	int test_level;            /* RT_RATING, RT_DISCIPLINE */
	int back;                  /* members, quota: 0 this year, 1 last year */
	/* quota: base_code; after: base_code `times` times within the years after */
	const char *base_code;
	int years, times;
	const char *text;          /* manual */
	char subject;              /* RC_SUBJECT: 'p' a person, 'c' a collective */
};

enum rule_node_kind { RN_COND, RN_AND, RN_OR };
struct rule_node {
	enum rule_node_kind kind;
	struct rule_node *left, *right;    /* RN_AND, RN_OR */
	struct rule_cond *cond;            /* RN_COND */
};

/* Why a text does not parse: where (1-based line, and column counted in
** characters), and the reason as a message id with at most one %s, filled by
** arg (itself a message id when arg_msgid). Owns all it holds. */
struct rule_error {
	int line, column;
	const char *reason;
	char arg[100];             /* a copy (cut at 80 bytes with "…"): the error outlives the parser's arena */
	int arg_msgid;
};

/* 1 when the award code exists (active), else 0 */
typedef int rules_award_known_fn(void *ctx, const char *code);

/* Parses text into a tree in arena a. known (may be NULL: any code) checks
** award codes. E_OK and *out, or E_INVALID with *err. */
int rules_parse(struct arena *a, const char *text, rules_award_known_fn *known, void *ctx, struct rule_node **out,
		struct rule_error *err);
/* rules_parse against the awards table */
int rules_check(struct db *db, struct arena *a, const char *text, struct rule_node **out, struct rule_error *err);
/* "Line 2, column 7: Unknown award code “XYZ”" in lang (arena) */
const char *rules_error_text(struct arena *a, const char *lang, const struct rule_error *err);
/* the reason alone in lang (arena) */
const char *rules_error_reason(struct arena *a, const char *lang, const struct rule_error *err);

/* ---- the eligibility check (eligibility.c) ---- */

/* who is considered: a person, or a unit (a collective) */
struct elig_subject {
	int64_t person_id;         /* > 0: a person */
	int64_t unit_id;           /* the unit itself, or the person's unit */
};

enum elig_verdict { ELIG_INELIGIBLE = 0, ELIG_ELIGIBLE = 1, ELIG_MANUAL = 2 };
#define ELIG_MET 1
#define ELIG_UNMET 0
#define ELIG_UNKNOWN (-1)          /* a person judges it */

struct elig_condition {
	const char *text;          /* the condition in words, in the request's language */
	int met;                   /* ELIG_MET, ELIG_UNMET, ELIG_UNKNOWN */
	const char **facts;        /* what was found, and what is missing */
	int nfacts;
};

struct elig_result {
	enum elig_verdict verdict;
	struct elig_condition *conds;      /* the conditions in the order of the text */
	int nconds;
};

const char *elig_verdict_name(enum elig_verdict v);   /* "eligible", "ineligible", "manual" */

/* Evaluates the parsed rule for the subject and the year Y against the
** achievements table, writing the conditions' texts and facts in lang (award
** names from the awards table). Everything lives in arena a. E_OK or E_DB. */
int elig_evaluate(struct db *db, struct arena *a, const char *lang, const struct rule_node *rule, const struct elig_subject *s,
		  int year, struct elig_result *out);

/* ---- the scan: every person of a subtree (eligibility.c) ---- */

/* who a scan lists: the verdicts (bits 1 << ELIG_*), from the offset-th of
** them in the scan's order, at most limit (-1: all) */
struct elig_scan_query {
	int64_t unit_id;           /* the subtree: this unit and every unit below it */
	int year;
	const char *date;          /* the date that chooses the rule set (YYYY-MM-DD); NULL: 31 December of the year */
	unsigned verdicts;
	int64_t offset, limit;
	const char *held_code;     /* an award code: whoever holds it for the year already is ineligible (NULL: not asked) */
};
#define ELIG_LISTED_DEFAULT ((1u << ELIG_ELIGIBLE) | (1u << ELIG_MANUAL))

/* one person listed, with the conditions in words */
struct elig_person {
	int64_t person_id;
	const char *code, *full_name, *unit_code, *unit_name;
	struct elig_result res;
	int held;                  /* holds held_code for the year: ineligible, res is the rule's words (the caller says why) */
};

struct elig_scan {
	int64_t counts[3];         /* by verdict: counts[ELIG_ELIGIBLE] ... */
	int64_t people;            /* the active people of the subtree */
	int64_t total;             /* those with a verdict asked for */
	struct elig_person *items; /* the page of them, in the order of their units' paths, then names */
	int nitems;
	int by_holder;             /* 1: only the people with records were read, the others counted (eligibility.c, scan_by_holder) */
};

/* Evaluates the parsed rule for every active person of the unit's subtree
** and the year, reading their records with one ordered query; the people
** listed carry the conditions in words in lang (the others only count).
** A person's verdict and words are those elig_evaluate gives. Everything
** lives in arena a. E_OK, E_NOTFOUND (no such unit) or E_DB. */
int elig_scan(struct db *db, struct arena *a, const char *lang, const struct rule_node *rule, const struct elig_scan_query *q,
	      struct elig_scan *out);

#endif
