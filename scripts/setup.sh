#!/usr/bin/env bash
# Installs what CareLake needs on a fresh Debian 12 machine (PostgreSQL, librdkafka, Chromium for the dashboard's
# browser tests) and builds it.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# chromium: the browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; `playwright install`
# is never needed (it downloads a browser of its own).
packages=(postgresql-15 postgresql-contrib librdkafka1 librdkafka-dev kcat python3 chromium fonts-liberation)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "the .NET SDK 10 is required (dotnet not on PATH)" >&2; exit 1; }
[ -f eng/nuget-local/librdkafka.redist.1.9.2.nupkg ] || eng/pack-librdkafka-placeholder.sh >/dev/null
# The dashboard's front-end packages (ECharts), from npm into src/CareLake.Dashboard/node_modules; served locally.
if ! cmp -s src/CareLake.Dashboard/package-lock.json src/CareLake.Dashboard/node_modules/.installed-lock.json; then
  command -v npm >/dev/null || { echo "npm is required for the dashboard's packages (Node.js 20)" >&2; exit 1; }
  npm ci --prefix src/CareLake.Dashboard --no-audit --no-fund --loglevel=error >/dev/null
  cp src/CareLake.Dashboard/package-lock.json src/CareLake.Dashboard/node_modules/.installed-lock.json
fi
dotnet restore CareLake.slnx --nologo -v q
