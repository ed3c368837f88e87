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
/* the words of "a b" (a search key of two texts: a title and its code, a
** name and its login); malloc'd, NULL out of memory */
char *fold_words_pair(const char *a, const char *b);
int utf8_valid(const char *s, size_t n);           /* 1 if n bytes are valid UTF-8 */
/* Text typed by a person, checked and cleaned in place: -1 when it is not
** UTF-8 or holds a control character (C0, DEL, C1) other than tab and line
** breaks where `lines` allows them; bidirectional overrides and isolates
** (U+202A-U+202E, U+2066-U+2069), which can make a name read backwards, are
** removed. *n is updated and s NUL-terminated. */
int text_clean(char *s, size_t *n, int lines);
struct arena;
/* a LIKE pattern '%key%' for q, its % _ \\ escaped for ESCAPE '\\' (arena) */
char *like_pattern(struct arena *a, const char *q);

#endif
