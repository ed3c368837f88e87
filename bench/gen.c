/* gen: the benchmark data set of thidua, in the import formats.
**
**   gen UNITS PEOPLE units.csv people.csv [achievements.csv]
**
** units.csv  code,name,kind,parent_code,active   UNITS lines under the root VN
**            (which `thidua init` creates): the 63 provinces, then departments
**            and communes/wards under them, agencies under those, subunits under
**            agencies. Parents always come before their children.
** people.csv code,full_name,gender,birth_year,unit_code,position,active
**            PEOPLE lines with Vietnamese names, grouped by unit in file order.
** achievements.csv  person_code,year,kind,value   (the columns of
**            `thidua import achievements`) about 10 records a person over the
**            ten years 2016..2025 (ACH_FIRST..ACH_LAST), in person then year
**            order: a yearly rating from the year the person started (most
**            started by 2016), Lao động tiên tiến (LDTT) for many of the
**            well rated, Chiến sĩ thi đua cơ sở (CSTDCS) for a few, in chains
**            for the strongest tenth, initiatives at the grassroots, province
**            and national levels, and a little discipline. Its own random
**            stream, so people.csv is the same with or without it.
**
** Deterministic: a fixed seed, no clock, no locale. Plain C11, no dependencies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- random numbers: splitmix64, fixed seed ---- */
static uint64_t rng_state = 0x7468696475613131ULL; /* "thidua11" */

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
static int rnd_below(int n) { return (int)(rnd() % (uint64_t)n); }

/* the achievements' stream (splitmix64 too, another seed) */
static uint64_t ach_state = 0x6163686965763131ULL; /* "achiev11" */
static int ach_below(int n)
{
	uint64_t z = (ach_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return (int)((z ^ (z >> 31)) % (uint64_t)n);
}
static double rnd_unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* a weighted choice: entries "name", weights in parallel */
struct wlist {
	const char *const *names;
	const int *weights;
	int n, total;
};
static void wl_init(struct wlist *w, const char *const *names, const int *weights, int n)
{
	w->names = names;
	w->weights = weights;
	w->n = n;
	w->total = 0;
	for (int i = 0; i < n; i++) w->total += weights[i];
}
static const char *wl_pick(const struct wlist *w)
{
	int r = rnd_below(w->total);
	for (int i = 0; i < w->n; i++) {
		if (r < w->weights[i]) return w->names[i];
		r -= w->weights[i];
	}
	return w->names[w->n - 1];
}

/* ---- names ---- */
static const char *const provinces[] = {
	"Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Thành phố Hải Phòng", "Thành phố Đà Nẵng", "Thành phố Cần Thơ",
	"Tỉnh Hà Giang", "Tỉnh Cao Bằng", "Tỉnh Bắc Kạn", "Tỉnh Tuyên Quang", "Tỉnh Lào Cai", "Tỉnh Điện Biên",
	"Tỉnh Lai Châu", "Tỉnh Sơn La", "Tỉnh Yên Bái", "Tỉnh Hòa Bình", "Tỉnh Thái Nguyên", "Tỉnh Lạng Sơn",
	"Tỉnh Quảng Ninh", "Tỉnh Bắc Giang", "Tỉnh Phú Thọ", "Tỉnh Vĩnh Phúc", "Tỉnh Bắc Ninh", "Tỉnh Hải Dương",
	"Tỉnh Hưng Yên", "Tỉnh Thái Bình", "Tỉnh Hà Nam", "Tỉnh Nam Định", "Tỉnh Ninh Bình", "Tỉnh Thanh Hóa",
	"Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", "Tỉnh Quảng Bình", "Tỉnh Quảng Trị", "Tỉnh Thừa Thiên Huế", "Tỉnh Quảng Nam",
	"Tỉnh Quảng Ngãi", "Tỉnh Bình Định", "Tỉnh Phú Yên", "Tỉnh Khánh Hòa", "Tỉnh Ninh Thuận", "Tỉnh Bình Thuận",
	"Tỉnh Kon Tum", "Tỉnh Gia Lai", "Tỉnh Đắk Lắk", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "Tỉnh Bình Phước",
	"Tỉnh Tây Ninh", "Tỉnh Bình Dương", "Tỉnh Đồng Nai", "Tỉnh Bà Rịa - Vũng Tàu", "Tỉnh Long An",
	"Tỉnh Tiền Giang", "Tỉnh Bến Tre", "Tỉnh Trà Vinh", "Tỉnh Vĩnh Long", "Tỉnh Đồng Tháp", "Tỉnh An Giang",
	"Tỉnh Kiên Giang", "Tỉnh Hậu Giang", "Tỉnh Sóc Trăng", "Tỉnh Bạc Liêu", "Tỉnh Cà Mau",
};

static const char *const departments[] = {
	"Văn phòng Ủy ban nhân dân", "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính",
	"Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải", "Sở Xây dựng",
	"Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội",
	"Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
	"Thanh tra tỉnh", "Ban Dân tộc", "Sở Ngoại vụ", "Ban Quản lý các khu công nghiệp",
};

/* place names: two syllables, as most communes and wards are called */
static const char *const place1[] = {
	"An", "Bình", "Tân", "Phú", "Hòa", "Đông", "Tây", "Nam", "Bắc", "Thạnh", "Long", "Vĩnh", "Hưng", "Quang",
	"Phước", "Thuận", "Mỹ", "Hiệp", "Trung", "Đức", "Xuân", "Thanh", "Hồng", "Yên", "Cẩm", "Kim", "Hương", "Quế",
};
static const char *const place2[] = {
	"Lợi", "Thành", "Hòa", "Lộc", "Phú", "Hưng", "Thịnh", "Xuân", "Sơn", "Hải", "Lâm", "Tiến", "Yên", "Khánh",
	"Đông", "Điền", "Mỹ", "Trạch", "Nghĩa", "Phong", "Quý", "Thủy", "An", "Bình", "Châu", "Định", "Giang", "Đồng",
};

/* people after whom schools and streets are named */
static const char *const heroes[] = {
	"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Quang Trung", "Chu Văn An", "Lê Quý Đôn", "Nguyễn Du",
	"Phan Bội Châu", "Nguyễn Huệ", "Hùng Vương", "Lý Thường Kiệt", "Ngô Quyền", "Hai Bà Trưng", "Võ Thị Sáu",
	"Nguyễn Thị Minh Khai", "Trần Phú", "Lê Hồng Phong", "Nguyễn Văn Trỗi", "Phan Đình Phùng", "Hoàng Hoa Thám",
	"Bà Triệu", "Lương Thế Vinh", "Nguyễn Bỉnh Khiêm", "Tô Hiến Thành", "Đinh Tiên Hoàng", "Lý Tự Trọng",
	"Nguyễn Khuyến", "Phan Chu Trinh", "Huỳnh Thúc Kháng", "Trần Quốc Toản",
};

/* agencies: under a department ("%s" = a hero), under a commune ("%s" = "xã X") */
static const char *const dept_agencies[] = {
	"Văn phòng Sở", "Thanh tra Sở", "Trung tâm Dịch vụ công", "Chi cục Quản lý chất lượng",
	"Trung tâm Kỹ thuật và Ứng dụng", "Trường Trung học phổ thông %s", "Bệnh viện Đa khoa %s",
	"Trung tâm Y tế khu vực %s", "Trường Cao đẳng %s", "Ban Quản lý dự án %s", "Trung tâm Đào tạo %s",
	"Chi cục Kiểm lâm khu vực %s", "Trạm Khuyến nông %s", "Thư viện %s", "Nhà Văn hóa %s",
};
static const char *const commune_agencies[] = {
	"Ủy ban nhân dân %s", "Trường Tiểu học %s", "Trường Trung học cơ sở %s", "Trường Mầm non %s",
	"Trạm Y tế %s", "Hội Nông dân %s", "Hội Liên hiệp Phụ nữ %s", "Đoàn Thanh niên %s", "Công an %s",
	"Hợp tác xã Nông nghiệp %s", "Hội Cựu chiến binh %s", "Mặt trận Tổ quốc %s",
};
static const char *const subunits[] = {
	"Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ", "Bộ phận Một cửa", "Tổ Văn phòng",
	"Phòng Kỹ thuật", "Khoa Nội", "Khoa Ngoại", "Khoa Nhi", "Tổ Toán - Tin", "Tổ Ngữ văn", "Tổ Ngoại ngữ",
	"Phòng Thanh tra, Pháp chế", "Đội Kiểm tra",
};

static const char *const family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
	"Dương", "Lý", "Đinh", "Đào", "Trịnh", "Mai", "Lương", "Cao", "Tạ", "Hà", "Lâm", "Tô", "Chu", "Kiều",
	"Thái", "Quách", "Lưu", "Triệu", "Trương", "Châu", "Doãn", "La",
};
static const int family_w[] = {
	380, 110, 95, 70, 30, 21, 45, 20, 19, 21, 20, 14, 13, 13,
	10, 5, 8, 7, 6, 5, 5, 4, 3, 5, 4, 3, 3, 2,
	3, 2, 3, 3, 6, 3, 1, 1,
};
static const char *const middle_m[] = {
	"Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân", "Ngọc", "Hoàng", "Trọng", "Đình",
	"Quốc", "Tiến", "Anh", "Bá", "Mạnh", "Duy", "Gia", "Tuấn", "Việt", "Huy",
};
static const int middle_m_w[] = { 300, 60, 80, 80, 60, 50, 50, 40, 40, 40, 30, 50, 50, 30, 30, 20, 30, 30, 20, 20, 20, 20 };
static const char *const middle_f[] = {
	"Thị", "Ngọc", "Thanh", "Thu", "Minh", "Kim", "Hồng", "Phương", "Bảo", "Diệu", "Mỹ", "Thùy", "Hải",
	"Khánh", "Lan", "Hoài", "Quỳnh", "Thảo", "Tuyết", "Ánh",
};
static const int middle_f_w[] = { 450, 80, 60, 60, 50, 50, 50, 40, 30, 20, 30, 40, 30, 30, 20, 20, 20, 20, 10, 10 };
static const char *const given_m[] = {
	"Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
	"Khoa", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài",
	"Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Lợi", "Tâm",
	"Thanh", "Hiệp", "Hòa", "Lộc", "Phát", "Tiến", "Trí", "Trọng", "Đông", "Hậu", "Kiệt", "Nhân", "Quyết", "Thái",
};
static const char *const given_f[] = {
	"Anh", "Ánh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương",
	"Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương",
	"Quyên", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Xuân", "Yến",
	"Nhàn", "Lụa", "Hậu", "Thư", "Diệp", "Khuê",
};
static const char *const positions[] = {
	"", "Chuyên viên", "Chuyên viên chính", "Chuyên viên cao cấp", "Cán sự", "Nhân viên", "Kế toán",
	"Trưởng phòng", "Phó Trưởng phòng", "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Giáo viên",
	"Hiệu trưởng", "Phó Hiệu trưởng", "Bác sĩ", "Điều dưỡng", "Dược sĩ", "Kỹ sư", "Thanh tra viên",
	"Chủ tịch", "Phó Chủ tịch", "Công chức Văn phòng - Thống kê", "Công chức Tư pháp - Hộ tịch",
	"Phó Giám đốc, phụ trách chuyên môn", "Tổ trưởng, kiêm Thủ quỹ",
};
static const int positions_w[] = {
	60, 250, 80, 10, 40, 120, 40, 30, 45, 8, 15, 8, 120,
	8, 12, 40, 40, 10, 25, 15,
	8, 12, 20, 15,
	3, 3,
};

/* ---- achievements ---- */
#define ACH_FIRST 2016
#define ACH_LAST 2025

static long ach_rows;

static void ach_row(FILE *f, const char *code, int year, const char *kind, const char *value)
{
	fprintf(f, "%s,%d,%s,%s\n", code, year, kind, value);
	ach_rows++;
}

/* One person's records, year by year. Per mille throughout. A strong
** person (a tenth) is mostly rated excellent and holds CSTDCS most years,
** so some hold it three years running; initiatives are likelier for them. */
static void ach_person(FILE *f, const char *code)
{
	int strong = ach_below(1000) < 100;
	int start = ach_below(1000) < 650 ? ACH_FIRST : ACH_FIRST + 1 + ach_below(ACH_LAST - ACH_FIRST);
	for (int y = start; y <= ACH_LAST; y++) {
		if (ach_below(1000) < 70) continue; /* not rated that year (leave, transfer) */
		int r = ach_below(1000);
		int rating = strong ? (r < 800 ? 4 : r < 980 ? 3 : 2) : (r < 150 ? 4 : r < 750 ? 3 : r < 970 ? 2 : 1);
		static const char *const ratings[] = { "", "not_completed", "completed", "good", "excellent" };
		ach_row(f, code, y, "rating", ratings[rating]);
		int ldtt = rating >= 3 && ach_below(1000) < 250;
		int cstdcs = rating == 4 && ach_below(1000) < (strong ? 780 : 60);
		if (ldtt || cstdcs) ach_row(f, code, y, "title", "LDTT");
		if (cstdcs) ach_row(f, code, y, "title", "CSTDCS");
		int i = ach_below(1000);
		if (strong ? i < 100 : i < 25) ach_row(f, code, y, "initiative", "grassroots");
		else if (strong ? i < 230 : i < 28) ach_row(f, code, y, "initiative", "province");
		else if (strong ? i < 240 : i < 29) ach_row(f, code, y, "initiative", "national");
		int d = ach_below(1000);
		if (d < 5) ach_row(f, code, y, "discipline", d < 3 ? "reprimand" : d < 4 ? "warning" : "demotion");
	}
}

/* ---- output ---- */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) { fputs(s, f); return; }
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"') fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

struct unit {
	char code[48];  /* short in practice: "P08-X029-02-1" */
	int kind;      /* 0 province, 1 department, 2 commune/ward, 3 agency, 4 subunit */
	int parent;    /* index, -1 for VN */
	int nchild;
	int place;     /* communes: the place name, for their agencies */
	int ward;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void place_name(char *out, size_t n, int place)
{
	snprintf(out, n, "%s %s", place1[place % N(place1)], place2[(place / N(place1)) % N(place2)]);
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: gen UNITS PEOPLE units.csv people.csv [achievements.csv]\n");
		return 2;
	}
	long nunits = atol(argv[1]), npeople = atol(argv[2]);
	if (nunits < 1 || nunits > 10000000 || npeople < 0 || npeople > 100000000) {
		fprintf(stderr, "gen: UNITS must be 1..10000000, PEOPLE 0..100000000\n");
		return 2;
	}
	if (N(provinces) != 63 || N(family) != N(family_w) || N(middle_m) != N(middle_m_w) || N(middle_f) != N(middle_f_w) ||
	    N(positions) != N(positions_w)) {
		fprintf(stderr, "gen: inconsistent tables\n");
		return 1;
	}

	/* level sizes: about 60 departments and communes per province, 5 agencies
	** under each of those, 4 subunits per agency (26 units for each level-2 one) */
	long L[4];
	L[0] = nunits < N(provinces) ? nunits : N(provinces);
	long rest = nunits - L[0];
	L[1] = rest / 26;
	if (rest > 0 && L[1] < L[0]) L[1] = rest < L[0] ? rest : L[0];
	L[2] = (rest - L[1]) / 5;
	if (rest - L[1] > 0 && L[2] < L[1]) L[2] = rest - L[1] < L[1] ? rest - L[1] : L[1];
	L[3] = rest - L[1] - L[2];
	if (L[3] > 0 && L[2] == 0) { L[2] = L[3]; L[3] = 0; } /* never a subunit without agencies */

	struct unit *u = calloc((size_t)nunits, sizeof *u);
	if (!u) die("gen");
	FILE *fu = fopen(argv[3], "w");
	if (!fu) die(argv[3]);
	static char ubuf[1 << 16];
	setvbuf(fu, ubuf, _IOFBF, sizeof ubuf);
	fputs("code,name,kind,parent_code,active\n", fu);

	long idx = 0, level_start = 0, prev_start = 0, prev_n = 0;
	char name[256], place[64], tmp[128];
	for (int lv = 0; lv < 4; lv++) {
		for (long i = 0; i < L[lv]; i++, idx++) {
			struct unit *x = &u[idx];
			x->parent = lv == 0 ? -1 : (int)(prev_start + i % prev_n); /* round robin over the level above */
			struct unit *p = x->parent >= 0 ? &u[x->parent] : NULL;
			int k = p ? p->nchild++ : (int)i; /* index among the siblings */
			const char *kind;
			if (lv == 0) {
				x->kind = 0;
				snprintf(x->code, sizeof x->code, "P%02d", (int)(i + 1));
				snprintf(name, sizeof name, "%s", provinces[i]);
				kind = "province";
			} else if (lv == 1) {
				if (k < N(departments)) {
					x->kind = 1;
					snprintf(x->code, sizeof x->code, "%.24s-S%02d", p->code, k + 1);
					snprintf(name, sizeof name, "%s", departments[k]);
					kind = "department";
				} else {
					x->kind = 2;
					x->place = rnd_below(N(place1) * N(place2));
					x->ward = rnd_below(10) < 3;
					place_name(place, sizeof place, x->place);
					snprintf(x->code, sizeof x->code, "%.24s-X%03d", p->code, k - N(departments) + 1);
					snprintf(name, sizeof name, "%s %s", x->ward ? "Phường" : "Xã", place);
					kind = x->ward ? "ward" : "commune";
				}
			} else if (lv == 2) {
				x->kind = 3;
				kind = "agency";
				snprintf(x->code, sizeof x->code, "%.24s-%02d", p->code, k + 1);
				if (p->kind == 1) {
					const char *t = dept_agencies[k % N(dept_agencies)];
					snprintf(name, sizeof name, t, heroes[rnd_below(N(heroes))]);
					if (k >= N(dept_agencies)) {
						snprintf(tmp, sizeof tmp, " số %d", k / N(dept_agencies) + 1);
						strncat(name, tmp, sizeof name - strlen(name) - 1);
					}
				} else {
					place_name(place, sizeof place, p->place);
					snprintf(tmp, sizeof tmp, "%s %s", p->ward ? "phường" : "xã", place);
					snprintf(name, sizeof name, commune_agencies[k % N(commune_agencies)], tmp);
					if (k >= N(commune_agencies)) {
						snprintf(tmp, sizeof tmp, " số %d", k / N(commune_agencies) + 1);
						strncat(name, tmp, sizeof name - strlen(name) - 1);
					}
				}
			} else {
				x->kind = 4;
				kind = "subunit";
				snprintf(x->code, sizeof x->code, "%.24s-%d", p->code, k + 1);
				if (k < N(subunits)) snprintf(name, sizeof name, "%s", subunits[k]);
				else snprintf(name, sizeof name, "Tổ công tác số %d", k - N(subunits) + 1);
			}
			fputs(x->code, fu);
			fputc(',', fu);
			csv_field(fu, name);
			fputc(',', fu);
			fputs(kind, fu);
			fputc(',', fu);
			fputs(p ? p->code : "VN", fu);
			fputs(",1\n", fu);
		}
		prev_start = level_start;
		prev_n = L[lv];
		level_start += L[lv];
	}
	if (fclose(fu) != 0) die(argv[3]);

	/* people: a weight per unit by kind, times 0.5..1.5; counts by cumulative rounding */
	static const double kind_w[] = { 4, 25, 12, 12, 8 };
	double *w = malloc(sizeof *w * (size_t)nunits);
	if (!w) die("gen");
	double total = 0;
	for (long i = 0; i < nunits; i++) total += w[i] = kind_w[u[i].kind] * (0.5 + rnd_unit());

	struct wlist wfam, wmid_m, wmid_f, wpos;
	wl_init(&wfam, family, family_w, N(family));
	wl_init(&wmid_m, middle_m, middle_m_w, N(middle_m));
	wl_init(&wmid_f, middle_f, middle_f_w, N(middle_f));
	wl_init(&wpos, positions, positions_w, N(positions));

	FILE *fp = fopen(argv[4], "w");
	if (!fp) die(argv[4]);
	static char pbuf[1 << 16];
	setvbuf(fp, pbuf, _IOFBF, sizeof pbuf);
	fputs("code,full_name,gender,birth_year,unit_code,position,active\n", fp);
	FILE *fa = NULL;
	static char abuf[1 << 16];
	if (argc == 6) {
		fa = fopen(argv[5], "w");
		if (!fa) die(argv[5]);
		setvbuf(fa, abuf, _IOFBF, sizeof abuf);
		fputs("person_code,year,kind,value\n", fa);
	}
	double cum = 0;
	long done = 0, seq = 0;
	for (long i = 0; i < nunits; i++) {
		cum += w[i];
		long upto = i == nunits - 1 ? npeople : (long)((double)npeople * cum / total + 0.5);
		for (; done < upto; done++) {
			int r = rnd_below(1000);
			char g = r < 1 ? 'X' : r < 500 ? 'M' : 'F';
			int female = g == 'F' || (g == 'X' && rnd_below(2));
			const char *fam = wl_pick(&wfam);
			const char *mid = wl_pick(female ? &wmid_f : &wmid_m);
			const char *giv = female ? given_f[rnd_below(N(given_f))] : given_m[rnd_below(N(given_m))];
			if (rnd_below(100) < 6) { /* two middle names: "Nguyễn Hoàng Minh Tuấn" */
				const char *mid2 = wl_pick(female ? &wmid_f : &wmid_m);
				if (strcmp(mid2, mid) != 0) {
					snprintf(name, sizeof name, "%s %s %s %s", fam, mid, mid2, giv);
					goto named;
				}
			}
			snprintf(name, sizeof name, "%s %s %s", fam, mid, giv);
		named:;
			int year = 1962 + rnd_below(41);
			if (rnd_below(50) == 0) year = 0; /* birth year unknown */
			const char *pos = wl_pick(&wpos);
			int active = rnd_below(100) >= 2;
			fprintf(fp, "CB%08ld,", ++seq);
			if (fa) {
				char pcode[24];
				snprintf(pcode, sizeof pcode, "CB%08ld", seq);
				ach_person(fa, pcode);
			}
			fputs(name, fp);
			fprintf(fp, ",%c,", g);
			if (year) fprintf(fp, "%d", year);
			fputc(',', fp);
			fputs(u[i].code, fp);
			fputc(',', fp);
			csv_field(fp, pos);
			fputs(active ? ",1\n" : ",0\n", fp);
		}
	}
	if (fclose(fp) != 0) die(argv[4]);
	if (fa && fclose(fa) != 0) die(argv[5]);
	fprintf(stderr, "gen: %ld units (%ld provinces, %ld departments/communes, %ld agencies, %ld subunits), %ld people",
		nunits, L[0], L[1], L[2], L[3], npeople);
	if (fa) fprintf(stderr, ", %ld achievement records (%d–%d)", ach_rows, ACH_FIRST, ACH_LAST);
	fputc('\n', stderr);
	free(w);
	free(u);
	return 0;
}
