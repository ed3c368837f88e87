/* scoring: a cluster year's final scores, ranking and scorer-bias report,
** computed from plain arrays (no database: clusters.c loads them), so that
** the methods can be tested with numbers written by hand and measured on a
** bloc of 500 members. Points are integers in hundredths (centi-points);
** means are kept as exact fractions (a sum and a count) for comparisons.
**
** A card is one scorer's scores of one member (the target), over the
** criteria of the sheet; its total is the score and bonus points minus the
** penalty points. Only cross cards (scorer != target) count here. */
#ifndef THIDUA_SCORING_H
#define THIDUA_SCORING_H
#include <stdint.h>

struct arena;

enum crit_kind { CK_GROUP, CK_SCORE, CK_BONUS, CK_PENALTY };
enum score_method { SM_LEADER, SM_MEAN, SM_TRIMMED };

struct sc_sheet {
	int ncrit;
	const int *kind;           /* enum crit_kind per criterion */
	const int64_t *max_c;      /* maximum per criterion */
};

struct sc_card {
	int scorer, target;        /* member indices */
	int64_t total_c;
	const int64_t *points_c;   /* ncrit points, or NULL: all 0 */
};

/* why a member stands where it does, against its neighbour (the member
** ranked just above it; for the first, the one just below) */
enum rank_reason {
	RR_UNSCORED,               /* no card counted: not ranked */
	RR_ALONE,                  /* the only member ranked */
	RR_POINTS,                 /* the final scores differ */
	RR_AT_MAX,                 /* equal scores; more or fewer criteria at their maximum */
	RR_BONUS,                  /* equal so far; more or fewer bonus points */
	RR_ORGANISER,              /* equal so far; the organiser's decision (its reason is recorded) */
	RR_TIED,                   /* equal so far and no decision yet: the same place */
};

struct sc_result {
	int member;
	int nused;                 /* cards counted by the method */
	int64_t sum_c;             /* sum of their totals: the final score is sum_c / nused */
	int64_t bonus_c;           /* sum of their bonus points */
	double total, bonus;       /* the same in points */
	double *crit;              /* per criterion, the mean of the counted cards (arena) */
	int at_max;                /* score criteria whose mean is their maximum */
	int place;                 /* 1...; 0: not ranked */
	enum rank_reason reason;
	int vs;                    /* the neighbour compared with, -1: none */
};

struct sc_bias {
	int scorer;
	int ntargets;              /* members it scored that someone else scored too */
	double mean_diff;          /* mean of (its total - the mean of the other scorers' totals) */
	double z;                  /* (mean_diff - the mean of all scorers' mean_diff) / their standard deviation */
};

/* The final score of each of nmembers members by the method: SM_LEADER
** counts the leader's card (the deputy's for the leader itself), SM_MEAN
** every card, SM_TRIMMED every card but the trim lowest and trim highest
** totals (all of them when there are no more than 2 × trim). out[m] for
** every member m. 0, or -1 when memory fails. */
int sc_final(const struct sc_sheet *sheet, const struct sc_card *cards, int ncards, int nmembers, enum score_method method,
	     int trim, int leader, int deputy, struct arena *a, struct sc_result *res);
/* Ranks res[] (n members, from sc_final): by final score, then criteria at
** maximum, then bonus points, then organiser_order[m] (lower first; <= 0:
** no decision). Fills place, reason and vs, and order[] with the member
** indices best first (unscored last). */
void sc_rank(struct sc_result *res, int n, const int *organiser_order, int *order);
/* The bias report over the cross cards: out[] gets one row per scorer that
** scored a member someone else scored too, in member order; *nout of them. */
void sc_bias(const struct sc_card *cards, int ncards, int nmembers, struct sc_bias *out, int *nout);

#endif
