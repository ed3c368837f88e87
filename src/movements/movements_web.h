/* movements_web: the routes of emulation movements — the JSON API
** (movements_api.c) and the pages (movements_web.c) — and what their
** templates (templates/movements.html) see. Helpers the two share stay in
** mv_web.h. */
#ifndef THIDUA_MOVEMENTS_WEB_H
#define THIDUA_MOVEMENTS_WEB_H
#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "movements.h"

/* handlers */
/* movements_api.c */
void api_dashboard(struct req *r);
void api_model_assess(struct req *r);
void api_model_create(struct req *r);
void api_model_file_create(struct req *r);
void api_model_files_list(struct req *r);
void api_model_get(struct req *r);
void api_model_typical(struct req *r);
void api_model_update(struct req *r);
void api_models_list(struct req *r);
void api_movement_create(struct req *r);
void api_movement_fields(struct req *r);
void api_movement_file_create(struct req *r);
void api_movement_files_list(struct req *r);
void api_movement_get(struct req *r);
void api_movement_status(struct req *r);
void api_movement_update(struct req *r);
void api_movements_list(struct req *r);
void api_public_typical(struct req *r);
void api_registration_create(struct req *r);
void api_registration_get(struct req *r);
void api_registration_update(struct req *r);
void api_registrations_list(struct req *r);
void api_replication_create(struct req *r);
void api_replications_list(struct req *r);
void api_replication_delete(struct req *r);
void api_report_create(struct req *r);
void api_reports_list(struct req *r);
/* movements_web.c */
void api_movement_import(struct req *r);
void api_movement_export_job(struct req *r);   /* POST …/exports: an export as a job */
void api_movement_report_job(struct req *r);   /* POST …/reports: the PDF report as a job */
void page_dashboard(struct req *r);
void page_model(struct req *r);
void page_model_assess(struct req *r);
void page_model_create(struct req *r);
void page_model_file_create(struct req *r);
void page_model_typical(struct req *r);
void page_model_update(struct req *r);
void page_movement(struct req *r);
void page_movement_create(struct req *r);
void page_movement_edit(struct req *r);
void page_movement_export(struct req *r);
void page_movement_file_create(struct req *r);
void page_movement_import(struct req *r);
void page_movement_export_job(struct req *r);
void page_movement_report_job(struct req *r);
void page_movement_models(struct req *r);
void page_movement_new(struct req *r);
void page_movement_report(struct req *r);
void page_movement_status(struct req *r);
void page_movement_update(struct req *r);
void page_movements(struct req *r);
void page_registration_create(struct req *r);
void page_registration(struct req *r);          /* GET /registrations/{id}: the form that changes or withdraws it */
void page_registration_update(struct req *r);
void page_replication_create(struct req *r);
void page_replication_delete(struct req *r);
void page_report_create(struct req *r);
void page_typical(struct req *r);

/* who may download an attachment of a movement, a model or a report */
int mv_attachment_readable(struct req *r, const char *entity, int64_t entity_id);

/* template helpers */
/* may the user change the registration on the web now: the organiser until
** the movement closes, the unit's reporter while it runs (registrations_update
** decides again) */
int mv_registration_editable(struct req *r, const struct movement *m, const struct registration *g);
/* the registration's commitment to a metric as a form's box shows it ("1.500,5"), "" when none */
const char *mv_commitment_input(struct req *r, const struct registration *g, int64_t metric_id);
const char *mv_field_name(struct req *r, const char *code);
const struct metric *mv_metric_by_id(const struct movement *m, int64_t id);
void tmpl_value(struct buf *o, struct req *r, double v);
void tmpl_raw_chart(struct buf *o, struct req *r, const struct dashboard *d, const char *which);
void tmpl_public_results(struct buf *o, struct req *r, const struct model *d);
void tmpl_movement_parent_select(struct buf *o, struct req *r, const struct movement *m, int64_t selected, const char *error);
/* has one value of a group of numbers (plans.vnd of "plans") its own error? */
int mv_fe_itemised(const struct field_errors *fe, const char *group);

#endif
