# thidua — build, run and test.
#   make run    install missing Debian packages, build, create a demo database, serve on :8080
#   make test   build with AddressSanitizer + UBSan and run every test
#   make bench  measure throughput and latency against nginx and the sqlite3 shell

PKGS    := libevent libevent_pthreads jansson libsodium sqlite3 xlsxwriter libmagic libzip libxml-2.0 cairo pangocairo fontconfig pwquality icu-i18n icu-uc libpq libqrencode
CC      ?= cc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -DTHIDUA_VERSION='"$(VERSION)"' $(WARN) -Isrc -Isrc/web -Ibuild/gen \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

RELEASE_CFLAGS := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ASAN_CFLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DTHIDUA_TEST_HOOKS

SRC       := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC   := $(filter-out src/main.c,$(SRC))
TEMPLATES := $(sort $(wildcard templates/*.html))
PO        := $(sort $(wildcard locale/*.po))
MO        := $(patsubst locale/%.po,build/gen/locale/%.mo,$(PO))
ASSETS    := $(sort $(wildcard static/*)) $(sort $(wildcard sql/sqlite/*.sql)) $(sort $(wildcard sql/pg/*.sql)) $(sort $(wildcard data/demo/*)) $(MO)
# one generated C file and header per template file; each includes its feature's types
TMPL_C    := $(patsubst templates/%.html,build/gen/tmpl_%.c,$(TEMPLATES))
TMPL_H    := $(TMPL_C:.c=.h)
GEN       := $(TMPL_C) build/gen/assets.c
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/test_*.c)))

.PHONY: screenshots all run test test-unit test-pg-unit test-pg-http test-http test-e2e bench bench-report valgrind deps deps-test clean lint-api pot fuzz bench-clusters
.DELETE_ON_ERROR:

all: build/release/thidua

deps:
	@./scripts/install-deps.sh run
deps-test:
	@./scripts/install-deps.sh test

# ---- build-time tools and generated sources ----
build/tools/%: tools/%.c
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

# the types a template file sees: its feature's <feature>_web.h (templates/<feature>_<part>.html too);
# the web layer's own pages see tmpl_types.h
tmpl_feature = $(firstword $(subst _, ,$(1)))
tmpl_types = $(if $(wildcard src/$(1)/$(1)_web.h),$(1)/$(1)_web.h,$(if $(wildcard src/web/$(1)_web.h),$(1)_web.h,$(if \
             $(wildcard src/$(call tmpl_feature,$(1))/$(call tmpl_feature,$(1))_web.h),$(call tmpl_feature,$(1))/$(call tmpl_feature,$(1))_web.h,tmpl_types.h)))
build/gen/tmpl_%.c: templates/%.html build/tools/tmplc Makefile
	@mkdir -p $(@D)
	build/tools/tmplc $@ $(@:.c=.h) $(call tmpl_types,$*) $<
build/gen/tmpl_%.h: build/gen/tmpl_%.c ;
# made by pattern rules but kept: a later make (make test-pg-unit inside make test) must not find them gone
.SECONDARY: $(TMPL_C) $(TMPL_H) build/tools/tmplc build/tools/embed

build/gen/locale/%.mo: locale/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# the names of the embedded files, rewritten when one is added or removed: a
# prerequisite that is deleted does not make a target out of date, and a
# migration removed from sql/ stayed embedded in a build tree until another
# asset changed
ASSET_LIST := build/gen/assets.list
$(shell mkdir -p build/gen && { echo '$(ASSETS)' | cmp -s - $(ASSET_LIST) || echo '$(ASSETS)' >$(ASSET_LIST); })

build/gen/assets.c: $(ASSETS) $(ASSET_LIST) build/tools/embed
	@mkdir -p $(@D)
	build/tools/embed $@ $(foreach f,$(ASSETS),$(patsubst build/gen/%,%,$(f))=$(f))

# ---- two variants: release (make run, bench) and asan (make test) ----
define variant
build/$(1)/obj/%.o: %.c | $(TMPL_H)
	@mkdir -p $$(@D)
	@echo "CC $$<"; $$(CC) $$(BASE_CFLAGS) $(2) -MMD -MP -c -o $$@ $$<
build/$(1)/libthidua.a: $$(patsubst %.c,build/$(1)/obj/%.o,$$(LIB_SRC) $$(GEN))
	@rm -f $$@
	ar rcs $$@ $$^
build/$(1)/thidua: build/$(1)/obj/src/main.o build/$(1)/libthidua.a
	$$(CC) $(2) -o $$@ $$^ $$(LIBS)
endef
$(eval $(call variant,release,$(RELEASE_CFLAGS)))
$(eval $(call variant,asan,$(ASAN_CFLAGS)))
-include $(shell find build -name '*.d' 2>/dev/null)

build/asan/tests/%: tests/unit/%.c tests/unit/fixture.h build/asan/libthidua.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(ASAN_CFLAGS) -o $@ $< build/asan/libthidua.a $(LIBS) $(shell pkg-config --libs cmocka)

# ---- fuzzing: libFuzzer with clang (make fuzz); the corpora are replayed by make test ----
#   make fuzz                              every target for FUZZ_SECONDS each, one after another
#   make fuzz FUZZ=chart FUZZ_RUNS=10000000  one target, to a number of executions
#   FUZZ_FLAGS: more libFuzzer options (-max_total_time=600); tests/fuzz/NAME.dict is used when present
# Each target runs in one process on one thread; run it under nice on a shared machine.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
build/asan/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/asan/libthidua.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(ASAN_CFLAGS) -o $@ $< tests/fuzz/replay.c build/asan/libthidua.a $(LIBS)
# the library is compiled once with clang for every target; UB stops the run like a crash
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
               -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
build/fuzz/obj/%.o: %.c | $(TMPL_H)
	@mkdir -p $(@D)
	@echo "CLANG $<"; clang $(BASE_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
build/fuzz/libthidua.a: $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC) $(GEN))
	@rm -f $@
	ar rcs $@ $^
build/fuzz/fuzz-%: tests/fuzz/fuzz_%.c build/fuzz/libthidua.a
	clang $(BASE_CFLAGS) $(subst fuzzer-no-link,fuzzer,$(FUZZ_CFLAGS)) -o $@ $< build/fuzz/libthidua.a $(LIBS)
FUZZ ?= $(FUZZ_TARGETS)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_FLAGS ?=
fuzz: $(addprefix build/fuzz/fuzz-,$(FUZZ))
	@for t in $(FUZZ); do \
	  mkdir -p build/fuzz/corpus-$$t; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  build/fuzz/fuzz-$$t $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS)) -print_final_stats=1 $$dict \
	    $(FUZZ_FLAGS) -artifact_prefix=build/fuzz/$$t- build/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done
	@echo "new inputs are in build/fuzz/corpus-*; copy the interesting ones to tests/fuzz/corpus/"

# ---- run ----
RUN_DB ?= run/thidua.db
PORT ?= 8080
run: deps build/release/thidua
	@./scripts/run.sh build/release/thidua $(RUN_DB) $(PORT)

# ---- tests ----
# the build uses every core (a fresh clone: ~80 s of compiling on one)
test: deps-test
	@$(MAKE) --no-print-directory -j$(shell nproc 2>/dev/null || echo 2) build/asan/thidua $(addprefix build/asan/tests/,$(UNIT_TESTS)) $(addprefix build/asan/fuzz/,$(FUZZ_TARGETS))
	@./scripts/test.sh

test-unit: build/asan/thidua $(addprefix build/asan/tests/,$(UNIT_TESTS)) $(addprefix build/asan/fuzz/,$(FUZZ_TARGETS))
	@./scripts/test.sh unit

# the unit tests that use the database, on PostgreSQL: a throw-away cluster in a temp directory
# (scripts/pg-test-cluster.sh), stopped and removed whatever the tests' result
PG_UNIT_TESTS ?= test_db test_domain test_movements test_files test_rules
PG_UNIT_TESTS += test_certificates
PG_UNIT_TESTS += test_clusters
PG_UNIT_TESTS += test_votes
PG_UNIT_TESTS += test_tasks
PG_UNIT_TESTS += test_indicators
PG_UNIT_TESTS += test_elig_scan
test-pg-unit: $(addprefix build/asan/tests/,$(PG_UNIT_TESTS))
	@uri=$$(THIDUA_PG_WAL=1GB ./scripts/pg-test-cluster.sh start) || exit 1; \
	trap './scripts/pg-test-cluster.sh stop "$$uri"' EXIT INT TERM; \
	rc=0; failed=""; for t in $(PG_UNIT_TESTS); do echo "== $$t on PostgreSQL"; THIDUA_TEST_PG="$$uri" build/asan/tests/$$t || { rc=1; failed="$$failed $$t"; }; done; \
	[ $$rc = 0 ] || echo "pg-unit failed:$$failed (on PostgreSQL)"; \
	exit $$rc

# the HTTP suite on PostgreSQL: every test's database is a new database of one throw-away cluster
# (tests/lib/server.mjs reads THIDUA_TEST_PG), stopped and removed whatever the tests' result
test-pg-http: build/asan/thidua
	@./scripts/test.sh pg-http

valgrind: build/release/thidua
	@./scripts/test.sh valgrind

bench: build/release/thidua
	@./scripts/install-deps.sh bench
	@./bench/run.sh build/release/thidua
	@$(MAKE) --no-print-directory bench-clusters

# the ranking and bias report of a bloc of 500 members × 300 criteria against the sqlite3 shell (bench/clusters.sh)
bench-clusters: build/release/thidua build/release/libthidua.a
	$(CC) $(BASE_CFLAGS) $(RELEASE_CFLAGS) -o build/release/clusters_bench bench/clusters_bench.c build/release/libthidua.a $(LIBS)
	@./bench/clusters.sh build/release/thidua
	@./bench/indicators.sh build/release/thidua

# time to render the PDF report of tests/unit/test_report.c (release build)
bench-report: build/release/libthidua.a
	$(CC) $(BASE_CFLAGS) $(RELEASE_CFLAGS) -DREPORT_BENCH -Wno-unused-function -o build/release/report_bench tests/unit/test_report.c \
	  build/release/libthidua.a $(LIBS) $(shell pkg-config --libs cmocka)
	@build/release/report_bench

# refresh the screenshots in docs/img from the browser tests
screenshots: build/asan/thidua
	@SCREENSHOTS=docs ./scripts/test.sh e2e

lint-api:
	@./scripts/test.sh openapi

# message ids from the C sources and templates, merged into the catalogs
pot: $(TMPL_C)
	xgettext --no-wrap --from-code=UTF-8 -k_ -kN_ -kT -L C -o build/thidua.pot --no-location --sort-output $(SRC) $(TMPL_C)
	python3 scripts/po.py

clean:
	rm -rf build
