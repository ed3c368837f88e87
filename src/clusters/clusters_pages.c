/* The pages of clusters: /clusters, /clusters/{id}, /clusters/{id}/years/{year}
** and its scorecards (…/score?scorer=&target=). Each form posts to its page
** with "what" naming the action; the domain functions are the API's. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/i18n.h"
#include "../indicators/indicators.h"
#include "../movements/movements.h"
#include "../units/units_web.h"
#include "clusters_int.h"
#include "clusters_web.h"
#include "tmpl_clusters.h"

/* ---- template helpers ---- */

const char *cluster_kind_label(struct req *r, const char *kind)
{
	return kind && !strcmp(kind, "bloc") ? _("bloc (by function)") : _("cluster (by area)");
}

const char *cluster_cross_label(struct req *r, const char *mode)
{
	return mode && !strcmp(mode, "leader") ? _("the leader scores every member") : _("every member scores every other");
}

const char *cluster_method_label(struct req *r, const struct cyear *y)
{
	if (!strcmp(y->method, "leader")) return _("the leader's score");
	if (!strcmp(y->method, "mean")) return _("the mean of the others' scores");
	return arena_printf(&r->a, "%s (%d)", _("a trimmed mean"), y->trim);
}

const char *criterion_kind_label(struct req *r, const char *kind)
{
	if (!strcmp(kind, "group")) return _("group");
	if (!strcmp(kind, "bonus")) return _("bonus");
	if (!strcmp(kind, "penalty")) return _("penalty");
	return _("score");
}

void tmpl_points(struct buf *o, struct req *r, double v) { fmt_number(o, r->lang, round(v * 100.0) / 100.0); }

static const char *points_text(struct req *r, double v)
{
	struct buf b;
	buf_init(&b);
	tmpl_points(&b, r, v);
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

const char *rank_reason_text(struct req *r, const struct rank_row *w)
{
	const char *vs = w->vs_name ? w->vs_name : "";
	int first = w->r.place == 1;
	switch (w->r.reason) {
	case RR_UNSCORED: return _("not scored yet");
	case RR_ALONE: return _("the only member scored");
	case RR_POINTS:
		return arena_printf(&r->a, first ? _("more points than %s (%s against %s)") : _("fewer points than %s (%s against %s)"), vs,
				    points_text(r, w->r.total), points_text(r, w->vs_total));
	case RR_AT_MAX:
		return arena_printf(&r->a, first ? _("equal points with %s; more criteria at maximum (%d against %d)") : _("equal points with %s; fewer criteria at maximum (%d against %d)"),
				    vs, w->r.at_max, w->vs_at_max);
	case RR_BONUS:
		return arena_printf(&r->a, first ? _("equal points and criteria at maximum with %s; more bonus points (%s against %s)")
						 : _("equal points and criteria at maximum with %s; fewer bonus points (%s against %s)"),
				    vs, points_text(r, w->r.bonus), points_text(r, w->vs_bonus));
	case RR_ORGANISER: return arena_printf(&r->a, _("tied with %s; the organiser's decision: %s"), vs, w->decision ? w->decision : "");
	case RR_TIED: return arena_printf(&r->a, _("tied with %s: the organiser decides"), vs);
	}
	return "";
}

const struct scorecard *card_of(const struct scorecard *cards, int n, int64_t scorer, int64_t target)
{
	for (int i = 0; i < n; i++)
		if (cards[i].scorer.id == scorer && cards[i].target.id == target) return &cards[i];
	return NULL;
}

int may_score_for(struct req *r, const struct cunit *u) { return u->id && role_can(r->user, PERM_CLUSTER_SCORE, u->path); }

/* ---- the list and a cluster ---- */

static void show_index(struct req *r, const struct field_errors *fe)
{
	struct cluster *items;
	int n;
	if (clusters_list(r->db, &r->a, req_query(r, "q"), &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	if (fe && fe->n) r->status = 422;
	page_begin(r, _("Emulation clusters and blocs"), "clusters");
	tmpl_clusters_index(&r->out, r, items, n, role_can_any(r->user, PERM_CLUSTER_ORGANISE), fe);
	page_end(r);
}

void page_clusters(struct req *r) { show_index(r, NULL); }

void page_cluster_create(struct req *r)
{
	/* the organiser picker searched: the page again, the form as typed (it reads the post), nothing created */
	if (pick_step(r)) { show_index(r, NULL); return; }
	struct field_errors fe = { 0 };
	struct cluster_in in;
	int64_t id = 0;
	int rc = cl_read_cluster(r, &in, &fe, 0);
	if (rc == E_OK) rc = clusters_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The cluster was created: add its first year"));
		reply_redirect(r, arena_printf(&r->a, "/clusters/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID || rc == E_CONFLICT) { show_index(r, &fe); return; }
	reply_fail(r, rc, &fe);
}

static void show_cluster(struct req *r, struct cluster *c, const struct field_errors *fe)
{
	if (fe && fe->n) r->status = 422;
	page_begin(r, c->name, "clusters");
	tmpl_cluster_page(&r->out, r, c, clusters_may_organise(r->user, c), fe);
	page_end(r);
}

void page_cluster(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct cluster *c;
	int rc = clusters_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	show_cluster(r, c, NULL);
}

/* the form "Add a year" */
void page_cluster_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct cluster *c;
	int rc = clusters_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	/* the members picker searched: the page again, the form as typed (it reads the post), nothing added */
	if (pick_step(r)) { show_cluster(r, c, NULL); return; }
	struct field_errors fe = { 0 };
	struct cyear_in in;
	int64_t year = 0, cy = 0;
	rc = cl_read_year(r, &in, &year, &fe);
	if (rc == E_OK && !year) { fe_add(&fe, "year", N_("Is required")); rc = E_INVALID; }
	if (rc == E_OK) rc = cyear_save(r->db, r->user, c->id, year, 0, &in, &fe, &cy);
	if (rc == E_NOTFOUND || rc == E_CONFLICT) { fe_add(&fe, "year", N_("The cluster has this year already")); rc = E_INVALID; }
	if (rc == E_OK) {
		flash_set(r, N_("The year was added"));
		reply_redirect(r, arena_printf(&r->a, "/clusters/%lld/years/%lld", (long long)c->id, (long long)year));
		return;
	}
	if (rc == E_INVALID) { show_cluster(r, c, &fe); return; }
	reply_fail(r, rc, &fe);
}

/* ---- a year ---- */

static void show_year(struct req *r, struct cyear *y, const struct field_errors *fe)
{
	struct ranking *k;
	struct scorecard *cards;
	struct signature *sigs;
	int ncards, nsigs;
	if (cluster_ranking(r->db, &r->a, y, &k) != E_OK || scorecards_list(r->db, &r->a, y->id, &cards, &ncards) != E_OK ||
	    agreement_signatures(r->db, &r->a, y, &sigs, &nsigs) != E_OK) {
		reply_fail(r, E_DB, NULL);
		return;
	}
	if (fe && fe->n) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s %lld", y->cluster->name, (long long)y->year), "clusters");
	tmpl_cluster_year_page(&r->out, r, y, k, cards, ncards, sigs, nsigs, clusters_may_organise(r->user, y->cluster), fe);
	page_end(r);
}

void page_cluster_year(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (y) show_year(r, y, NULL);
}

/* ---- the criteria sheet's editor (what=criterion | criterion_remove | criterion_up | criterion_down) ---- */

static char *trim_space(char *s)
{
	while (*s == ' ' || *s == '\t') s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
	return s;
}

static const char *posted(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? v : "";
}

const struct crit_form *crit_form_values(struct req *r, const struct cyear *y)
{
	struct crit_form *f = arena_alloc(&r->a, sizeof *f);
	memset(f, 0, sizeof *f);
	const char *what = r->method == M_POST ? req_form(r, "what") : NULL;
	if (what && !strcmp(what, "criterion")) {
		f->orig = posted(r, "orig");
		f->code = posted(r, "c_code");
		f->title = posted(r, "c_title");
		f->kind = posted(r, "c_kind");
		f->parent = posted(r, "c_parent");
		f->max = posted(r, "c_max");
		f->evidence = posted(r, "c_evidence");
		f->source = posted(r, "c_source");
		f->thresholds = posted(r, "c_thresholds");
		return f;
	}
	f->kind = "score";
	f->orig = f->code = f->title = f->parent = f->max = f->evidence = f->source = f->thresholds = "";
	const char *edit = r->method == M_GET ? req_query(r, "edit") : NULL;
	for (int i = 0; edit && i < y->ncrit; i++) {
		const struct criterion *c = &y->crit[i];
		if (strcmp(c->code, edit)) continue;
		f->orig = f->code = c->code;
		f->title = c->title;
		f->kind = c->kind;
		f->parent = c->parent_code ? c->parent_code : "";
		f->max = strcmp(c->kind, "group") ? number_text(r, (double)c->max_c / 100.0) : "";
		f->evidence = c->evidence ? c->evidence : "";
		struct rule_parts rp;
		if (c->rule && criterion_rule_parts(c->rule, &rp) == 0) {
			f->source = *rp.metric ? arena_printf(&r->a, "%s:%s:%s", rp.source, rp.code, rp.metric) : arena_printf(&r->a, "%s:%s", rp.source, rp.code);
			struct buf b;
			buf_init(&b);
			for (int k = 0; k < rp.n; k++) {
				fmt_number(&b, r->lang, rp.at[k]);
				buf_raw(&b, " = ");
				fmt_number(&b, r->lang, (double)rp.points_c[k] / 100.0);
				buf_raw(&b, "\n");
			}
			f->thresholds = arena_strdup(&r->a, buf_cstr(&b));
			buf_free(&b);
		}
	}
	return f;
}

const struct rule_choice *crit_rule_choices(struct req *r, int *n)
{
	struct movement *mv = NULL;
	struct indicator *ind = NULL;
	struct composite_index *ix = NULL;
	struct rule_metric *mt = NULL;
	int nmv = 0, nind = 0, nix = 0, nmt = 0;
	int64_t total = 0;
	/* drafts only under the reader's own authorities, as the movements list (movement_readable) */
	struct movement_query q = { .parent = -1, .limit = 500 };
	q.nranges = units_scope_ranges(r, PERM_MOVEMENT_MANAGE, q.range_lo, MV_MAX_RANGES);
	if (movements_list(r->db, &r->a, &q, &mv, &nmv, &total) != E_OK) nmv = 0;
	if (nmv && criterion_rule_metrics(r->db, &r->a, &mt, &nmt) != E_OK) nmt = 0;
	if (indicators_list(r->db, &r->a, r->lang, 0, &ind, &nind) != E_OK) nind = 0;
	if (indexes_list(r->db, &r->a, r->lang, &ix, &nix) != E_OK) nix = 0;
	struct rule_choice *out = arena_alloc(&r->a, sizeof *out * (size_t)(nmv + nmt + nind + nix + 1));
	*n = 0;
	/* a movement: its models assessed effective, then each of its metrics by name */
	for (int i = 0; i < nmv; i++) {
		const char *under = arena_printf(&r->a, "%s — %s", mv[i].code, mv[i].title);
		out[(*n)++] = (struct rule_choice){ 0, arena_printf(&r->a, "movement:%s", mv[i].code), _("Models assessed effective (count)"), under };
		for (int k = 0; k < nmt; k++)
			if (!strcmp(mt[k].movement, mv[i].code))
				out[(*n)++] = (struct rule_choice){ 0, arena_printf(&r->a, "movement:%s:%s", mv[i].code, mt[k].code),
								    arena_printf(&r->a, "%s (%s)", mt[k].name, mt[k].unit), under };
	}
	for (int i = 0; i < nind; i++)
		out[(*n)++] = (struct rule_choice){ 1, arena_printf(&r->a, "indicator:%s", ind[i].code), arena_printf(&r->a, "%s — %s", ind[i].code, ind[i].name), NULL };
	for (int i = 0; i < nix; i++)
		out[(*n)++] = (struct rule_choice){ 2, arena_printf(&r->a, "index:%s", ix[i].code), arena_printf(&r->a, "%s — %s", ix[i].code, ix[i].name), NULL };
	return out;
}

const char *rule_hint(struct req *r, const struct cyear *y, const struct criterion *k, int64_t unit_id)
{
	struct rule_parts rp;
	if (!k->rule || criterion_rule_parts(k->rule, &rp) != 0) return NULL;
	double v = 0;
	int has = 0;
	/* the value itself only to a reader of the unit's records (as the indicators' own pages) or the organiser, whose scope holds its members */
	const struct cunit *u = NULL;
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == unit_id) u = &y->members[i];
	if (!u || !(role_can(r->user, PERM_READ, u->path) || (clusters_may_organise(r->user, y->cluster) && clusters_in_scope(y->cluster, u->path))))
		return arena_printf(&r->a, "%s %s", _("Taken from"), rp.code);
	if (criterion_rule_value(r->db, k->rule, unit_id, y->year, &v, &has) != E_OK) return NULL;
	return arena_printf(&r->a, "%s %s: %s", _("Taken from"), rp.code, has ? number_text(r, v) : _("No data"));
}

const char *cl_z_text(struct req *r, double z)
{
	char t[48];
	snprintf(t, sizeof t, "%.3f", isfinite(z) ? z : 0.0);
	if (!strcmp(t, "-0.000")) snprintf(t, sizeof t, "0.000");
	char *dot = strchr(t, '.');
	if (dot && !strcmp(r->lang, "vi")) *dot = ',';
	return arena_strdup(&r->a, t);
}

int rule_card_points(struct req *r, const struct cyear *y, const struct criterion *k, const struct score_item *it, int64_t unit_id,
		     int64_t *points_c)
{
	*points_c = 0;
	if (!k->rule || !strcmp(k->kind, "group") || !cl_rule_from_data(k->rule)) return 0;
	if (it) *points_c = it->points_c > 0 ? it->points_c : 0;
	else if (criterion_rule_points(r->db, k->rule, unit_id, y->year, points_c) != E_OK) *points_c = 0;
	return 1;
}

/* the rule of the form: "" (none), or its JSON text; E_INVALID with the reason.
** c_source is one of the form's choices: "movement:CODE" (its models assessed
** effective), "movement:CODE:METRIC", "indicator:CODE" or "index:CODE". */
static int read_rule(struct req *r, const char **rule, struct field_errors *fe)
{
	const char *src = posted(r, "c_source");
	*rule = NULL;
	if (!*src) return E_OK;
	const char *colon = strchr(src, ':');
	static const char *const sources[] = { "movement", "indicator", "index", NULL };
	char kind[16];
	snprintf(kind, sizeof kind, "%.*s", colon ? (int)(colon - src) : 0, src);
	if (!colon || !colon[1] || cl_choice(kind, sources) < 0) { fe_add(fe, "c_source", N_("Is not one of the allowed values")); return E_INVALID; }
	const char *code = colon + 1, *metric = NULL;
	const char *second = strchr(code, ':');
	if (second && !strcmp(kind, "movement")) {
		code = arena_strndup(&r->a, code, (size_t)(second - code));
		metric = second + 1;
	}
	json_t *j = json_object();
	json_object_set_new(j, "source", json_string(kind));
	json_object_set_new(j, kind, json_string(code));
	if (metric) json_object_set_new(j, "metric", json_string(metric));
	json_t *th = json_array();
	json_object_set_new(j, "thresholds", th);
	/* one threshold a line: "value reached = points", numbers the reader's way */
	const char *p = posted(r, "c_thresholds");
	int line = 0;
	while (*p && !fe->n) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *ln = arena_strndup(&r->a, p, len);
		p += len + (e ? 1 : 0);
		line++;
		char *cr = strchr(ln, '\r');
		if (cr) *cr = 0;
		if (!*ln || strspn(ln, " \t") == strlen(ln)) continue;
		char *eq = strchr(ln, '=');
		double at, pts;
		if (!eq) { fe_add(fe, "c_thresholds", N_("Each threshold is a line: value reached = points")); break; }
		*eq = 0;
		if (i18n_parse_number(r->lang, trim_space(ln), &at) != 0 || i18n_parse_number(r->lang, trim_space(eq + 1), &pts) != 0) {
			fe_add(fe, "c_thresholds", N_("Must be a number written like 1,500,000.5"));
			break;
		}
		json_t *pair = json_array();
		json_array_append_new(pair, json_real(at));
		json_array_append_new(pair, json_real(round(pts * 100.0) / 100.0));
		json_array_append_new(th, pair);
	}
	if (!fe->n) {
		char *t = json_dumps(j, JSON_COMPACT);
		*rule = arena_strdup(&r->a, t);
		free(t);
	}
	json_decref(j);
	return fe->n ? E_INVALID : E_OK;
}

static int do_criterion(struct req *r, const struct cyear *y, const char *what, struct field_errors *fe)
{
	int64_t version = require_version(r, fe);
	if (version < 0) return E_INVALID;
	const char *orig = req_form(r, "orig");
	if (strcmp(what, "criterion")) {
		static const char *const ops[] = { "criterion_remove", "criterion_up", "criterion_down", NULL };
		static const enum crit_op op_of[] = { CRIT_REMOVE, CRIT_UP, CRIT_DOWN };
		int k = cl_choice(what, ops);
		if (k < 0) { fe_add(fe, "what", N_("Is not one of the allowed values")); return E_INVALID; }
		enum crit_op op = op_of[k];
		return cyear_criterion_change(r->db, &r->a, r->user, y->id, version, op, orig, NULL, fe);
	}
	struct crit_in c = { .code = trim_space(arena_strdup(&r->a, posted(r, "c_code"))), .title = trim_space(arena_strdup(&r->a, posted(r, "c_title"))),
			     .kind = posted(r, "c_kind"), .parent_code = posted(r, "c_parent"), .evidence = posted(r, "c_evidence") };
	const char *max = posted(r, "c_max");
	double mv = 0;
	if (strcmp(c.kind, "group") && *max && i18n_parse_number(r->lang, max, &mv) != 0) fe_add(fe, "c_max", N_("Must be a number written like 1,500,000.5"));
	c.max_c = fabs(mv) < 1e9 ? llround(mv * 100.0) : -1;
	if (read_rule(r, &c.rule, fe) != E_OK || fe->n) return E_INVALID;
	/* the rule's own checks, said at its fields: the source (a movement or its metric that does not exist) or the thresholds */
	if (c.rule && criterion_rule_check(r->db, r->user, c.rule, c.max_c, "c_source", "c_thresholds", fe) != E_OK) return E_INVALID;
	int rc = cyear_criterion_change(r->db, &r->a, r->user, y->id, version, CRIT_SAVE, orig, &c, fe);
	/* the sheet's checks name the criterion (or the sheet): said at the form's field they are about, which the error summary links to */
	static const struct { const char *msg, *field; } at[] = {
		{ N_("A criterion's code is missing or not valid"), "c_code" },
		{ N_("Two criteria have the same code"), "c_code" },
		{ N_("A criterion has no title"), "c_title" },
		{ N_("A criterion's title is too long (at most 500 characters)"), "c_title" },
		{ N_("A criterion's title must be one line without control characters"), "c_title" },
		{ N_("The evidence a criterion asks for is too long (at most 2000 characters)"), "c_evidence" },
		{ N_("The evidence a criterion asks for must not contain control characters (line breaks are allowed)"), "c_evidence" },
		{ N_("A criterion's rule is too long (at most 4000 characters)"), "c_source" },
		{ N_("A criterion's kind must be group, score, bonus or penalty"), "c_kind" },
		{ N_("A criterion's maximum must be from 0 to 1.000.000"), "c_max" },
		{ N_("A criterion needs a maximum above 0"), "c_max" },
		{ N_("A criterion's parent must be a group listed before it"), "c_parent" },
	};
	for (int i = 0; rc == E_INVALID && i < fe->n; i++) {
		if (strcmp(fe->field[i], "criteria") && strcmp(fe->field[i], "criterion") && !(c.code && !strcmp(fe->field[i], c.code))) continue;
		for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
			if (!strcmp(fe->msg[i], at[k].msg)) fe->field[i] = at[k].field;
	}
	return rc;
}

/* one form of the year's page: what= settings | import | copy | sign | rotation | confirm | tiebreak | reopen */
void page_cluster_year_post(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	const char *what = req_form(r, "what");
	struct field_errors fe = { 0 };
	int rc = E_INVALID;
	const char *done = N_("Saved");
	if (!what) {
		fe_add(&fe, "what", N_("Is required"));
	} else if (!strcmp(what, "settings") && pick_step(r)) {
		show_year(r, y, NULL); /* the members picker searched: the page again, the form as typed, nothing saved */
		return;
	} else if (!strcmp(what, "settings")) {
		int64_t version = require_version(r, &fe), year, id;
		struct cyear_in in;
		rc = cl_read_year(r, &in, &year, &fe);
		if (rc == E_OK && version >= 0) rc = cyear_save(r->db, r->user, y->cluster_id, y->year, version, &in, &fe, &id);
		else rc = E_INVALID;
	} else if (!strcmp(what, "import")) {
		rc = cl_do_import(r, y, &fe);
		done = N_("The criteria sheet was imported");
	} else if (!strcmp(what, "copy")) {
		rc = cl_do_copy(r, y, &fe);
		done = N_("The criteria sheet was copied");
	} else if (!strcmp(what, "sign")) {
		int64_t u = cl_unit_arg(r, "unit", &fe);
		rc = u > 0 ? agreement_sign(r->db, r->user, y->id, u, &fe) : E_INVALID;
		done = N_("The agreement was signed");
	} else if (!strcmp(what, "rotation")) {
		rc = cl_do_rotation(r, y, &fe);
		done = N_("The rotation was proposed");
	} else if (!strcmp(what, "confirm")) {
		int64_t version = require_version(r, &fe);
		rc = version >= 0 ? cyear_rotation_confirm(r->db, r->user, y->id, version, &fe) : E_INVALID;
		done = N_("The rotation was confirmed: next year has its leader and deputy");
	} else if (!strcmp(what, "tiebreak")) {
		rc = cl_do_tiebreak(r, y, &fe);
		done = N_("The decision was recorded");
	} else if (!strcmp(what, "file")) {
		int64_t card = 0, att = 0;
		parse_id(req_form(r, "card") ? req_form(r, "card") : "", &card);
		rc = cl_do_attach(r, card, &fe, &att);
		struct scorecard *c;
		if (rc == E_OK && scorecards_get(r->db, &r->a, card, &c) == E_OK) {
			flash_set(r, N_("The file was attached"));
			reply_redirect(r, arena_printf(&r->a, "/clusters/%lld/years/%lld/score?scorer=%lld&target=%lld", (long long)y->cluster_id,
						       (long long)y->year, (long long)c->scorer.id, (long long)c->target.id));
			return;
		}
	} else if (!strncmp(what, "criterion", 9)) {
		rc = do_criterion(r, y, what, &fe);
		done = !strcmp(what, "criterion_remove") ? N_("The criterion was removed") : N_("The criteria sheet was saved");
		if (rc == E_OK) {
			flash_set(r, done);
			reply_redirect(r, arena_printf(&r->a, "/clusters/%lld/years/%lld#criteria", (long long)y->cluster_id, (long long)y->year));
			return;
		}
	} else if (!strcmp(what, "reopen")) {
		int64_t card = 0;
		parse_id(req_form(r, "card") ? req_form(r, "card") : "", &card);
		rc = cl_do_reopen(r, card, &fe);
		done = N_("The card was reopened");
	} else {
		fe_add(&fe, "what", N_("Is not one of the allowed values"));
	}
	if (rc == E_OK) {
		flash_set(r, done);
		reply_redirect(r, arena_printf(&r->a, "/clusters/%lld/years/%lld", (long long)y->cluster_id, (long long)y->year));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) {
		struct cyear *again;
		if (cyear_get_id(r->db, &r->a, y->id, &again) == E_OK) { show_year(r, again, &fe); return; }
	}
	if (rc == E_CONFLICT && !fe.n && (!strcmp(what, "settings") || !strcmp(what, "confirm"))) {
		/* the year's settings or its rotation changed meanwhile: the page as it
		** is now, saying that nothing was saved (the form shows the current
		** settings, not what was chosen) */
		struct cyear *again;
		if (cyear_get_id(r->db, &r->a, y->id, &again) == E_OK) {
			r->status = 409;
			r->notice = arena_printf(&r->a, _("Someone else changed this year after you opened the page; it is now at version %lld. "
							  "Nothing was saved: check the current settings below and make your change again."),
						 (long long)again->version);
			show_year(r, again, &fe);
			return;
		}
	}
	if (rc == E_CONFLICT && !fe.n && !strcmp(what, "criterion")) {
		/* saved by someone else meanwhile: the criterion form again over the current version, with what was typed */
		struct cyear *again;
		if (cyear_get_id(r->db, &r->a, y->id, &again) == E_OK) {
			form_conflict(r, again->version);
			show_year(r, again, &fe);
			return;
		}
	}
	reply_fail(r, rc, &fe);
}

/* ---- a scorecard ---- */

static const struct cunit *member(const struct cyear *y, int64_t id)
{
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == id) return &y->members[i];
	return NULL;
}

static void show_card(struct req *r, struct cyear *y, int64_t scorer_id, int64_t target_id, const struct field_errors *fe)
{
	const struct cunit *scorer = member(y, scorer_id), *target = member(y, target_id);
	if (!scorer || !target) { reply_fail(r, E_NOTFOUND, NULL); return; }
	if (!clusters_may_read_card(r->user, y->cluster, scorer->path, target->path)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
	struct scorecard *c = NULL;
	int64_t id = 0;
	if (scorecards_find(r->db, y->id, scorer_id, target_id, &id) == E_OK && scorecards_get(r->db, &r->a, id, &c) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	/* past the deadline a card is read-only (the domain refuses its changes), unless the organiser reopened it */
	int closed = cyear_scoring_closed(y) && !(c && c->reopen_reason);
	int can_edit = may_score_for(r, scorer) && (!c || strcmp(c->status, "submitted")) && !closed;
	int can_reopen = c && !strcmp(c->status, "submitted") && clusters_may_organise(r->user, y->cluster);
	struct attachment *files = NULL;
	int nfiles = 0;
	if (c && files_list(r->db, &r->a, "scorecard", c->id, &files, &nfiles) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	if (fe && fe->n) r->status = 422;
	page_begin(r, _("Scorecard"), "clusters");
	tmpl_scorecard_page(&r->out, r, y, scorer, target, c, can_edit, closed, can_reopen, files, nfiles, fe);
	page_end(r);
}

void page_scorecard(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	int64_t scorer = query_int(r, "scorer", 0, 1, INT64_MAX), target = query_int(r, "target", 0, 1, INT64_MAX);
	if (query_bad(r)) return;
	show_card(r, y, scorer, target, NULL);
}

void page_scorecard_post(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int created = 0;
	int rc = cl_do_score(r, y, &fe, &id, &created);
	const char *d = req_form(r, "do");
	int submit = d && !strcmp(d, "submit");
	if (rc == E_OK && submit) {
		struct scorecard *c;
		rc = scorecards_get(r->db, &r->a, id, &c);
		if (rc == E_OK) rc = scorecards_submit(r->db, r->user, id, c->version, &fe);
	}
	int64_t scorer = cl_unit_arg(r, "scorer", &fe), target = cl_unit_arg(r, "target", &fe);
	if (rc == E_OK) {
		flash_set(r, submit ? N_("The card was submitted") : N_("The card was saved"));
		reply_redirect(r, arena_printf(&r->a, "/clusters/%lld/years/%lld/score?scorer=%lld&target=%lld", (long long)y->cluster_id,
					       (long long)y->year, (long long)scorer, (long long)target));
		return;
	}
	if ((rc == E_INVALID || rc == E_STATE) && scorer > 0 && target > 0) { show_card(r, y, scorer, target, &fe); return; }
	reply_fail(r, rc, &fe);
}
