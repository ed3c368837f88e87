/* Seed 003: the tasks Resolution 57 assigns to Cà Mau's steering committee,
** with a history that gives the figures of the meeting on TASKS_SEED_DATE
** (1 132 tasks: 485 done, 43%; 561 not yet due; 86 overdue) and, at the end
** of Q2 2025, fewer done and more overdue (302 done, 705 not yet due, 125
** overdue). Everything goes through the domain functions, dated as it
** happened, so the audit log, the reports and the extensions are those a
** real year would leave. docs/TASKS.md lists the groups. */
#include <stdio.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/auth.h"
#include "../base/db.h"
#include "../units/units.h"
#include "tasks_int.h"

static const char *const lead_codes[] = {
	"T-CAMAU-SKHCN", "T-CAMAU-VP", "T-CAMAU-SNV", "T-CAMAU-STC", "T-CAMAU-SGDDT", "T-CAMAU-SYT",
	"CM-P-ANXUYEN", "CM-P-TANTHANH", "CM-P-LYVANLAM", "CM-X-TACVAN", "CM-X-DATMUI",
};
#define NLEADS (int)(sizeof lead_codes / sizeof *lead_codes)

static const char *const subjects[] = {
	"Xây dựng cơ sở dữ liệu chuyên ngành và kết nối với nền tảng tích hợp, chia sẻ dữ liệu của tỉnh",
	"Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
	"Cung cấp dịch vụ công trực tuyến toàn trình",
	"Triển khai chữ ký số cho cán bộ, công chức, viên chức",
	"Rà soát, đề xuất sửa đổi văn bản quy phạm pháp luật vướng mắc về khoa học, công nghệ",
	"Tổ chức tập huấn kỹ năng số cho cán bộ, công chức",
	"Phát triển tổ công nghệ số cộng đồng",
	"Ứng dụng trí tuệ nhân tạo trong chỉ đạo, điều hành",
	"Bố trí kinh phí chi cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
	"Thúc đẩy thanh toán không dùng tiền mặt",
	"Hỗ trợ doanh nghiệp đổi mới sáng tạo, khởi nghiệp",
	"Phủ sóng băng rộng di động đến ấp, khóm",
	"Bảo đảm an toàn thông tin hệ thống thông tin cấp độ",
	"Xây dựng mô hình chính quyền số cấp xã",
	"Đào tạo, thu hút nhân lực công nghệ số",
	"Đánh giá mức độ chuyển đổi số của cơ quan, đơn vị",
};
#define NSUBJECTS (int)(sizeof subjects / sizeof *subjects)

static const char *const sources[] = { "Kế hoạch số 01-KH/BCĐ ngày 20/01/2025", "Chương trình hành động số 12-CTr/TU ngày 10/02/2025",
				       "Kế hoạch số 45/KH-UBND ngày 05/03/2025" };

/* the groups of seed 003 (docs/TASKS.md): the history of each task */
enum group {
	G_DONE_Q2_ON_TIME,     /* 260: accepted before 30 June, on time */
	G_DONE_Q2_LATE,        /* 42: accepted before 30 June, late */
	G_DONE_Q3_LATE,        /* 90: overdue on 30 June, done late in the summer */
	G_DONE_Q3_ON_TIME,     /* 93: due in Q3, done on time */
	G_OPEN,                /* 501: due later, or a regular task */
	G_EXTENDED,            /* 10: overdue on 30 June, extended on 10 July */
	G_SUBMITTED,           /* 20: a completion waits for review */
	G_RETURNED,            /* 30: a completion was returned */
	G_OVERDUE_SINCE_Q2,    /* 25 */
	G_OVERDUE_SINCE_Q3,    /* 61 */
	G_N
};
static const int group_size[G_N] = { 260, 42, 90, 93, 501, 10, 20, 30, 25, 61 };

struct demo {
	struct db *db;
	const struct user *who;
	int64_t programme, assigner, leads[NLEADS];
	int serial;
};

static int report(struct demo *d, int64_t id, int64_t percent, const char *note, const char *on)
{
	struct field_errors fe = { 0 };
	return tasks_progress(d->db, d->who, id, percent, note, on, &fe, NULL);
}

static int complete(struct demo *d, int64_t id, const char *done_on, const char *on)
{
	struct field_errors fe = { 0 };
	return tasks_complete(d->db, d->who, id, done_on, "Báo cáo kết quả thực hiện", "Đã hoàn thành", on, &fe, NULL);
}

static int review(struct demo *d, int64_t id, int accept, const char *on)
{
	struct field_errors fe = { 0 };
	struct arena a;
	arena_init(&a);
	struct task *t;
	int rc = tasks_get(d->db, &a, id, NULL, &t);
	if (rc == E_OK)
		rc = tasks_review(d->db, d->who, id, t->version, accept, accept ? NULL : "Chưa có sản phẩm theo yêu cầu, đề nghị bổ sung", on, &fe);
	arena_free(&a);
	return rc;
}

static int extend(struct demo *d, int64_t id, const char *due_on, const char *on)
{
	struct field_errors fe = { 0 };
	struct arena a;
	arena_init(&a);
	struct task *t;
	int rc = tasks_get(d->db, &a, id, NULL, &t);
	if (rc == E_OK) rc = tasks_extend(d->db, d->who, id, t->version, due_on, "Chờ hướng dẫn của Bộ Khoa học và Công nghệ", on, &fe);
	arena_free(&a);
	return rc;
}

static int add_task(struct demo *d, int k, int64_t parent, const char *assigned, const char *due, int64_t *id)
{
	char code[32], title[400];
	snprintf(code, sizeof code, "NV57-%04d", ++d->serial);
	snprintf(title, sizeof title, "%s (%s %d)", subjects[k % NSUBJECTS], "đợt", 1 + k / NSUBJECTS % 6);
	struct task_in in = { .programme_id = d->programme, .parent_id = parent, .code = code, .title = title,
			      .source_doc = sources[k % 3], .source_article = k % 2 ? "Mục III" : "Mục II",
			      .assigner_id = d->assigner, .lead_id = d->leads[k % NLEADS], .assigned_on = assigned, .due_on = due,
			      .product = k % 3 ? "Báo cáo kết quả thực hiện" : "Văn bản ban hành" };
	if (k % 7 == 0) {
		in.ncoordinators = 1;
		in.coordinators[0] = d->leads[(k + 3) % NLEADS];
	}
	struct field_errors fe = { 0 };
	int rc = tasks_create(d->db, d->who, &in, &fe, id);
	if (rc != E_OK && fe.n) fprintf(stderr, "demo task %s: %s %s\n", code, fe.field[0], fe.msg[0]);
	return rc;
}

static const char *day(char *buf, const char *date, int64_t n)
{
	task_date_add(date, n, buf);
	return buf;
}

/* one task of group g, the k-th of the whole list (it picks the unit and the subject) */
static int one(struct demo *d, enum group g, int k, int j, int64_t parent, int64_t *out)
{
	char a[11], due[11], done[11], on[11];
	int64_t id = 0;
	int rc = E_OK;
	switch (g) {
	case G_DONE_Q2_ON_TIME:
		rc = add_task(d, k, parent, day(a, "2025-01-20", j % 30), day(due, "2025-04-15", j % 60), &id);
		if (rc == E_OK) rc = report(d, id, 50, "Đang triển khai", day(on, a, 20));
		if (rc == E_OK) rc = complete(d, id, day(done, due, -(j % 10)), done);
		if (rc == E_OK) rc = review(d, id, 1, day(on, done, 3));
		break;
	case G_DONE_Q2_LATE:
		rc = add_task(d, k, parent, day(a, "2025-01-20", j % 20), day(due, "2025-03-31", j % 30), &id);
		if (rc == E_OK) rc = complete(d, id, day(done, due, 5 + j % 20), done);
		if (rc == E_OK) rc = review(d, id, 1, day(on, done, 4));
		break;
	case G_DONE_Q3_LATE:
		rc = add_task(d, k, parent, day(a, "2025-02-10", j % 30), day(due, "2025-05-31", j % 29), &id);
		if (rc == E_OK) rc = report(d, id, 60, "Chậm do chờ kinh phí", day(on, due, -5));
		if (rc == E_OK) rc = complete(d, id, day(done, "2025-07-10", j % 60), done);
		if (rc == E_OK) rc = review(d, id, 1, day(on, done, 5));
		break;
	case G_DONE_Q3_ON_TIME:
		rc = add_task(d, k, parent, day(a, "2025-03-01", j % 40), day(due, "2025-08-15", j % 45), &id);
		if (rc == E_OK) rc = complete(d, id, day(done, due, -(j % 12)), done);
		if (rc == E_OK) rc = review(d, id, 1, day(on, done, 2 + j % 5));
		break;
	case G_OPEN:
		/* every twelfth a regular task without a deadline */
		rc = add_task(d, k, parent, day(a, "2025-03-15", j % 90), j % 12 == 5 ? NULL : day(due, "2025-10-31", (j * 7) % 240), &id);
		if (rc == E_OK && j % 3 == 0) rc = report(d, id, 20 + j % 60, "Đang triển khai theo kế hoạch", "2025-09-30");
		break;
	case G_EXTENDED:
		rc = add_task(d, k, parent, day(a, "2025-02-15", j), day(due, "2025-06-10", j), &id);
		if (rc == E_OK) rc = extend(d, id, "2025-12-31", "2025-07-10");
		break;
	case G_SUBMITTED:
		rc = add_task(d, k, parent, day(a, "2025-04-01", j), day(due, "2025-11-30", j), &id);
		if (rc == E_OK) rc = complete(d, id, day(done, "2025-10-01", j % 10), done);
		break;
	case G_RETURNED:
		rc = add_task(d, k, parent, day(a, "2025-04-01", j), day(due, "2025-12-15", j), &id);
		if (rc == E_OK) rc = complete(d, id, day(done, "2025-09-15", j % 10), done);
		if (rc == E_OK) rc = review(d, id, 0, day(on, done, 5));
		break;
	case G_OVERDUE_SINCE_Q2:
		rc = add_task(d, k, parent, day(a, "2025-02-01", j), day(due, "2025-05-31", j), &id);
		if (rc == E_OK) rc = report(d, id, 30 + j % 40, "Vướng mắc về thủ tục đầu tư", "2025-08-20");
		break;
	case G_OVERDUE_SINCE_Q3:
		rc = add_task(d, k, parent, day(a, "2025-03-10", j), day(due, "2025-07-15", j % 88), &id);
		if (rc == E_OK) rc = report(d, id, 40 + j % 50, "Đang hoàn thiện hồ sơ", "2025-07-10");
		break;
	default: break;
	}
	if (out) *out = id;
	return rc;
}

static int lookup_units(struct demo *d)
{
	if (units_find_code(d->db, "T-CAMAU-BCD57", &d->assigner) != E_OK) return E_NOTFOUND;
	for (int i = 0; i < NLEADS; i++)
		if (units_find_code(d->db, lead_codes[i], &d->leads[i]) != E_OK) return E_NOTFOUND;
	return E_OK;
}

int tasks_demo_load(struct db *db, const struct user *who, FILE *log, int *ntasks)
{
	struct demo d = { .db = db, .who = who };
	*ntasks = 0;
	if (lookup_units(&d) != E_OK) {
		fprintf(log, "demo tasks: the Cà Mau units are missing\n");
		return -1;
	}
	struct programme_in in = {
		.code = "NQ57-CAMAU",
		.title = "Nhiệm vụ thực hiện Nghị quyết 57-NQ/TW của Ban Chỉ đạo tỉnh Cà Mau",
		.kind = "resolution",
		.legal_source = "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới "
				"sáng tạo và chuyển đổi số quốc gia",
		.description = "Theo dõi tiến độ trên Hệ thống giám sát, đánh giá thực hiện Nghị quyết 57 (vận hành từ 20/5/2025).",
		.starts_on = "2025-01-20",
		.owner_id = d.assigner,
	};
	struct field_errors fe = { 0 };
	int rc = programmes_create(db, who, &in, &fe, &d.programme);
	/* the groups interleaved, so that every unit has tasks of every kind */
	int left[G_N], k = 0;
	int64_t parent_ids[5] = { 0 };
	memcpy(left, group_size, sizeof left);
	for (int more = 1; rc == E_OK && more;) {
		more = 0;
		for (int g = 0; g < G_N && rc == E_OK; g++) {
			if (!left[g]) continue;
			more = 1;
			int j = group_size[g] - left[g]--;
			int64_t parent = 0, id = 0;
			/* the first five open tasks are parents, each of the next three open tasks of theirs */
			if (g == G_OPEN && j >= 5 && j < 20) parent = parent_ids[(j - 5) / 3];
			rc = one(&d, (enum group)g, k++, j, parent, &id);
			if (g == G_OPEN && j < 5) parent_ids[j] = id;
		}
	}
	if (rc == E_OK) *ntasks = k;
	else fprintf(log, "demo tasks: task %d did not load (%d)\n", k, rc);
	return rc == E_OK ? 0 : -1;
}
