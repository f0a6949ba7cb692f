#!/usr/bin/env bash
# Builds the placeholder librdkafka.redist package into the local NuGet feed (eng/nuget-local).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/nuget-local/librdkafka.redist.1.9.2.nupkg"
mkdir -p "$here/nuget-local"
python3 - "$here/librdkafka-placeholder" "$out" <<'PY'
import sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("librdkafka.redist.nuspec", "README.md"):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(f"{src}/{name}", "rb") as f:
            z.writestr(info, f.read())
PY
echo "$out"
