/* i18n: message catalogs and locale formatting.
** Catalogs are GNU gettext .po files (locale/), compiled by msgfmt at build
** time and embedded in the binary; lookups read the embedded .mo tables
** directly, so a request's language is a plain per-request value and no
** system locale has to be installed. Message ids are English. */
#ifndef THIDUA_I18N_H
#define THIDUA_I18N_H
#include <stdint.h>

#include "buf.h"

#define LANG_DEFAULT "vi"

const char *i18n_get(const char *lang, const char *msgid);
/* A count's words in the language's plural form, translated. The two
** message ids are English, both in the catalog: `one` for a count of one
** in English and Hindi (their rule: one for n = 1, else other), `other` for
** every other count; Vietnamese has no plural and always takes `other`
** (the two ids translate alike there). Mark both for extraction with N_():
** i18n_nget(lang, n, N_("model"), N_("models")). */
const char *i18n_nget(const char *lang, int64_t n, const char *one, const char *other);
/* "vi", "en" or "hi": an explicit choice wins, then Accept-Language, then vi */
const char *i18n_pick(const char *explicit_lang, const char *accept_language);
int i18n_known(const char *lang);

void fmt_int(struct buf *b, const char *lang, int64_t v);   /* 1.234.567 / 1,234,567 / 12,34,567 */
void fmt_vnd(struct buf *b, const char *lang, int64_t v);   /* money in VND */
/* a measured value: grouped like fmt_int, and when not whole up to two
** decimals with the language's decimal mark (89,5 / 89.5); NaN writes nothing */
void fmt_number(struct buf *b, const char *lang, double v);
/* A date per locale (dd/mm/yyyy in vi and hi, "5 Jan 2026" in en). A bare
** YYYY-MM-DD is a calendar date and shown as it is; a stored UTC time
** (YYYY-MM-DDTHH:MM[:SS]Z) is shown on the office's clock (i18n_tz_minutes). */
void fmt_date(struct buf *b, const char *lang, const char *iso);
void fmt_datetime(struct buf *b, const char *lang, const char *iso); /* date and HH:MM, office clock */
/* The office's offset from UTC in minutes: Asia/Ho_Chi_Minh (+07:00, no
** daylight saving since 1975) unless set (serve --utc-offset). */
extern int i18n_tz_minutes;
/* a stored UTC time "YYYY-MM-DDTHH:MM[:SS][Z]" on the office's clock, into
** tm (a workbook's date cell); 0 when iso is not such a time */
struct tm;
int office_time(const char *iso, struct tm *tm);

/* A number as a person types it in a form of this language:
**   vi  1.500.000,5   '.' groups thousands, ',' marks decimals
**   en  1,500,000.5   ',' groups thousands, '.' marks decimals
**   hi  15,00,000.5   lakh grouping (the last three digits, then pairs), or 1,500,000.5
** Spaces (also no-break spaces) may group digits; a leading sign, and a
** trailing '%', '₫', 'đ' or 'VND', are allowed. A lone separator follows the
** language's rule, never a guess: in vi "1.500" is 1500 and "1,5" is 1.5,
** while "1.5" (a group of one digit) is refused. Returns 0, or -1 when the
** text is not a number written that way. */
int i18n_parse_number(const char *lang, const char *s, double *out);
/* the same, for a whole number (refuses a fraction); -2 for a whole number
** of more than 18 digits, out of reach (*out is then INT64_MAX, or INT64_MIN
** when negative: a range check refuses it) */
int i18n_parse_int(const char *lang, const char *s, int64_t *out);

#endif
