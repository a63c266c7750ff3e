#!/usr/bin/env bash
# Writes the README's screenshots of the Make a Payment page, docs/screenshots/make-a-payment-1280.png and
# make-a-payment-375.png: starts the portal (its own fresh SQLite file, demo data, sandbox processor, on a loopback
# port), signs in as the demo Pro-plan customer (ap@summitbuilders.example) in Debian's Chromium and photographs /pay
# at 1280×1000 and 375×812 px. It is the browser test ReadmeScreenshotsBrowserTests, pointed at docs/screenshots.
#
# Usage: scripts/screenshots.sh            (CHROMIUM_PATH overrides /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export PORTAL_SCREENSHOTS_DIR="$PWD/docs/screenshots"
mkdir -p "$PORTAL_SCREENSHOTS_DIR"

dotnet test tests/CustomerPortal.Browser.Tests -c Release \
    --filter "FullyQualifiedName~ReadmeScreenshotsBrowserTests" --logger "console;verbosity=minimal"
ls -l "$PORTAL_SCREENSHOTS_DIR"/make-a-payment-*.png
