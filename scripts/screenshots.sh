#!/usr/bin/env bash
# Takes a full-page picture (1440×900 viewport) of every dashboard page with the browser tests, over a generated
# hospital, and copies them into docs/screenshots/ (which the README shows). Needs Chromium (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARELAKE_UPDATE_SCREENSHOTS=1 dotnet test tests/CareLake.Dashboard.Browser.Tests -c Release --nologo \
  --filter "FullyQualifiedName~PageTests.Page_loads|FullyQualifiedName~PageTests.The_API_reference" "$@"
ls -l docs/screenshots/
