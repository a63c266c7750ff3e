#!/usr/bin/env bash
# Lists every line longer than 120 characters and fails when there is one (issue 15, item 6; .editorconfig's
# max_line_length). Characters are counted, not bytes: "—" or "•" is one character. A tab counts as one.
#
# Usage:
#   scripts/check-line-length.sh                 the whole tree: src/ tests/ bench/ tools/ scripts/
#   scripts/check-line-length.sh PATH...         only these files or folders (e.g. while wrapping one folder)
#   MAX_LINE_LENGTH=100 scripts/check-line-length.sh ...   another limit (default 120)
#
# Checked: *.cs *.cshtml *.csproj *.props *.sh *.json *.yml. Skipped inside folders: generated migrations
# (*/Migrations/*), build output (*/bin/*, */obj/*), node_modules and wwwroot/lib. A file named on the command line is
# checked whatever its name. Without PATH arguments the paths are relative to the repository root; with them, relative
# to the current directory; a PATH that does not exist is an error.
#
# Output: one FILE:LINE:LENGTH line per long line on stdout, then a summary on stderr.
# Exit code: 0 when no line is too long, 1 when some are, 2 when a PATH does not exist.
set -euo pipefail

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
    exit 0
fi

if [ $# -eq 0 ]; then
    cd "$(dirname "$0")/.."
    set -- src tests bench tools scripts
fi

exec python3 - "${MAX_LINE_LENGTH:-120}" "$@" <<'PY'
import os
import sys

limit = int(sys.argv[1])
paths = sys.argv[2:]
extensions = (".cs", ".cshtml", ".csproj", ".props", ".sh", ".json", ".yml")
skipped_dirs = {"Migrations", "bin", "obj", "node_modules"}


def files_under(folder):
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(
            d for d in dirs
            if d not in skipped_dirs and not (d == "lib" and os.path.basename(root) == "wwwroot"))
        for name in sorted(names):
            if name.endswith(extensions):
                yield os.path.join(root, name)


missing = [p for p in paths if not os.path.exists(p)]
if missing:
    for p in missing:
        print(f"error: no such file or folder: {p}", file=sys.stderr)
    sys.exit(2)

long_lines = 0
long_files = 0
for path in paths:
    for file in (files_under(path) if os.path.isdir(path) else [path]):
        found = 0
        with open(file, "rb") as raw:
            lines = raw.read().split(b"\n")
        for number, line in enumerate(lines, start=1):
            length = len(line.rstrip(b"\r").decode("utf-8", errors="replace"))
            if length > limit:
                print(f"{file}:{number}:{length}")
                found += 1
        long_lines += found
        long_files += 1 if found else 0

if long_lines:
    print(f"error: {long_lines} line(s) longer than {limit} characters in {long_files} file(s)", file=sys.stderr)
    sys.exit(1)
print(f"no line longer than {limit} characters", file=sys.stderr)
PY
