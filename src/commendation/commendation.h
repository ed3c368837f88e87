/* commendation: the award catalogue (titles and forms of Law 06/2022/QH15,
** with their bonus as a multiple of the dated base salary), and the
** achievement records of people and collectives by year — the facts that
** eligibility rules, proposals and decisions are judged on. Records of a
** person are read within the scope of the person's unit; of a collective,
** of the unit itself. */
#ifndef THIDUA_COMMENDATION_H
#define THIDUA_COMMENDATION_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;
struct import_report;

/* ---- the award catalogue ---- */

struct award {
	int64_t id;
	const char *code;          /* stable: LDTT, CSTDCS, BK_TTG, ... */
	const char *kind;          /* "title" (danh hiệu) or "form" (hình thức) */
	const char *subjects;      /* "person", "collective", "both", "household" */
	const char *level;         /* grassroots, province, government, state */
	const char *authority_level;
	int yearly;
	int64_t bonus_person;      /* thousandths of the base salary; -1: not loaded */
	int64_t bonus_collective;
	const char *bonus_basis;
	const char *name;          /* in the language asked for */
	const char *name_vi, *name_en, *name_hi;
};

/* every active award in catalogue order */
int awards_list(struct db *db, struct arena *a, const char *lang, struct award **items, int *n);
/* E_OK, E_NOTFOUND */
int awards_get_code(struct db *db, struct arena *a, const char *code, const char *lang, struct award **out);
/* the award's name in lang, or NULL (arena) */
const char *award_name(struct db *db, struct arena *a, const char *code, const char *lang);
void award_json(struct jw *w, const struct award *x);
/* The base salary (VND) in force on date (YYYY-MM-DD): E_OK, or E_NOTFOUND
** before the first one known */
int base_salary_on(struct db *db, const char *date, int64_t *vnd);
/* The bonus of an award for a person (collective = 0) or a collective on a
** date, in whole VND (rounded half up): E_OK, or E_NOTFOUND when the award's
** multiple or the base salary is not known */
int award_bonus(struct db *db, const char *code, int collective, const char *date, int64_t *vnd);

/* Setting the catalogue's figures (thidua award, thidua base-salary).
** A multiple of the base salary as typed: a decimal with at most 3 places
** after '.' or ',' (0.3, 1,5, 10), 0 to AWARD_MULTIPLE_MAX thousandths:
** 0 and the thousandths, or -1. */
#define AWARD_MULTIPLE_MAX 100000   /* 100 × the base salary */
int award_multiple_parse(const char *s, int64_t *permille);
/* The bonus_basis of a multiple not yet loaded starts with this. */
#define AWARD_BASIS_NOT_LOADED "chưa nạp"
/* Sets the award's multiple for a person and/or a collective (thousandths;
** -1: keep) and its legal basis (NULL: keep, but a basis is required while
** it is "chưa nạp..."), audited ("multiple", before and after). Decisions
** issued before keep their amounts. E_OK; E_STATE: nothing changes; else
** E_NOTFOUND, E_INVALID (a person's multiple on a collectives-only award or
** the reverse, no basis), E_DB, with the reason in err. */
int award_set_multiple(struct db *db, const struct user *who, const char *code, int64_t person, int64_t collective, const char *basis,
		       char *err, size_t errlen);
/* Adds the base salary in force from `from` (YYYY-MM-DD): whole VND from
** BASE_SALARY_MIN to BASE_SALARY_MAX, with its legal basis, audited
** ("create" "base_salary", the entity id the date as YYYYMMDD). Bonuses
** of decisions dated from then on use it; issued decisions keep theirs.
** E_OK, E_INVALID, E_CONFLICT (one from that date exists), E_DB; err says why. */
#define BASE_SALARY_MIN 100000
#define BASE_SALARY_MAX 100000000
int base_salary_add(struct db *db, const struct user *who, const char *from, int64_t amount, const char *basis, char *err, size_t errlen);

/* ---- achievement records ---- */

enum ach_kind { ACH_RATING, ACH_TITLE, ACH_INITIATIVE, ACH_DISCIPLINE, ACH_KINDS };
extern const char *const ach_kinds[ACH_KINDS + 1];       /* "rating", ... NULL */
/* the values of rating, initiative and discipline, lowest first; a title's
** value is an award code */
extern const char *const ach_ratings[];      /* not_completed, completed, good, excellent */
extern const char *const ach_initiatives[];  /* grassroots, province, national */
extern const char *const ach_disciplines[];  /* reprimand, warning, demotion, dismissal */
/* the rank of value in one of those lists (0 = lowest), or -1 */
int ach_rank(const char *const *scale, const char *value);
/* a value in words in lang: "completed tasks excellently", an award's name, ... */
const char *ach_value_label(struct db *db, struct arena *a, const char *kind, const char *value, const char *lang);

struct achievement {
	int64_t id;
	int64_t person_id;         /* 0 for a collective */
	const char *person_code, *person_name;
	int64_t unit_id;           /* the collective, or the person's unit */
	const char *unit_code, *unit_name;
	int64_t year;
	const char *kind;
	const char *value;
	const char *value_label;   /* the value in words, in the language asked for */
	const char *decision_no, *decided_on, *authority, *on_date, *note;
	int64_t decision_id;
	int64_t version;
	const char *created_at;
};

struct achievement_in {
	int64_t person_id;         /* exactly one of person_id, unit_id */
	int64_t unit_id;
	int64_t year;
	const char *kind, *value;
	const char *decision_no, *decided_on, *authority, *on_date, *note;
	int64_t decision_id;       /* 0: none (a decision of thidua sets it) */
};

/* Validates and stores one record with its audit row; the writer needs
** PERM_RECORD_ACHIEVEMENTS on the subject's unit (E_FORBIDDEN). Refusals are
** E_INVALID with messages per field; the same record twice (subject, year,
** kind, value) is refused. Errors already in *fe (a form's fields that
** could not be read) are kept: the rest is checked, nothing is written. */
int achievements_create(struct db *db, const struct user *who, const struct achievement_in *in, struct field_errors *fe,
			int64_t *id);
/* E_STATE with the reason in fe for a record a decision created */
int achievements_delete(struct db *db, const struct user *who, int64_t id, int64_t version, struct field_errors *fe);
int achievements_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct achievement **out);
/* a subject's records, newest year first (person > 0, or unit > 0 for the
** collective's own records); year > 0 limits to one year */
int achievements_list(struct db *db, struct arena *a, int64_t person, int64_t unit, int64_t year, const char *lang,
		      struct achievement **items, int *n);
void achievement_json(struct jw *w, const struct achievement *x);
/* the unit path of a record's subject (arena), or NULL */
const char *achievement_unit_path(struct db *db, struct arena *a, int64_t id);

/* Whether a person works directly in production (seed 001's priority), with
** its history: from valid_from on. Needs PERM_RECORD_ACHIEVEMENTS. */
int person_direct_work_set(struct db *db, const struct user *who, int64_t person, int direct, const char *valid_from, struct field_errors *fe);
int person_direct_work_on(struct db *db, int64_t person, const char *date);

/* thidua import achievements FILE: columns person_code | unit_code, year,
** kind, value[, decision_no, decided_on, authority, on_date, note]; all or
** nothing, "line N: reason" for each rejected line */
int achievements_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep);

/* ---- who received what (stats.c) ---- */

#define AWARD_MAX_RANGES 16
struct award_query {
	int64_t year;              /* 0: any */
	const char *award;         /* a code, or NULL */
	const char *level;         /* grassroots, province, government, state, or NULL */
	const char *subject;       /* "person", "collective", or NULL */
	char under_path[64];       /* a subtree, or "" */
	const char *q;             /* words of the name (person or unit), accents optional */
	int64_t limit, offset;
	int nranges;               /* the reader's subtrees; -1: everything */
	const char *range_lo[AWARD_MAX_RANGES];
};
/* the awards held (records of kind title), newest year first */
int awards_received(struct db *db, struct arena *a, const struct award_query *q, const char *lang, struct achievement **items, int *n,
		    int64_t *total);
struct award_year_row {
	const char *authority;     /* as recorded ("" when not) */
	int64_t awards, people, direct_workers, collectives, small_collectives;
};
/* Per issuing authority: how many awards, to people (of them, working
** directly in production on 31 December of the year) and to collectives (of
** them, small: a unit whose kind's level is small_level or below, e.g. 3 for
** communes, wards and agencies); *all the totals. */
int awards_yearly(struct db *db, struct arena *a, const struct award_query *q, int small_level, struct award_year_row **rows, int *n,
		  struct award_year_row *all);

/* the demo's records and proposals (commendation_demo.c): 0, or -1 with the reason on log */
int commendation_demo_load(struct db *db, const struct user *who, FILE *log, int *nachievements, int *nproposals);

#endif
