#!/usr/bin/env bash
# Runs every test (unit, integration against a real PostgreSQL and librdkafka's mock Kafka cluster,
# end to end with real worker processes) and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

results="$(mktemp -d -t carelake-tests.XXXXXX)"
# The tests' PostgreSQL cluster: fresh for this run, stopped at the end.
export CARELAKE_TEST_DATA_DIR="$results/postgres-cluster"
mkdir -p "$CARELAKE_TEST_DATA_DIR"
chmod 755 "$results" "$CARELAKE_TEST_DATA_DIR"
stop_test_cluster() {
  local data="$CARELAKE_TEST_DATA_DIR/postgres/data"
  [ -f "$data/PG_VERSION" ] || return 0
  local pg_ctl; pg_ctl="$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)"
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1
  else "$pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1; fi
}
trap stop_test_cluster EXIT

dotnet test CareLake.slnx -c Release --nologo --logger trx --results-directory "$results" "$@"
status=$?
summary="$(python3 scripts/trx-summary.py "$results")" || status=1
case "$summary" in *", 0 failed"*) ;; *) status=1 ;; esac
echo "$summary"
exit $status
