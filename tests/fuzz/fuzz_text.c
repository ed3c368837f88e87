/* Fuzz target: the text layer. Folding never grows a key past 4x, never
** crashes; a person's search key is words separated by single spaces, with
** no ASCII punctuation (so no LIKE wildcard); the JSON writer always produces valid JSON that jansson reads back,
** equal to the input when the input is valid UTF-8; HTML escaping leaves no
** markup characters. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fold.h"
#include "base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	size_t n = strlen(s);

	struct buf b;
	buf_init(&b);
	fold_text(&b, s);
	if (b.len > n * 4 + 1) abort();
	buf_reset(&b);

	fold_words(&b, s);
	const char *k = buf_cstr(&b);
	if (b.len > n * 4 + 1 || (b.len && (k[0] == ' ' || k[b.len - 1] == ' ')) || strstr(k, "  ")) abort();
	for (size_t i = 0; i < b.len; i++)
		if (strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", k[i]) && k[i]) abort();
	buf_reset(&b);

	jw_escape(&b, s);
	json_error_t err;
	json_t *v = json_loadb(b.p, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v || !json_is_string(v)) abort();
	if (utf8_valid(s, n) && strcmp(json_string_value(v), s) != 0) abort();
	json_decref(v);

	buf_reset(&b);
	buf_html(&b, s);
	for (size_t i = 0; i < b.len; i++)
		if (b.p[i] == '<' || b.p[i] == '>' || b.p[i] == '"' || b.p[i] == '\'') abort();
	buf_free(&b);
	free(s);
	return 0;
}
