/* assets: files compiled into the binary (CSS, JS, migrations, catalogs). */
#ifndef THIDUA_ASSETS_H
#define THIDUA_ASSETS_H
#include <stddef.h>

struct asset {
	const char *name;               /* e.g. "static/app.css", "sql/sqlite/001_x.sql" */
	const unsigned char *data;      /* NUL-terminated */
	size_t len;
};

extern const struct asset assets[];  /* ends with a zeroed entry */

const struct asset *asset_find(const char *name);

#endif
