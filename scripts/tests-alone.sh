#!/bin/bash
# tests-alone.sh — a maintenance tool, not part of `make test`.
#
# Checks that the HTTP tests do not depend on each other (issue 8: one
# behaviour per test, no order dependence). For each file it lists the
# file's top-level tests (a run where no name matches: node reports every
# test as skipped, with its exact name), then runs each test alone in its own
# process (its own server and database) with --test-name-pattern set to the
# test's exact name, every regular-expression character escaped, so names
# with quotes, backslashes or brackets match too.
#
#   scripts/tests-alone.sh [FILE...]        each test of each file alone
#   scripts/tests-alone.sh -r [FILE...]     each file whole, tests in reverse order
#
# FILE defaults to every tests/http/*.test.mjs. THIDUA_BIN defaults to
# build/asan/thidua. Prints one line per test that does not pass
# (ALONE-FAIL or REVERSE-FAIL, with the first line of the error) and a
# summary; exits 1 when any test failed. Run it on a quiet machine: it
# starts one server per test.
set -u
cd "$(dirname "$0")/.."
export THIDUA_BIN=${THIDUA_BIN:-$PWD/build/asan/thidua}
reverse=0
if [ "${1:-}" = "-r" ]; then reverse=1; shift; fi
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(tests/http/*.test.mjs)

tmp=$(mktemp -d)
rev_copies=()
cleanup() { rm -rf "$tmp"; for f in "${rev_copies[@]}"; do rm -f "$f"; done; }
trap cleanup EXIT

# a reporter that prints one JSON line per top-level test: its name and result
cat > "$tmp/reporter.mjs" <<'JS'
export default async function* (source) {
  for await (const ev of source) {
    if ((ev.type === 'test:pass' || ev.type === 'test:fail') && ev.data.nesting === 0 && ev.data.file) {
      const err = ev.data.details?.error;
      const msg = err ? String(err.cause?.message ?? err.message ?? err).split('\n')[0] : '';
      const result = ev.type === 'test:fail' ? 'fail' : ev.data.skip !== undefined || ev.data.todo !== undefined ? 'skip' : 'pass';
      yield JSON.stringify({ name: ev.data.name, result, msg }) + '\n';
    }
  }
}
JS
# node:test with the tests of a file registered in reverse order (for -r)
cat > "$tmp/reverse-test.mjs" <<'JS'
import * as nt from 'node:test';
const pending = [];
export function test(...args) {
  if (pending.length === 0) setImmediate(() => { for (const a of pending.reverse()) nt.test(...a); });
  pending.push(args);
}
export const { before, after, beforeEach, afterEach, describe, it, mock } = nt;
JS

run() { # FILE [PATTERN] -> JSON lines on stdout
  local pat=${2-}
  node --test --test-concurrency=1 --test-timeout=300000 --test-reporter="$tmp/reporter.mjs" \
    ${pat:+--test-name-pattern="$pat"} "$1" 2>/dev/null
}

fails=0 total=0
for f in "${files[@]}"; do
  if [ $reverse = 1 ]; then
    copy="$(dirname "$f")/.reverse-$(basename "$f")"
    rev_copies+=("$copy")
    sed "s#from 'node:test'#from '$tmp/reverse-test.mjs'#" "$f" > "$copy"
    while IFS=$'\t' read -r result name msg; do
      total=$((total + 1))
      [ "$result" = pass ] || { fails=$((fails + 1)); echo "REVERSE-FAIL $f :: $name :: $result $msg"; }
    done < <(run "$copy" | node -e '
      for (const l of require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)) {
        const j = JSON.parse(l); console.log([j.result, j.name, j.msg].join("\t"));
      }')
    rm -f "$copy"
    continue
  fi
  # every name, and the exact pattern that selects it alone
  run "$f" '^(?!)' | node -e '
    const esc = (s) => s.replace(/[\\^$.*+?()[\]{}|\/-]/g, "\\$&");
    for (const l of require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)) {
      const j = JSON.parse(l); console.log(j.name + "\t^" + esc(j.name) + "$");
    }' > "$tmp/names"
  [ -s "$tmp/names" ] || { echo "NO-TESTS $f (the file did not load?)"; fails=$((fails + 1)); continue; }
  while IFS=$'\t' read -r name pat; do
    total=$((total + 1))
    out=$(run "$f" "$pat")
    passed=$(grep -c '"result":"pass"' <<<"$out")
    failed=$(grep -c '"result":"fail"' <<<"$out")
    if [ "$passed" != 1 ] || [ "$failed" != 0 ]; then
      fails=$((fails + 1))
      msg=$(grep -m1 '"result":"fail"' <<<"$out" | node -e 'try { console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).msg) } catch { console.log("") }')
      echo "ALONE-FAIL $f :: $name :: pass $passed fail $failed :: $msg"
    fi
  done < "$tmp/names"
done
echo "$total tests, $fails failed"
[ $fails = 0 ]
