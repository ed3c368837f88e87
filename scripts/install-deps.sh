#!/bin/sh
# Installs the Debian packages thidua needs to build, run and test.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
what=${1:-run}
PKGS_RUN="build-essential pkg-config libevent-dev libjansson-dev libsodium-dev libsqlite3-dev sqlite3 libxlsxwriter-dev libmagic-dev libmagic-mgc libzip-dev libxml2-dev gettext libcairo2-dev libpango1.0-dev fonts-noto-core libpwquality-dev cracklib-runtime libicu-dev libpq-dev libqrencode-dev"
PKGS_TEST="libcmocka-dev postgresql nginx-light curl nodejs npm chromium chromium-l10n valgrind poppler-utils default-jre-headless zbar-tools"
PKGS_BENCH="nginx-light wrk"
case "$what" in
  run) pkgs="$PKGS_RUN" ;;
  test) pkgs="$PKGS_RUN $PKGS_TEST" ;;
  bench) pkgs="$PKGS_RUN $PKGS_BENCH" ;;
  all) pkgs="$PKGS_RUN $PKGS_TEST $PKGS_BENCH" ;;
  *) echo "usage: $0 run|test|bench|all" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  # node and npm may come from outside Debian (the machine image ships them)
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "thidua needs these Debian packages:$missing" >&2
  echo "run: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
had_nginx=$(command -v nginx || true)
apt-get install -y -q $missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $missing; }
# Debian starts a PostgreSQL cluster ("main") when it installs the server; the
# tests make their own throw-away cluster (scripts/pg-test-cluster.sh), so no
# service is left running.
case " $missing " in
  *" postgresql "*)
    if command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters -h | while read -r ver name _; do
        pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop 2>/dev/null || true
      done
      command -v systemctl >/dev/null 2>&1 && systemctl disable --now postgresql >/dev/null 2>&1 || true
    fi ;;
esac
# Likewise Debian starts nginx on port 80 when it installs it; the tests and
# the bench run their own nginx as a plain process (tests/http/cluster.test.mjs,
# bench/run.sh), so a service this script brought is stopped (one that was
# there before is left alone).
case " $missing " in
  *" nginx-light "*)
    if [ -z "$had_nginx" ]; then
      command -v systemctl >/dev/null 2>&1 && systemctl disable --now nginx >/dev/null 2>&1 || true
      [ -x /etc/init.d/nginx ] && /etc/init.d/nginx stop >/dev/null 2>&1 || true
    fi ;;
esac
