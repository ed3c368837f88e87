/* votes_web: the routes of secret-ballot votes (votes_web.c) and what their
** templates (templates/votes.html) see. Included by routes.c and by the
** generated build/gen/tmpl_votes.h. */
#ifndef THIDUA_VOTES_WEB_H
#define THIDUA_VOTES_WEB_H
#include "../web/tmpl_types.h"
#include "../base/util.h"
#include "../picker/picker.h"
#include "votes.h"
#include "../commendation/proposals.h"

/* API */
void api_votes_list(struct req *r);
void api_vote_create(struct req *r);
void api_vote_get(struct req *r);
void api_vote_update(struct req *r);
void api_vote_present(struct req *r);
void api_vote_open(struct req *r);
void api_vote_close(struct req *r);
void api_vote_cast(struct req *r);
void api_vote_result(struct req *r);
void api_vote_receipt(struct req *r);
/* pages */
void page_votes(struct req *r);
void page_vote_new(struct req *r);
void page_vote_create(struct req *r);
void page_vote(struct req *r);
void page_vote_post(struct req *r);

/* the votes backing a proposal, as a section of its page (routes.c lists it
** among the proposal page's sections) */
void votes_proposal_section(struct buf *o, struct req *r, int64_t proposal_id);
/* the section of a cluster's year (its conference summary): the rounds held
** at its review with their results, and "hold a vote" for who runs votes */
void votes_cluster_section(struct buf *o, struct req *r, int64_t cluster_year_id);

/* what the form of a new round keeps of what was typed */
struct vote_form {
	const char *title, *threshold, *base, *max_choices, *quota_pct, *quota_of, *labels;
	int64_t unit_id, proposal_id;
	int64_t cluster_year_id;   /* held at a cluster's yearly review (from its page) */
	const char *proposal_title;
	const int64_t *voter_ids, *candidate_units;
	int nvoters, ncandidate_units;
	const int64_t *candidate_people, *candidate_nominees;
	int ncandidate_people, ncandidate_nominees;
	int nominees_given;        /* the nominees' boxes were in the form (none ticked: none) */
	const struct nominee *nominees;   /* the proposal's, offered as boxes */
	int nnominees;
};

/* one voter of a draft round, for the "present" checkboxes */
struct vote_voter {
	int64_t user_id;
	const char *login, *full_name;
	int present;
};

/* the edit form of a draft round (typed values after a failed post) */
const struct vote_form *vote_edit_form(struct req *r, const struct vote_round *v, const struct vote_voter *voters, int nvoters);
/* 1 when id is among ids[n] */
int vote_form_has(const int64_t *ids, int n, int64_t id);

/* template helpers */
const char *vote_status_label(struct req *r, const char *status);
const char *vote_base_label(struct req *r, const char *base);
/* a percentage of hundredths (9000 → "90", 8750 → "87,5" in vi) */
void vote_pct(struct buf *o, struct req *r, int64_t bp);
void vote_share(struct buf *o, struct req *r, double share);
/* an open round with fewer than 2 ballots in: what its close would reveal
** (the tally shows that one ballot, the audit log who cast it), said before
** the close; NULL with 2 or more. The tally itself is not changed. */
const char *vote_few_ballots(struct req *r, const struct vote_round *v);

#endif
