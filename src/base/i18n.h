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
/* "vi", "en" or "hi": an explicit choice wins, then Accept-Language, then vi */
const char *i18n_pick(const char *explicit_lang, const char *accept_language);
int i18n_known(const char *lang);

void fmt_int(struct buf *b, const char *lang, int64_t v);   /* 1.234.567 / 1,234,567 / 12,34,567 */
void fmt_vnd(struct buf *b, const char *lang, int64_t v);   /* money in VND */
/* a measured value: grouped like fmt_int, and when not whole up to two
** decimals with the language's decimal mark (89,5 / 89.5); NaN writes nothing */
void fmt_number(struct buf *b, const char *lang, double v);
void fmt_date(struct buf *b, const char *lang, const char *iso); /* YYYY-MM-DD... per locale */
void fmt_datetime(struct buf *b, const char *lang, const char *iso); /* date and HH:MM UTC */

#endif
