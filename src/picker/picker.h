/* picker: choosing a unit or a person by its name instead of its code.
**
** One helper renders the choice in any form (tmpl_picker) and one endpoint
** answers the suggestions (GET /pick/units and /pick/people). The choices are
** exactly those the user may choose for that purpose ("for"), computed by the
** same function for the page and the endpoint:
**   registration  units invited to a movement (its scope subtrees) that the
**                 user may register and that have not registered (or withdrew)
**   model         units registered in a movement, in the user's scope
**   people        units where the user may write people (a person's unit)
**   units         units where the user may write units (a parent, a move target)
**   authority     units where the user may run movements
**   read          units whose records the user may read (an eligibility check)
**   scope         every active unit (the tree is public)
**   propose       units where the user may propose awards (a proposer)
**   decide        units where the user may issue award decisions (an authority)
**   assign        units a task assigned by a unit (unit=) may go to: where the user
**                 assigns tasks, and that unit's first-level branch (anywhere for
**                 the root or a first-level body)
**   under         a unit (unit=) and the units below it (a collective nominee)
**   person        the people of a unit and of the units below it (/pick/people)
**   votes         units where the user may organise votes (a round's organising body)
**   admin         units where the user administers users (a role granted on the web)
**   voters        users with a role on a unit where the caller organises votes (/pick/users)
**   parent        a programme's tasks not done, for the office that assigns its tasks
**                 (/pick/tasks?programme=: the parent of a new sub-task)
**
** Without JavaScript the helper renders a <select> when there are at most
** PICK_FEW choices, and otherwise a search step: a search box and a Find
** button in the picker's own form, which send the whole form with _pick (the
** picker's name). A page form posted so is shown again with everything typed
** and the matches, and nothing is saved (pick_step: the handler's part); a
** form sent by GET (a page's filters) comes back with its query. static/app.js
** turns the picker into a search-as-you-type combobox that submits the chosen
** id in a hidden input. */
#ifndef THIDUA_PICKER_H
#define THIDUA_PICKER_H
#include <stdint.h>

#include "../base/buf.h"

struct req;
struct unit;

#define PICK_FEW 60
#define PICK_MAX_VALUES 64

struct pick_item {
	int64_t id;
	const char *label;       /* the unit's or person's name */
	const char *context;     /* the parent unit (of a unit), the unit (of a person) */
	const char *code;
	const char *key;         /* the folded name: the order of the choices */
	int rank;                /* 0: the name starts with the text typed; first */
};

struct picker {
	const char *name;        /* the form field that carries the id: "unit_id", "scope" */
	const char *label;       /* the visible label, translated */
	const char *what;        /* "units", "people", "users" or "tasks" */
	const char *purpose;     /* the endpoint's for=: see above */
	int64_t movement;        /* registration, model */
	int64_t programme;       /* tasks: whose tasks */
	int64_t unit;            /* person: whose people; 0: none chosen yet */
	const char *unit_from;   /* person: the name of the unit picker it follows (JS) */
	int64_t exclude;         /* units: a unit whose subtree is not a choice (a move) */
	const char *exclude_path; /* its path when the page has read it already, or NULL */
	int64_t value;           /* the chosen id; 0: none */
	const struct pick_item *known; /* units: a unit as pick_lookup would give it, read already by
				  the page (used when its id is value), or NULL */
	const struct unit *chain; /* units: units the page has read with their active children (a unit's
				  ancestors), or NULL: where one is the root of a range of choices,
				  its children bound their number without a count (below) */
	int nchain;
	int nvalues;             /* multiple: the chosen ids */
	const int64_t *values;
	int multiple;            /* a list chosen as removable chips */
	int required;
	int preselect;           /* one choice only: it is chosen already (a unit that alone may still register) */
	const char *empty;       /* optional choice: the text of "none" (translated), e.g. a root unit */
	const char *prompt;      /* required choice not made yet: what to choose (translated); NULL: "—" */
	const char *error;       /* the field's error, translated, or NULL */
};

/* The choices matching q (NULL: all), at most limit, by name; *n their number.
** 0, or -1 when the purpose or its parameters are unknown or not readable. */
int pick_choices(struct req *r, const struct picker *p, const char *q, int limit, struct pick_item **items, int *n);
/* One choice by id, only when it is among the allowed ones (label, context). */
int pick_lookup(struct req *r, const struct picker *p, int64_t id, struct pick_item *out);

/* the id posted in a form field, or 0 */
int64_t pick_form_id(struct req *r, const char *name);
/* the ids posted in a list's chips (a field repeated), at most max; their number */
int pick_form_ids(struct req *r, const char *name, int64_t *out, int max);

/* The picker inside a form (with its search step when there are many choices). */
void tmpl_picker(struct buf *o, struct req *r, const struct picker *p);
/* whether a form was sent by a picker's Find button: the handler of a form
** posted so shows the form again with what was typed (the matches in the
** picker) and writes nothing; a page whose form is sent by GET only shows */
int pick_step(struct req *r);

/* GET /pick/{units,people,users,tasks}: the choices matching ?q= for a purpose */
struct req;
void page_pick(struct req *r);

#endif
