/* jobs_web: background jobs on the web (jobs_web.c) and what the job page's
** template (templates/jobs.html) sees. Jobs are generic (base/jobs.h): this
** names no feature. */
#ifndef THIDUA_JOBS_WEB_H
#define THIDUA_JOBS_WEB_H
#include "../base/jobs.h"
#include "tmpl_types.h"

/* handlers */
void api_job_get(struct req *r);
void page_job(struct req *r);
void api_job_file(struct req *r);   /* also the page's /jobs/{id}/file */

/* a job's counts read from its result */
struct job_counts {
	int64_t lines, inserted, updated, unchanged, rejected;
	int64_t reports;   /* a results import: the reports its lines make, which the other counts count; -1 otherwise */
};
const char *job_kind_label(const char *kind);

#endif
