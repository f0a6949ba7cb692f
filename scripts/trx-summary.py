"""Sums the outcome counters of every .trx file under a folder: prints 'N passed, N failed, N skipped'."""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.trx"))
for path in files:
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", NS)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
if not files:
    print("no test results were written (did the build fail?)", file=sys.stderr)
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
