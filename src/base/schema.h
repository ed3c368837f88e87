/* schema: applies the embedded migrations (sql/<dialect>/NNN_name.sql) in
** order, each in its own transaction, recording them in schema_migrations.
** A database written by a newer binary is refused. */
#ifndef THIDUA_SCHEMA_H
#define THIDUA_SCHEMA_H
struct db;
int schema_migrate(struct db *db, int quiet);   /* 0 on success; prints why not */
int schema_latest(void);
#endif
