/* cli: the subcommands of the thidua binary. */
#ifndef THIDUA_CLI_H
#define THIDUA_CLI_H

struct db;

/* Options: --name value or --name=value; the rest are positional. */
struct args {
	int n;
	const char *name[16];
	const char *value[16];
	int npos;
	const char *pos[8];
	int help;
};

int args_parse(struct args *a, int argc, char **argv, const char *const *known);
const char *arg(const struct args *a, const char *name, const char *dflt);
/* A command's usage text: asked for (help: --help) on standard output, returning 0;
** after a wrong command line on standard error, returning 2 (the exit status). */
int cli_usage(int help, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_open_db(const char *path, struct db **db, int create);  /* opens and migrates */

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_award(int argc, char **argv);        /* the awards' bonus multiples */
int cmd_base_salary(int argc, char **argv);  /* the dated base salary */
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv);   /* migrate_db.c */
int cmd_verify(int argc, char **argv);  /* verify.c: a certificate by its code */
int cmd_eligibility(int argc, char **argv);  /* eligibility.c: every person of a subtree against an award's rules */

#endif
