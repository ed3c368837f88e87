/* decisions_web: the routes of award decisions, their certificates and the
** public verification (decisions_web.c), and what their templates
** (templates/decisions.html) see. Included by routes.c and by the generated
** build/gen/tmpl_decisions.h. */
#ifndef THIDUA_DECISIONS_WEB_H
#define THIDUA_DECISIONS_WEB_H
#include "../web/tmpl_types.h"
#include "../commendation/commendation_web.h"
#include "decisions.h"

/* API */
void api_decisions_list(struct req *r);
void api_decision_create(struct req *r);
void api_decision_get(struct req *r);
void api_decision_revoke(struct req *r);
void api_verify(struct req *r);
/* downloads, the same for the API and the pages */
void decision_certificate(struct req *r);
void decision_pdf_download(struct req *r);
void decision_export_download(struct req *r);
/* pages */
void page_decisions(struct req *r);
void page_decision_create(struct req *r);
void page_decision(struct req *r);
void page_decision_revoke(struct req *r);
void page_verify(struct req *r);
void page_verify_form(struct req *r);
void page_verify_keys(struct req *r);

/* template helpers */
struct decision_choice {
	int64_t id;
	const char *code, *title;
};
/* the form of a decision without a proposal: its choices and what was chosen */
struct decision_form {
	int64_t authority_id;            /* chosen, or the user's own deciding unit */
	int64_t movement_id;
	int64_t proposal_id;             /* chosen, kept after an error */
	const char **names;              /* after an error: nominee i's name, to say whose error it is */
	int nnames;
	int rows;                        /* nominee rows: a person or a collective, and an award */
	const struct award *awards;
	int nawards;
	const struct mv_opt *movements;
	int nmovements;
};
#define DECISION_FORM_ROWS 3
#define DECISION_FORM_MAX_ROWS 60

/* the verdict's words: "valid", "invalid", ... in the request's language */
const char *cert_status_label(struct req *r, enum cert_status s);
/* a field's label on the verification page */
const char *cert_field_label(struct req *r, int which);

#endif
