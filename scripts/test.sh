#!/usr/bin/env bash
# Runs every test (unit, integration against a real PostgreSQL and librdkafka's mock Kafka cluster,
# end to end with real worker processes) and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh || exit 1
results="$(mktemp -d -t carelake-tests.XXXXXX)"
dotnet test CareLake.slnx -c Release --nologo --logger trx --results-directory "$results" "$@"
status=$?
summary="$(python3 scripts/trx-summary.py "$results")" || status=1
echo "$summary"
case "$summary" in *", 0 failed"*) ;; *) status=1 ;; esac
exit $status
