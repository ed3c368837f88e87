/* Documents of a decision (decisions.h): each nominee's certificate — the
** layout of a Bằng khen / Giấy khen on A4 landscape, with the QR code of its
** verification address (libqrencode) — the decision with its list, and the
** list as a spreadsheet. Text is set by pango in Noto Serif; fontconfig
** falls back per script (Noto Serif Devanagari for Hindi). */
#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/i18n.h"
#include "../base/pdf.h"
#include "../base/sheet.h"
#include "../commendation/commendation.h"
#include "../movements/mv_report.h"
#include "decisions.h"

#define T(s) i18n_get(lang, (s))

/* certificates and the decision are official Vietnamese documents: printed
** in Vietnamese whatever the reader's language (what was signed is too) */
static const char *const lang = "vi";

#define LAND_W 841.890   /* A4 landscape */
#define LAND_H 595.276
#define FONT "Noto Serif"

struct page {
	cairo_t *cr;
	PangoLayout *l;
	PangoFontDescription *fd;
};

static void ink(cairo_t *cr, int red)
{
	if (red) cairo_set_source_rgb(cr, 0.62, 0.07, 0.07);
	else cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
}

/* sets text centred (or aligned) in a box of width w at (x, y); returns its height */
static double text(struct page *p, const char *s, double size, int bold, int italic, double x, double y, double w, PangoAlignment al)
{
	pango_font_description_set_absolute_size(p->fd, size * PANGO_SCALE);
	pango_font_description_set_weight(p->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(p->fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(p->l, p->fd);
	pango_layout_set_width(p->l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(p->l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(p->l, al);
	pango_layout_set_text(p->l, s ? s : "", -1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->l);
	PangoRectangle r;
	pango_layout_get_extents(p->l, NULL, &r);
	return r.height / (double)PANGO_SCALE;
}

static double centred(struct page *p, const char *s, double size, int bold, int italic, double y)
{
	return text(p, s, size, bold, italic, 90, y, LAND_W - 180, PANGO_ALIGN_CENTER);
}

static void rule(cairo_t *cr, double cx, double y, double w)
{
	cairo_move_to(cr, cx - w / 2, y);
	cairo_line_to(cr, cx + w / 2, y);
	cairo_set_line_width(cr, 0.7);
	cairo_stroke(cr);
}

/* the frame of a certificate: a heavy outer line and a fine inner one, with corner marks */
static void frame(cairo_t *cr)
{
	cairo_set_source_rgb(cr, 0.62, 0.07, 0.07);
	cairo_set_line_width(cr, 4);
	cairo_rectangle(cr, 20, 20, LAND_W - 40, LAND_H - 40);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.72, 0.55, 0.12);
	cairo_set_line_width(cr, 1.2);
	cairo_rectangle(cr, 30, 30, LAND_W - 60, LAND_H - 60);
	cairo_stroke(cr);
	for (int i = 0; i < 4; i++) {
		double x = i % 2 ? LAND_W - 30 : 30, y = i / 2 ? LAND_H - 30 : 30;
		cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
		cairo_fill(cr);
	}
}

/* the QR code of text, size points wide with its quiet zone, at (x, y) */
static int qr(cairo_t *cr, const char *s, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(s, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q) return -1;
	int n = q->width, quiet = 4;
	double m = size / (n + 2 * quiet);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < n; r++)
		for (int c = 0; c < n; c++)
			if (q->data[r * n + c] & 1) cairo_rectangle(cr, x + (quiet + c) * m, y + (quiet + r) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
	return 0;
}

static const char *long_date(struct arena *a, const char *place, const char *iso)
{
	int y = 0, m = 0, d = 0;
	struct buf b;
	buf_init(&b);
	if (place && *place) buf_printf(&b, "%s, ", place);
	if (iso && sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3) mv_long_date(&b, lang, y, m, d);
	if ((!place || !*place) && b.len && !strcmp(lang, "vi")) b.p[0] = 'N';
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* the award's name in lang (the catalogue's), else as decided */
static const char *award_in(struct db *db, struct arena *a, const struct decision_nominee *n, const char *in)
{
	if (!strcmp(in, "vi")) return n->award_name;
	const char *s = award_name(db, a, n->award_code, in);
	return s ? s : n->award_label;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* "Ông" or "Bà" before a person's name on a Vietnamese certificate */
static const char *honorific(const struct decision_nominee *n)
{
	if (!n->person_id || !n->recipient_gender) return NULL;
	return !strcmp(n->recipient_gender, "F") ? "Bà" : !strcmp(n->recipient_gender, "M") ? "Ông" : NULL;
}

/* the leading words of a title that sign for someone else: "KT." (on
** behalf of the head, by a deputy), "TM." (on behalf of a collective body),
** "TL.", "TUQ." (by delegation); its length with the spaces after, else 0 */
static size_t for_whom_prefix(const char *t, int *collective)
{
	static const char *const prefixes[] = { "KT.", "TM.", "TL.", "TUQ.", NULL };
	for (int i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);
		if (g_ascii_strncasecmp(t, prefixes[i], n) != 0) continue;
		if (collective) *collective = i == 1;
		while (t[n] == ' ') n++;
		return n;
	}
	return 0;
}

/* the end of the first part of a title in two ("Chủ tịch – Phó Chủ tịch",
** "Chủ tịch / Phó Chủ tịch", one a line): where the separator starts, and
** *next where the second part does; NULL when the title is one part */
static const char *title_split(const char *t, const char **next)
{
	static const char *const seps[] = { " – ", " — ", " - ", " / ", "/", "\n", NULL };
	const char *best = NULL;
	size_t len = 0;
	for (int i = 0; seps[i]; i++) {
		const char *p = strstr(t, seps[i]);
		if (p && (!best || p < best)) { best = p; len = strlen(seps[i]); }
	}
	if (best && next) {
		*next = best + len;
		while (**next == ' ') (*next)++;
	}
	return best;
}

const char *cert_awarding_office(struct arena *a, const char *signer_title)
{
	const char *t = signer_title ? signer_title : "";
	while (*t == ' ') t++;
	int collective = 0;
	size_t skip = for_whom_prefix(t, &collective);
	if (!skip) return arena_strdup(a, t);
	t += skip;
	const char *next = NULL, *end = title_split(t, &next);
	/* TM. Ủy ban nhân dân – Chủ tịch: the body is the authority's name
	** already, the office is the head's; KT. Chủ tịch – Phó Chủ tịch: the
	** head's, for whom the deputy signs */
	if (collective) return end ? arena_strdup(a, next) : "";
	return end ? arena_printf(a, "%.*s", (int)(end - t), t) : arena_strdup(a, t);
}

/* the signer's title in the signature block: its two parts one a line
** ("KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH") */
static const char *signature_title(struct arena *a, const char *signer_title)
{
	const char *t = signer_title ? signer_title : "", *next = NULL;
	const char *end = for_whom_prefix(t, NULL) ? title_split(t, &next) : NULL;
	return end ? arena_printf(a, "%.*s\n%s", (int)(end - t), t, next) : t;
}

int cert_pdf(struct db *db, struct arena *a, const struct decision *d, const struct decision_nominee *n, FILE *out)
{
	const char *award = award_in(db, a, n, "vi");
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_out, out, LAND_W, LAND_H);
	cairo_t *cr = cairo_create(s);
	const char *title = arena_printf(a, "%s — %s", award, n->recipient_name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, d->authority_name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, arena_printf(a, "%s %s", T("Decision"), d->number));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "thidua");
	struct page p = { cr, pango_cairo_create_layout(cr), pango_font_description_from_string(FONT) };
	/* pdf_library_end waits for this thread's font map too (fontconfig's
	** caches torn down under it aborted test_certificates at exit once) */
	pdf_note_font_map(p.l);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	frame(cr);

	/* the state's name and motto: always in Vietnamese */
	double y = 54;
	ink(cr, 0);
	y += centred(&p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, 1, 0, y);
	y += centred(&p, "Độc lập – Tự do – Hạnh phúc", 13.5, 1, 0, y);
	rule(cr, LAND_W / 2, y + 3, 150);
	y += 24;
	/* who awards: the head's office and the authority, then "awards" (a
	** deputy signing "KT. Chủ tịch – Phó Chủ tịch" awards as the head: the
	** "KT." and the deputy's title are for the signature block only) */
	const char *office_of = cert_awarding_office(a, d->signer_title);
	char *who = g_utf8_strup(*office_of ? arena_printf(a, "%s %s", office_of, d->authority_name) : d->authority_name, -1);
	y += centred(&p, who, 14, 1, 0, y);
	g_free(who);
	char *verb = g_utf8_strup(T("awards"), -1);
	y += centred(&p, verb, 13, 1, 0, y) + 12;
	g_free(verb);
	/* the award, large */
	ink(cr, 1);
	y += centred(&p, award, 32, 1, 0, y) + 10;
	/* the recipient */
	ink(cr, 0);
	const char *hon = honorific(n);
	const char *rec = hon ? arena_printf(a, "%s %s", hon, n->recipient_name) : n->recipient_name;
	y += centred(&p, rec, 22, 1, 0, y);
	if (n->recipient_detail) y += centred(&p, n->recipient_detail, 12, 0, 1, y + 2) + 2;
	y += 12;
	if (d->citation) y += centred(&p, d->citation, 13.5, 0, 0, y);
	(void)y;

	/* bottom right: the place and date, the signer */
	double rx = LAND_W / 2 + 40, rw = LAND_W / 2 - 100, by = LAND_H - 190;
	by += text(&p, long_date(a, d->place, d->decided_on), 12, 0, 1, rx, by, rw, PANGO_ALIGN_CENTER) + 2;
	char *office = g_utf8_strup(signature_title(a, d->signer_title), -1);
	text(&p, office, 13, 1, 0, rx, by, rw, PANGO_ALIGN_CENTER);
	g_free(office);
	text(&p, d->signer_name, 14, 1, 0, rx, LAND_H - 88, rw, PANGO_ALIGN_CENTER);

	/* bottom left: the QR code of the verification address, the code, the decision */
	const char *url = cert_verify_url(a, n->cert_code);
	double qs = 92, qx = 62, qy = LAND_H - 62 - qs - 34;
	int qrc = qr(cr, url, qx, qy, qs);
	ink(cr, 0);
	double tx = qx + qs + 8, tw = LAND_W / 2 - tx;
	double ty = qy + 4;
	ty += text(&p, arena_printf(a, "%s: %s", T("Decision"), d->number), 9.5, 1, 0, tx, ty, tw, PANGO_ALIGN_LEFT);
	ty += text(&p, arena_printf(a, "%s: %s", T("Certificate code"), cert_code_grouped(a, n->cert_code)), 9.5, 0, 0, tx, ty, tw, PANGO_ALIGN_LEFT);
	ty += text(&p, T("Scan the code or open the address to verify it:"), 8, 0, 1, tx, ty, tw, PANGO_ALIGN_LEFT);
	ty += text(&p, url, 8, 0, 0, tx, ty, tw, PANGO_ALIGN_LEFT);
	ty += text(&p, arena_printf(a, "%s: Ed25519 · %s", T("Signed with key"), n->key_id), 7.5, 0, 0, tx, ty, tw, PANGO_ALIGN_LEFT);
	if (strcmp(d->status, "revoked") == 0) {
		ink(cr, 1);
		text(&p, arena_printf(a, "%s: %s", T("Revoked"), d->revoke_reason ? d->revoke_reason : ""), 9.5, 1, 0, tx, ty + 2, tw, PANGO_ALIGN_LEFT);
		/* a copy of a revoked decision's certificate says so across the page */
		cairo_save(cr);
		cairo_translate(cr, LAND_W / 2, LAND_H / 2);
		cairo_rotate(cr, -0.35);
		cairo_set_source_rgba(cr, 0.8, 0.1, 0.1, 0.35);
		char *rv = g_utf8_strup(T("Revoked"), -1);
		text(&p, rv, 90, 1, 0, -LAND_W / 2, -60, LAND_W, PANGO_ALIGN_CENTER);
		g_free(rv);
		cairo_restore(cr);
	}
	cairo_show_page(cr);
	g_object_unref(p.l);
	pango_font_description_free(p.fd);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int rc = qrc == 0 && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_surface_destroy(s);
	if (fflush(out) != 0) rc = -1;
	return rc;
}

static const char *money(struct arena *a, int64_t v)
{
	struct buf b;
	buf_init(&b);
	fmt_vnd(&b, lang, v);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int decision_pdf(struct db *db, struct arena *a, const struct decision *d, FILE *out)
{
	struct pdf *p = pdf_open(out, arena_printf(a, "%s %s", T("Decision"), d->number), lang, d->authority_name, T("Award decision"));
	if (!p) return -1;
	pdf_footer(p, arena_printf(a, "%s %s — %s", T("Decision"), d->number, d->authority_name));
	pdf_letterhead(p, NULL, d->authority_name, long_date(a, d->place, d->decided_on));
	pdf_title(p, T("Decision"), arena_printf(a, "%s %s", T("On commendation, number"), d->number));
	if (!strcmp(d->status, "revoked")) pdf_fact(p, T("Status"), arena_printf(a, "%s: %s", T("Revoked"), d->revoke_reason));
	pdf_fact(p, T("Number"), d->number);
	struct buf date;
	buf_init(&date);
	fmt_date(&date, lang, d->decided_on);
	pdf_fact(p, T("Date"), arena_strdup(a, buf_cstr(&date)));
	buf_free(&date);
	pdf_fact(p, T("Authority"), d->authority_name);
	pdf_fact(p, T("Signed by"), arena_printf(a, "%s %s", d->signer_title, d->signer_name));
	pdf_fact(p, T("Year commended"), arena_printf(a, "%lld", (long long)d->year));
	if (d->movement_title) pdf_fact(p, T("Movement"), d->movement_title);
	if (d->proposal_code) pdf_fact(p, T("Proposal"), d->proposal_code);
	pdf_fact(p, T("Total bonus"), money(a, d->total_vnd));
	if (d->unpriced) pdf_fact(p, T("Not loaded"), arena_printf(a, "%lld %s", (long long)d->unpriced, T("nominees: their award's bonus multiple is not loaded")));
	if (d->citation) pdf_paragraph(p, d->citation);
	pdf_heading(p, 2, T("Nominees"));
	const char *h[] = { "#", T("Recipient"), T("Code"), T("Award"), T("Bonus"), T("Certificate code") };
	const double w[] = { 0.5, 3.2, 1.4, 2.6, 1.5, 2.2 };
	pdf_table(p, 6, h, w, "rlllrl");
	for (int i = 0; i < d->nnominees; i++) {
		const struct decision_nominee *n = &d->nominees[i];
		const char *who = n->recipient_detail ? arena_printf(a, "%s\n%s", n->recipient_name, n->recipient_detail) : n->recipient_name;
		const char *row[] = {
			arena_printf(a, "%lld", (long long)n->position), who, n->recipient_code, award_in(db, a, n, "vi"),
			n->bonus_vnd >= 0 ? money(a, n->bonus_vnd) : T("not loaded"), cert_code_grouped(a, n->cert_code),
		};
		pdf_row(p, row);
	}
	pdf_table_end(p);
	pdf_paragraph(p, arena_printf(a, "%s\n%s", d->signer_title, d->signer_name));
	return pdf_close(p);
}

int decision_export(struct db *db, const struct decision *d, FILE *out, const char *format, const char *in)
{
#undef T
#define T(s) i18n_get(in, (s))
	/* the list for the finance office: a revoked decision's rows say so,
	** and carry no bonus (nothing is to be paid) */
	int revoked = !strcmp(d->status, "revoked");
	const char *h[] = { T("No."), T("Subject"), T("Code"), T("Name"), T("Position and unit"), T("Award code"), T("Award"),
			    T("Bonus (VND)"), T("Certificate code"), T("Verification address"), T("Status"), NULL };
	struct sheet *s = sheet_open(out, format, T("Nominees"), h, "nttttttnttt");
	if (!s) return E_DB;
	struct arena a;
	arena_init(&a);
	const char *status = revoked ? arena_printf(&a, "%s: %s", T("Revoked"), d->revoke_reason ? d->revoke_reason : "") : T("Issued");
	for (int i = 0; i < d->nnominees; i++) {
		const struct decision_nominee *n = &d->nominees[i];
		const char *row[] = {
			arena_printf(&a, "%lld", (long long)n->position), n->person_id ? T("person") : T("collective"), n->recipient_code,
			n->recipient_name, n->recipient_detail, n->award_code, award_in(db, &a, n, in),
			n->bonus_vnd >= 0 && !revoked ? arena_printf(&a, "%lld", (long long)n->bonus_vnd) : "", n->cert_code,
			cert_verify_url(&a, n->cert_code), status,
		};
		sheet_row(s, row);
	}
	arena_free(&a);
	return sheet_close(s) == 0 ? E_OK : E_DB;
}

int cert_text_printable(const char *s)
{
	if (!s || !g_utf8_validate(s, -1, NULL)) return 0;
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		int ok = (c >= 0x20 && c <= 0x7e)          /* ASCII */
			 || (c >= 0xa0 && c <= 0x24f)      /* Latin-1, Latin Extended-A and -B */
			 || (c >= 0x300 && c <= 0x36f)     /* combining marks (a text not yet in NFC) */
			 || (c >= 0x1e00 && c <= 0x1eff)   /* Latin Extended Additional: Vietnamese */
			 || (c >= 0x2010 && c <= 0x2027)   /* dashes, quotation marks, bullet, ellipsis */
			 || (c >= 0x2030 && c <= 0x203a)   /* per mille, primes, angle quotation marks */
			 || c == 0x20ab || c == 0x20ac     /* ₫ € */
			 || c == 0x2116;                   /* № */
		if (!ok) return 0;
	}
	return 1;
}
