#include "files.h"

#include <magic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "fold.h"
#include "json.h"
#include "log.h"
#include "util.h"

/* ---------------- detection ---------------- */

/* A magic_t is not thread-safe: one per thread, loaded on first use and
** closed when the thread ends. */
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *m) { magic_close(m); }
static void magic_key_init(void) { pthread_key_create(&magic_key, magic_free); }

static magic_t thread_magic(void)
{
	pthread_once(&magic_once, magic_key_init);
	magic_t m = pthread_getspecific(magic_key);
	if (m) return m;
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!m) return NULL;
	if (magic_load(m, NULL) != 0) {
		log_err("libmagic: cannot load its database: %s", magic_error(m));
		magic_close(m);
		return NULL;
	}
	pthread_setspecific(magic_key, m);
	return m;
}

#define CT_MAX (1024 * 1024)  /* [Content_Types].xml is a few KiB */

/* A ZIP archive is accepted only as an Office Open XML document: its parts
** ([Content_Types].xml and word/document.xml or xl/workbook.xml) are listed
** with libzip, and the main part's declared type is read from
** [Content_Types].xml (so macro-enabled files and templates are refused).
** Nothing else is decompressed. */
static const char *ooxml_kind(const void *data, size_t n)
{
	zip_error_t ze;
	zip_error_init(&ze);
	const char *kind = NULL;
	char *ct = NULL;
	zip_file_t *zf = NULL;
	zip_t *z = NULL;
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
	if (!src) goto out;
	z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z) {
		zip_source_free(src);
		goto out;
	}
	zip_int64_t cti = zip_name_locate(z, "[Content_Types].xml", 0);
	int doc = zip_name_locate(z, "word/document.xml", 0) >= 0;
	int wb = zip_name_locate(z, "xl/workbook.xml", 0) >= 0;
	if (cti < 0 || doc == wb) goto out;
	zip_stat_t st;
	if (zip_stat_index(z, (zip_uint64_t)cti, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > CT_MAX) goto out;
	ct = malloc(st.size + 1);
	zf = zip_fopen_index(z, (zip_uint64_t)cti, 0);
	if (!ct || !zf || zip_fread(zf, ct, st.size) != (zip_int64_t)st.size) goto out;
	static const char docx_main[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
	static const char xlsx_main[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
	if (doc && memmem(ct, st.size, docx_main, sizeof docx_main - 1)) kind = MIME_DOCX;
	else if (wb && memmem(ct, st.size, xlsx_main, sizeof xlsx_main - 1)) kind = MIME_XLSX;
out:
	if (zf) zip_fclose(zf);
	if (z) zip_discard(z);
	free(ct);
	zip_error_fini(&ze);
	return kind;
}

int files_detect(const void *data, size_t n, const char **mime)
{
	*mime = NULL;
	if (!data || n == 0) return E_INVALID;
	/* the bytes of a ZIP archive: libzip decides, whatever libmagic would
	** call it (application/zip, octet-stream or an Office type) */
	if (n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
		*mime = ooxml_kind(data, n);
		return *mime ? E_OK : E_INVALID;
	}
	magic_t m = thread_magic();
	if (!m) return E_INVALID;
	const char *t = magic_buffer(m, data, n);
	if (!t) return E_INVALID;
	static const char *const simple[] = { MIME_PDF, MIME_PNG, MIME_JPEG, MIME_WEBP, MIME_GIF };
	for (size_t i = 0; i < sizeof simple / sizeof *simple; i++)
		if (strcmp(t, simple[i]) == 0) {
			*mime = simple[i];
			return E_OK;
		}
	return E_INVALID;
}

/* ---------------- names ---------------- */

static const struct {
	const char *ext, *mime;
} exts[] = {
	{ ".pdf", MIME_PDF }, { ".png", MIME_PNG }, { ".jpg", MIME_JPEG }, { ".jpeg", MIME_JPEG },
	{ ".webp", MIME_WEBP }, { ".gif", MIME_GIF }, { ".docx", MIME_DOCX }, { ".xlsx", MIME_XLSX },
};

/* what the content really is, when the name says otherwise */
static const char *mismatch_msg(const char *mime)
{
	if (!strcmp(mime, MIME_PDF)) return N_("The content is a PDF document; the file name must end in .pdf");
	if (!strcmp(mime, MIME_PNG)) return N_("The content is a PNG image; the file name must end in .png");
	if (!strcmp(mime, MIME_JPEG)) return N_("The content is a JPEG image; the file name must end in .jpg or .jpeg");
	if (!strcmp(mime, MIME_WEBP)) return N_("The content is a WebP image; the file name must end in .webp");
	if (!strcmp(mime, MIME_GIF)) return N_("The content is a GIF image; the file name must end in .gif");
	if (!strcmp(mime, MIME_DOCX)) return N_("The content is a Word document; the file name must end in .docx");
	return N_("The content is an Excel workbook; the file name must end in .xlsx");
}

static int name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > FILES_NAME_MAX || !utf8_valid(name, n)) return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return 0;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\') return 0;
	return 1;
}

int files_check_name(const char *name, const char *mime, struct field_errors *fe)
{
	if (!name_valid(name)) {
		fe_add(fe, "file", N_("The file name is not valid"));
		return E_INVALID;
	}
	const char *dot = strrchr(name, '.');
	const char *named = NULL;
	for (size_t i = 0; dot && i < sizeof exts / sizeof *exts; i++)
		if (strcasecmp(dot, exts[i].ext) == 0) named = exts[i].mime;
	if (!named) {
		fe_add(fe, "file", N_("The file name must end in .pdf, .png, .jpg, .jpeg, .webp, .gif, .docx or .xlsx"));
		return E_INVALID;
	}
	if (strcmp(named, mime) != 0) {
		fe_add(fe, "file", mismatch_msg(mime));
		return E_INVALID;
	}
	return E_OK;
}

/* ---------------- storage ---------------- */

static int entity_valid(const char *e)
{
	size_t n = e ? strlen(e) : 0;
	if (n == 0 || n > 32) return 0;
	for (; *e; e++)
		if (!((*e >= 'a' && *e <= 'z') || *e == '_')) return 0;
	return 1;
}

static int64_t who_id(const struct user *who) { return who->system ? 0 : who->id; }

int64_t files_unit_quota = FILES_UNIT_QUOTA_DEFAULT;

int64_t files_unit_storage(struct db *db, int64_t unit_id)
{
	int64_t used = 0;
	db_int1(db, &used,
		"SELECT COALESCE(sum(f.size), 0) FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.unit_id = $1 AND a.active = 1",
		"i", unit_id);
	return used;
}

int files_attach(struct db *db, const struct user *who, const char *entity, int64_t entity_id, int64_t unit_id, const char *name,
		 const void *data, size_t n, size_t max_size, struct field_errors *fe, int64_t *attachment_id)
{
	if (!entity_valid(entity) || entity_id <= 0) {
		fe_add(fe, "entity", N_("No such record"));
		return E_INVALID;
	}
	if (n == 0) { fe_add(fe, "file", N_("The file is empty")); return E_INVALID; }
	if (n > max_size) { fe_add(fe, "file", N_("The file is too large")); return E_INVALID; }
	const char *mime;
	if (files_detect(data, n, &mime) != E_OK) {
		fe_add(fe, "file", N_("This kind of file is not accepted: send a PDF, a PNG, JPEG, WebP or GIF image, "
				      "a Word document (.docx) or an Excel workbook (.xlsx)"));
		return E_INVALID;
	}
	if (files_check_name(name, mime, fe) != E_OK) return E_INVALID;

	char sha[65], now[21];
	sha256_hex(sha, data, n);
	now_iso(now);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	int rc = E_DB;
	int64_t file_id = 0, att = 0;
	struct buf after;
	buf_init(&after);
	/* the unit's quota, read in the writing transaction so two uploads cannot both fit */
	if (unit_id > 0 && files_unit_quota > 0 && files_unit_storage(db, unit_id) + (int64_t)n > files_unit_quota) {
		fe_add(fe, "file", N_("The unit's storage quota is full: remove old files or ask the administrator for more room"));
		rc = E_INVALID;
		goto out;
	}
	/* identical content is stored once */
	if (db_exec(db,
		    "INSERT INTO files (sha256, size, mime, data, created_at) VALUES ($1, $2, $3, $4, $5) "
		    "ON CONFLICT (sha256) DO NOTHING",
		    "titbt", sha, (int64_t)n, mime, data, n, now) != DB_OK)
		goto out;
	if (db_int1(db, &file_id, "SELECT id FROM files WHERE sha256 = $1", "t", sha) != DB_ROW) goto out;
	struct stmt *st = db_query(db,
				   "INSERT INTO attachments (file_id, entity, entity_id, name, active, created_by, created_at, unit_id) "
				   "VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id",
				   "itit" "ItI", file_id, entity, entity_id, name, who_id(who), now, unit_id);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) att = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) goto out;
	struct jw w;
	jw_init(&w, &after);
	jw_obj(&w);
	jw_kint(&w, "attachment", att);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "sha256", sha);
	jw_kint(&w, "size", (int64_t)n);
	jw_kstr(&w, "mime", mime);
	jw_obj_end(&w);
	if (audit_add(db, who, N_("attach"), entity, entity_id, NULL, buf_cstr(&after), NULL) != DB_OK) goto out;
	rc = E_OK;
	*attachment_id = att;
out:
	buf_free(&after);
	rc = db_tx_end(db, rc);
	return rc;
}

#define ATT_COLS \
	"a.id, a.file_id, a.entity, a.entity_id, a.name, a.active, a.created_by, a.created_at, f.sha256, f.mime, f.size "
#define ATT_FROM " FROM attachments a JOIN files f ON f.id = a.file_id "

static void read_att(struct stmt *st, struct arena *a, struct attachment *t)
{
	t->id = db_int(st, 0);
	t->file_id = db_int(st, 1);
	t->entity = arena_strdup(a, db_text(st, 2));
	t->entity_id = db_int(st, 3);
	t->name = arena_strdup(a, db_text(st, 4));
	t->active = (int)db_int(st, 5);
	t->created_by = db_isnull(st, 6) ? 0 : db_int(st, 6);
	t->created_at = arena_strdup(a, db_text(st, 7));
	t->sha256 = arena_strdup(a, db_text(st, 8));
	t->mime = arena_strdup(a, db_text(st, 9));
	t->size = db_int(st, 10);
}

int files_get(struct db *db, struct arena *a, int64_t attachment_id, struct attachment **out)
{
	struct stmt *st = db_query(db, "SELECT " ATT_COLS ATT_FROM " WHERE a.id = $1", "i", attachment_id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? E_NOTFOUND : E_DB;
	}
	struct attachment *t = arena_alloc(a, sizeof *t);
	read_att(st, a, t);
	db_done(st);
	*out = t;
	return E_OK;
}

int files_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id, struct attachment **items, int *n)
{
	int64_t count = 0;
	*items = NULL;
	*n = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM attachments WHERE entity = $1 AND entity_id = $2 AND active = 1", "ti",
		    entity, entity_id) != DB_ROW)
		return E_DB;
	*items = arena_alloc(a, sizeof(struct attachment) * (size_t)(count ? count : 1));
	struct stmt *st = db_query(db,
				   "SELECT " ATT_COLS ATT_FROM " WHERE a.entity = $1 AND a.entity_id = $2 AND a.active = 1 "
				   "ORDER BY a.created_at DESC, a.id DESC",
				   "ti", entity, entity_id);
	if (!st) return E_DB;
	while (*n < count && db_step(st) == DB_ROW) read_att(st, a, &(*items)[(*n)++]);
	db_done(st);
	return E_OK;
}

int files_detach(struct db *db, const struct user *who, int64_t attachment_id)
{
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	int rc = E_DB;
	struct arena a;
	arena_init(&a);
	struct buf before;
	buf_init(&before);
	struct attachment *t;
	rc = files_get(db, &a, attachment_id, &t);
	if (rc != E_OK) goto out;
	rc = E_NOTFOUND;
	if (!t->active) goto out;
	rc = E_DB;
	if (db_exec(db, "UPDATE attachments SET active = 0 WHERE id = $1 AND active = 1", "i", attachment_id) != DB_OK) goto out;
	struct jw w;
	jw_init(&w, &before);
	jw_obj(&w);
	jw_kint(&w, "attachment", t->id);
	jw_kstr(&w, "name", t->name);
	jw_kstr(&w, "sha256", t->sha256);
	jw_kint(&w, "size", t->size);
	jw_kstr(&w, "mime", t->mime);
	jw_obj_end(&w);
	if (audit_add(db, who, N_("detach"), t->entity, t->entity_id, buf_cstr(&before), NULL, NULL) != DB_OK) goto out;
	rc = E_OK;
out:
	buf_free(&before);
	arena_free(&a);
	rc = db_tx_end(db, rc);
	return rc;
}

int files_read(struct db *db, int64_t file_id, struct buf *out)
{
	struct stmt *st = db_query(db, "SELECT data FROM files WHERE id = $1", "i", file_id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		size_t n = 0;
		const void *p = db_blob(st, 0, &n);
		if (n) buf_add(out, p, n);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}
