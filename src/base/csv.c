#include "csv.h"

#include <string.h>

#include "errors.h"
#include "fold.h"
#include "i18n.h"

/* a message id in the reader's language (English when none was set) */
#define L(c, id) i18n_get((c)->lang ? (c)->lang : "en", (id))

void csv_init(struct csv *c, FILE *f)
{
	memset(c, 0, sizeof *c);
	c->f = f;
	c->next_line = 1;
	buf_init(&c->rec);
	int a = fgetc(f), b = fgetc(f), d = fgetc(f);
	if (!(a == 0xEF && b == 0xBB && d == 0xBF)) {
		if (d != EOF) ungetc(d, f);
		if (b != EOF) ungetc(b, f);  /* glibc allows several ungetc for stdio files */
		if (a != EOF) ungetc(a, f);
	} else {
		c->bytes = 3;
	}
}

void csv_free(struct csv *c) { buf_free(&c->rec); }

static int get(struct csv *c)
{
	int ch = fgetc(c->f);
	if (ch != EOF) c->bytes++;
	return ch;
}

int csv_next(struct csv *c)
{
	buf_reset(&c->rec);
	c->nfields = 0;
	c->line = c->next_line;
	int ch = get(c);
	if (ch == EOF) return 0;
	int quoted = 0, in_quotes = 0, field_start = 1, nul = 0;
	c->off[c->nfields++] = 0;
	for (;; ch = get(c)) {
		/* a NUL would cut the field's text short where it stands: the record
		** is read to its end (the next starts clean) and refused */
		if (ch == 0 && !nul) nul = c->nfields;
		if (ch == EOF) {
			if (in_quotes) {
				snprintf(c->err, sizeof c->err, "%s", L(c, N_("a quoted field opened here is never closed")));
				return -1;
			}
			break;
		}
		if (in_quotes) {
			if (ch == '"') {
				int n = get(c);
				if (n == '"') { buf_char(&c->rec, '"'); continue; }
				in_quotes = 0;
				if (n == EOF) break;
				ch = n;
			} else {
				if (ch == '\n') c->next_line++;
				buf_char(&c->rec, (char)ch);
				continue;
			}
		}
		if (ch == '"' && field_start) { in_quotes = quoted = 1; field_start = 0; continue; }
		if (ch == '\r') {
			int n = get(c);
			if (n != '\n' && n != EOF) ungetc(n, c->f), c->bytes--;
			ch = '\n';
		}
		if (ch == '\n') { c->next_line++; break; }
		if (!c->sep && c->line == 1 && (ch == ',' || ch == ';')) c->sep = (char)ch;
		if (ch == (c->sep ? c->sep : ',')) {
			buf_char(&c->rec, 0);
			if (c->nfields == CSV_MAX_FIELDS) {
				snprintf(c->err, sizeof c->err, L(c, N_("more than %d fields")), CSV_MAX_FIELDS);
				return -1;
			}
			c->off[c->nfields++] = c->rec.len;
			field_start = 1;
			quoted = 0;
			continue;
		}
		if (quoted) {
			snprintf(c->err, sizeof c->err, L(c, N_("text after a closing quote in field %d")), c->nfields);
			/* skip the rest of the line so the next record starts clean */
			while (ch != '\n' && ch != EOF) ch = get(c);
			c->next_line++;
			return -1;
		}
		buf_char(&c->rec, (char)ch);
		field_start = 0;
	}
	buf_char(&c->rec, 0);
	if (nul) {
		snprintf(c->err, sizeof c->err, L(c, N_("field %d holds a NUL byte")), nul);
		return -1;
	}
	for (int i = 0; i < c->nfields; i++) {
		c->field[i] = c->rec.p + c->off[i];
		if (!utf8_valid(c->field[i], strlen(c->field[i]))) {
			snprintf(c->err, sizeof c->err, L(c, N_("field %d is not valid UTF-8")), i + 1);
			return -1;
		}
	}
	/* a blank line is one empty field: report it as such, callers skip it */
	return 1;
}

static int guard_char(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\''; }

int csv_needs_guard(const char *s) { return s && guard_char(s[0]); }

void csv_unguard(char *s)
{
	if (s && s[0] == '\'' && guard_char(s[1])) memmove(s, s + 1, strlen(s));
}

void csv_field(struct buf *b, const char *s, char sep)
{
	if (!s) return;
	if (!strpbrk(s, "\"\r\n") && !strchr(s, sep) && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		buf_raw(b, s);
		return;
	}
	buf_char(b, '"');
	for (; *s; s++) {
		if (*s == '"') buf_char(b, '"');
		buf_char(b, *s);
	}
	buf_char(b, '"');
}
