/* thidua eligibility: every active person of a unit's subtree checked
** against an award's rule set for a year (the scan of rules.h), from the
** command line: the counts per verdict, then the people listed with the
** conditions in words. For officers preparing a year-end round, and for
** make bench. */
#include <stdio.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/csv.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../commendation/rule_sets.h"
#include "../units/units.h"
#include "cli.h"

/* The English output is kept word for word (scripts read it: make bench
** reads "eligible: N" and a person's line ending in "eligible"); Vietnamese
** and Hindi get every word in their language, dates as dd/mm/yyyy. */
static const char *say(const char *lang, const char *english, const char *msgid)
{
	return strcmp(lang, "en") ? i18n_get(lang, msgid) : english;
}

static const char *met_mark(const char *lang, int met)
{
	return met == ELIG_MET ? say(lang, "met", N_("met")) : met == ELIG_UNMET ? say(lang, "not met", N_("not met"))
										  : say(lang, "judge", N_("a person judges"));
}

static const char *verdict_word(const char *lang, enum elig_verdict v)
{
	return v == ELIG_ELIGIBLE ? say(lang, "eligible", N_("eligible"))
	       : v == ELIG_MANUAL ? say(lang, "manual", N_("to be confirmed by a person"))
				  : say(lang, "ineligible", N_("not eligible"));
}

/* a calendar date: ISO in English, else dd/mm/yyyy (arena) */
static const char *date_in(struct arena *a, const char *lang, const char *iso)
{
	if (!strcmp(lang, "en")) return iso;
	struct buf b;
	buf_init(&b);
	fmt_date(&b, lang, iso);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* the conditions on one line: "[met] text: fact; fact | [not met] ..." */
static void conditions_line(struct buf *b, const char *lang, const struct elig_result *res)
{
	for (int i = 0; i < res->nconds; i++) {
		const struct elig_condition *c = &res->conds[i];
		buf_printf(b, "%s[%s] %s", i ? " | " : "", met_mark(lang, c->met), c->text);
		for (int k = 0; k < c->nfacts; k++) buf_printf(b, "%s%s", k ? "; " : ": ", c->facts[k]);
	}
}

static void print_csv(const struct elig_scan *sc, const char *lang)
{
	struct buf b;
	buf_init(&b);
	if (!strcmp(lang, "en")) {
		buf_raw(&b, "person_code,full_name,unit_code,unit_name,verdict,conditions\n");
	} else {
		/* for a spreadsheet: the BOM (Excel reads the file as UTF-8) and the titles in the language */
		buf_raw(&b, "\xEF\xBB\xBF");
		const char *heads[] = { N_("Civil-servant code"), N_("Full name"), N_("Unit code"), N_("Unit name"), N_("Verdict"), N_("Conditions") };
		for (int k = 0; k < 6; k++) {
			if (k) buf_char(&b, ',');
			csv_field(&b, i18n_get(lang, heads[k]), ',');
		}
		buf_char(&b, '\n');
	}
	for (int i = 0; i < sc->nitems; i++) {
		const struct elig_person *x = &sc->items[i];
		const char *cells[] = { x->code ? x->code : "", x->full_name, x->unit_code, x->unit_name, verdict_word(lang, x->res.verdict) };
		for (int k = 0; k < 5; k++) {
			csv_field(&b, cells[k], ',');
			buf_char(&b, ',');
		}
		struct buf c;
		buf_init(&c);
		conditions_line(&c, lang, &x->res);
		csv_field(&b, buf_cstr(&c), ',');
		buf_free(&c);
		buf_char(&b, '\n');
		fwrite(b.p, 1, b.len, stdout);
		buf_reset(&b);
	}
	buf_free(&b);
}

static void print_text(const struct elig_scan *sc, const char *lang)
{
	for (int i = 0; i < sc->nitems; i++) {
		const struct elig_person *x = &sc->items[i];
		printf("\n%s  %s  (%s %s)  %s\n", x->code ? x->code : "-", x->full_name, x->unit_code, x->unit_name, verdict_word(lang, x->res.verdict));
		for (int k = 0; k < x->res.nconds; k++) {
			const struct elig_condition *c = &x->res.conds[k];
			printf("  [%s] %s\n", met_mark(lang, c->met), c->text);
			for (int f = 0; f < c->nfacts; f++) printf("        %s\n", c->facts[f]);
		}
	}
}

static int usage(int help)
{
	return cli_usage(help, "usage: thidua eligibility --award CODE --unit CODE --year YYYY [--db PATH]\n"
			 "                          [--verdict eligible|manual|ineligible|all] [--format text|csv] [--lang vi|en|hi]\n\n"
			 "Checks every active person of the unit and of the units below it against the award's\n"
			 "rule set in force on 31 December of the year, reading their records with one query.\n"
			 "Prints the counts (people, eligible, manual, ineligible), then the people eligible and\n"
			 "those eligible if a person confirms the conditions left to judgement (--verdict chooses\n"
			 "others), each with the conditions in words, all in the language of --lang (Vietnamese\n"
			 "by default; --lang en keeps the English lines scripts read: \"eligible: N\" ...).\n"
			 "--format csv writes the people as CSV on the standard output (vi, hi: with a UTF-8 BOM\n"
			 "and titles in the language) and the counts on the standard error.\n"
			 "Exit status 0, 1 when the check cannot be made, 2 for a usage error.\n");
}

/* the verdicts --verdict lists, or 0 when it names none */
static unsigned verdicts_of(const char *s)
{
	if (!s) return ELIG_LISTED_DEFAULT;
	if (!strcmp(s, "eligible")) return 1u << ELIG_ELIGIBLE;
	if (!strcmp(s, "manual")) return 1u << ELIG_MANUAL;
	if (!strcmp(s, "ineligible")) return 1u << ELIG_INELIGIBLE;
	if (!strcmp(s, "all")) return (1u << ELIG_ELIGIBLE) | (1u << ELIG_MANUAL) | (1u << ELIG_INELIGIBLE);
	return 0;
}

int cmd_eligibility(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--award", "--unit", "--year", "--verdict", "--format", "--lang", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return usage(0);
	const char *award = arg(&a, "--award", NULL), *unit = arg(&a, "--unit", NULL), *year = arg(&a, "--year", NULL);
	const char *format = arg(&a, "--format", "text"), *lang = arg(&a, "--lang", LANG_DEFAULT);
	int64_t y = 0;
	unsigned verdicts = verdicts_of(arg(&a, "--verdict", NULL));
	if (a.help || a.npos || !award || !unit || !year) return usage(a.help);
	if (parse_int(year, &y) != 0 || y < RULES_EVER || y > 2200) { fprintf(stderr, "--year: must be a year from 1945 to 2200\n"); return 2; }
	if (!verdicts) { fprintf(stderr, "--verdict: eligible, manual, ineligible or all\n"); return 2; }
	if (strcmp(format, "text") && strcmp(format, "csv")) { fprintf(stderr, "--format: text or csv\n"); return 2; }
	if (!i18n_known(lang)) { fprintf(stderr, "--lang: vi, en or hi\n"); return 2; }
	struct db *db;
	if (cli_open_db(arg(&a, "--db", "thidua.db"), &db, 0) != 0) return 1;
	struct arena ar;
	arena_init(&ar);
	int rc = 1;
	struct award *aw;
	struct elig_scan_query q = { .year = (int)y, .verdicts = verdicts, .limit = -1 };
	struct rule_set *rs;
	struct elig_scan sc;
	const char *why = NULL;
	if (awards_get_code(db, &ar, award, lang, &aw) != E_OK) { fprintf(stderr, "no award has the code %s\n", award); goto out; }
	if (units_find_code(db, unit, &q.unit_id) != E_OK) { fprintf(stderr, "no unit has the code %s\n", unit); goto out; }
	/* one read transaction: the counts and the lists are of one state of the database */
	if (db_exec(db, "BEGIN", "") != DB_OK) { fprintf(stderr, "cannot read the database: %s\n", db_errmsg(db)); goto out; }
	int r = eligibility_scan(db, &ar, lang, aw, &q, &rs, &sc, &why);
	db_rollback(db);
	if (r != E_OK) {
		fprintf(stderr, "%s\n", r == E_DB ? db_errmsg(db) : i18n_get("en", why ? why : "No such record"));
		goto out;
	}
	FILE *head = strcmp(format, "csv") ? stdout : stderr;
	const char *from = date_in(&ar, lang, rs->effective_from), *to = rs->effective_to ? date_in(&ar, lang, rs->effective_to) : NULL;
	const char *when = !strcmp(lang, "en") ? arena_printf(&ar, "from %s%s%s", from, to ? " to " : "", to ? to : "")
			   : to ? arena_printf(&ar, i18n_get(lang, N_("from %s to %s")), from, to) : arena_printf(&ar, i18n_get(lang, N_("from %s")), from);
	fprintf(head, "%s %s, %lld, %s — %s %lld (%s, %s)\n", aw->code, aw->name, (long long)y, unit, say(lang, "rule set", N_("rule set")),
		(long long)rs->id, rs->legal_basis, when);
	fprintf(head, "%s: %lld\n%s: %lld\n%s: %lld\n%s: %lld\n", say(lang, "people", N_("people")), (long long)sc.people,
		say(lang, "eligible", N_("eligible")), (long long)sc.counts[ELIG_ELIGIBLE], say(lang, "manual", N_("to be confirmed by a person")),
		(long long)sc.counts[ELIG_MANUAL], say(lang, "ineligible", N_("not eligible")), (long long)sc.counts[ELIG_INELIGIBLE]);
	if (head == stderr) print_csv(&sc, lang);
	else print_text(&sc, lang);
	rc = 0;
out:
	arena_free(&ar);
	db_close(db);
	return rc;
}
