/* Shared by the movement API (movements_api.c) and pages (movements_web.c). */
#ifndef THIDUA_MV_WEB_H
#define THIDUA_MV_WEB_H
#include "../web/web.h"
#include "movements.h"
#include "movements_web.h"

/* the fields of a movement, read by the API (JSON) and the pages (form) alike */
enum { MF_CODE, MF_TITLE, MF_THEME, MF_KIND, MF_LEGAL, MF_STARTS, MF_ENDS, MF_REGBY, MF_PARENT, MF_PARENT_CODE, MF_N };
extern const struct field_spec mv_movement_fields[MF_N + 1];
/* a movement's stage; a model's assessment, typical example, replication */
enum { SF_STATUS, SF_N };
extern const struct field_spec mv_status_fields[SF_N + 1];
enum { AF_STATUS, AF_COMMENT, AF_N };
extern const struct field_spec mv_assess_fields[AF_N + 1];
enum { TF_TYPICAL, TF_CITATION, TF_N };
extern const struct field_spec mv_typical_fields[TF_N + 1];
enum { XF_ADOPTED_ON, XF_NOTE, XF_N };
extern const struct field_spec mv_replication_fields[XF_N + 1];

struct movement *mv_param(struct req *r, const char *param);          /* by id or code; replies 404 */
struct model *mv_model_param(struct req *r, const char *param, struct movement **m);
int64_t mv_unit_input(struct req *r, const char *id_name, const char *code_name, struct field_errors *fe);
/* the plain fields of a movement (mv_movement_fields) into a cleared *m, for the API and the form */
void mv_read_movement_fields(struct req *r, struct movement_in *m, struct field_errors *fe, int creating);
int mv_read_movement(struct req *r, struct movement_in *m, struct field_errors *fe, int creating);
int mv_read_registration(struct req *r, struct registration_in *g, struct field_errors *fe, int creating);
int mv_read_model(struct req *r, struct model_in *d, struct field_errors *fe, int creating);
int mv_read_model_query(struct req *r, struct model_query *q, const struct movement *m);
int mv_read_report(struct req *r, struct report_in *rp, struct field_errors *fe);
int mv_read_dash_query(struct req *r, const struct movement *m, struct dash_query *q);

int mv_upload(struct req *r, int64_t model_id, struct field_errors *fe);   /* the form part "file" as evidence */

#endif
