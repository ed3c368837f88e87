/* fold: the search key of a text. Lower-cases, strips Vietnamese (and other
** Latin) diacritics, maps đ/Đ to d, drops combining marks and folds runs of
** white space to one space, so "Thừa Thiên  Huế" and "thua thien hue" meet. */
#ifndef THIDUA_FOLD_H
#define THIDUA_FOLD_H
#include "buf.h"

void fold_text(struct buf *out, const char *s);   /* appends the folded key */
char *fold_dup(const char *s);                     /* malloc'd folded copy */
int utf8_valid(const char *s, size_t n);           /* 1 if n bytes are valid UTF-8 */
struct arena;
/* a LIKE pattern '%key%' for q, its % _ \\ escaped for ESCAPE '\\' (arena) */
char *like_pattern(struct arena *a, const char *q);

#endif
