/* fold: the search key of a text. Lower-cases, strips Vietnamese (and other
** Latin) diacritics, maps đ/Đ to d, drops combining marks and folds runs of
** white space to one space, so "Thừa Thiên  Huế" and "thua thien hue" meet. */
#ifndef THIDUA_FOLD_H
#define THIDUA_FOLD_H
#include "buf.h"

void fold_text(struct buf *out, const char *s);   /* appends the folded key */
char *fold_dup(const char *s);                     /* malloc'd folded copy */
/* The search key of a person's name: fold_text, then every ASCII punctuation
** character and the typographic quotes and dashes (‘ ’ “ ” – —) become a space
** and runs of spaces one, so "H'Hen Niê" is the words "h hen nie". Keys made
** this way hold only words separated by single spaces. Migration 006 applies
** the same mapping to existing rows in SQL: keep the two in step. */
void fold_words(struct buf *out, const char *s);   /* appends */
char *fold_words_dup(const char *s);               /* malloc'd */
int utf8_valid(const char *s, size_t n);           /* 1 if n bytes are valid UTF-8 */
struct arena;
/* a LIKE pattern '%key%' for q, its % _ \\ escaped for ESCAPE '\\' (arena) */
char *like_pattern(struct arena *a, const char *q);

#endif
