#!/usr/bin/env bash
# Regenerates the single "Initial" migration for both providers from the current model.
# Used while the schema has never shipped (first development session). Once a database exists in production, add
# incremental migrations instead:
#   dotnet ef migrations add NAME --project src/CustomerPortal.Infrastructure \
#       --context SqliteAppDbContext --output-dir Data/Migrations/Sqlite
#   dotnet ef migrations add NAME --project src/CustomerPortal.Infrastructure \
#       --context SqlServerAppDbContext --output-dir Data/Migrations/SqlServer
set -euo pipefail
cd "$(dirname "$0")/.."
# Since the second session there are incremental migrations with hand-written SQL (the CustomerInvoiceTotals triggers):
# regenerating would drop them. Refuse unless only the Initial migration exists.
if ls src/CustomerPortal.Infrastructure/Data/Migrations/Sqlite/*.cs \
    | grep -v -e '_Initial' -e 'ModelSnapshot' >/dev/null; then
  echo "Incremental migrations exist (they may hold hand-written SQL); add a new migration instead:" >&2
  sed -n '4,8p' "$0" >&2
  exit 1
fi
exec 9>/tmp/customerportal-migrations.lock
flock 9
dotnet tool restore >/dev/null
rm -rf src/CustomerPortal.Infrastructure/Data/Migrations
dotnet build src/CustomerPortal.Infrastructure -nologo -v q
for ctx in Sqlite SqlServer; do
  dotnet ef migrations add Initial --no-build --project src/CustomerPortal.Infrastructure \
    --context ${ctx}AppDbContext --output-dir Data/Migrations/$ctx
done
rm -f src/CustomerPortal.Infrastructure/design-time.db
