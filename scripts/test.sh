#!/usr/bin/env bash
# Runs every test project of CustomerPortal.sln (the web tests twice: with the page's snapshot cache on, and off) and
# prints one summary as the last line:
#   N passed, N failed[, N skipped]
# Exit code: non-zero if a test failed, the build failed, a test project produced no results, or no test ran.
#
# Installs what the tests need when it is missing (Debian/Ubuntu, as root or through sudo):
#   chromium, fonts-dejavu-core, poppler-utils (browser and PDF tests), nodejs + npm (Bootstrap copy at build).
# Browser tests use Debian's Chromium: Playwright's own browser download never runs.
#
# Environment:
#   TEST_RESULTS_DIR   where the .trx files go (default: artifacts/test-results)
#   CHROMIUM_PATH      browser for the browser tests (default: /usr/bin/chromium)
#   SKIP_INSTALL=1     never call apt-get
set -uo pipefail
cd "$(dirname "$0")/.."

results_dir="${TEST_RESULTS_DIR:-artifacts/test-results}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------------------------------
# 1. Install missing system packages
# ---------------------------------------------------------------------------------------------------------------------
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
    else return 1
    fi
}

# apt-get update runs at most once per CI run (.ci/run exports APT_UPDATED=1 after its own update).
# apt's output goes to artifacts/apt.log and is shown only when something fails.
apt_install() {
    if [ "${SKIP_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then return 1; fi
    mkdir -p artifacts
    if [ "${APT_UPDATED:-}" != 1 ]; then
        as_root apt-get update >>artifacts/apt.log 2>&1 || { tail -n 20 artifacts/apt.log; return 1; }
        export APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        </dev/null >>artifacts/apt.log 2>&1 || { tail -n 20 artifacts/apt.log; return 1; }
}

if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
    || ! command -v pdftoppm >/dev/null 2>&1; then
    log "Installing chromium, fonts-dejavu-core, poppler-utils"
    apt_install chromium fonts-dejavu-core poppler-utils \
        || warn "could not install chromium/fonts/poppler-utils: browser and PDF tests may fail"
fi
if ! command -v npm >/dev/null 2>&1; then
    log "Installing nodejs and npm (the web project copies Bootstrap from npm at build)"
    apt_install nodejs npm || warn "could not install nodejs/npm: the web project will not build"
fi

# ---------------------------------------------------------------------------------------------------------------------
# 2. Build once, then run each test project on its own (one .trx per project; a failing project does not stop the rest)
# ---------------------------------------------------------------------------------------------------------------------
rm -rf "$results_dir"
mkdir -p "$results_dir"

problems=()   # things that fail the run besides failing tests

log "Building CustomerPortal.sln (Release)"
if ! dotnet build CustomerPortal.sln -c Release -nologo; then
    problems+=("the build failed")
fi

mapfile -t test_projects < <(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | sort)

run_tests() { # run_tests PROJECT RESULT_NAME [VAR=value ...]: one .trx per run, named RESULT_NAME.trx
    local project="$1" name="$2"
    shift 2
    log "Testing $name${*:+ ($*)}"
    # --blame-hang-*: a test stuck for 10 minutes ends its test host instead of eating CI's 90 minutes.
    env "$@" dotnet test "$project" -c Release --no-build -nologo \
        --blame-hang-timeout 10m --blame-hang-dump-type none \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results_dir"
    local rc=$?
    if [ ! -f "$results_dir/$name.trx" ]; then
        problems+=("$name produced no test results (dotnet test exit code $rc)")
    elif [ $rc -ne 0 ] && ! grep -q 'outcome="Failed"' "$results_dir/$name.trx"; then
        # A failed test already fails the run; any other non-zero exit (host crash, hang, ...) is a problem of its own.
        problems+=("$name: dotnet test exited with code $rc")
    fi
}

if [ ${#problems[@]} -eq 0 ]; then
    for project in "${test_projects[@]}"; do
        name="$(basename "$project" .csproj)"
        run_tests "$project" "$name"
        if [ "$name" = CustomerPortal.Web.Tests ]; then
            # Once more with the page's snapshot cache off (MakeAPayment:KeepSnapshots=false): the app must answer the
            # same without it. Tests that count what the cache saves are skipped, with their reason.
            run_tests "$project" "$name.NoCache" PORTAL_TEST_KEEP_SNAPSHOTS=false
        fi
    done
fi

# ---------------------------------------------------------------------------------------------------------------------
# 3. Sum the <Counters .../> of every .trx file (plain grep/sed: no XML tools needed)
# ---------------------------------------------------------------------------------------------------------------------
counter() { # counter NAME "<Counters ... />"
    local value
    value="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")"
    echo "${value:-0}"
}
unescape_xml() {
    sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

total=0 passed=0 failed=0 skipped=0
failing_tests=()
echo
log "Results ($results_dir)"
for trx in "$results_dir"/*.trx; do
    [ -f "$trx" ] || continue
    line="$(grep -o -m1 '<Counters [^>]*>' "$trx")"
    t=$(counter total "$line")
    p=$(counter passed "$line")
    f=$(( $(counter failed "$line") + $(counter error "$line") \
        + $(counter timeout "$line") + $(counter aborted "$line") ))
    s=$(( t - p - f )); [ $s -lt 0 ] && s=0   # VSTest reports skipped tests as total - executed
    printf '    %-40s total %4d  passed %4d  failed %4d  skipped %4d\n' "$(basename "$trx" .trx)" $t $p $f $s
    total=$((total + t)) passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))

    while IFS= read -r test_name; do
        failing_tests+=("$test_name")
    done < <(grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"' "$trx" \
                 | sed -n 's/.* testName="\([^"]*\)".*/\1/p' | unescape_xml)
done

if [ ${#failing_tests[@]} -gt 0 ]; then
    echo
    echo "Failed tests:"
    printf '    %s\n' "${failing_tests[@]}"
fi
if [ $total -eq 0 ] && [ ${#problems[@]} -eq 0 ]; then
    problems+=("no tests ran")
fi
if [ ${#problems[@]} -gt 0 ]; then
    echo
    printf 'error: %s\n' "${problems[@]}"
fi

summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"

[ $failed -eq 0 ] && [ ${#problems[@]} -eq 0 ]
