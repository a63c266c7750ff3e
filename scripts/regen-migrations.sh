#!/usr/bin/env bash
# Regenerates the single "Initial" migration for both providers from the current model.
# Used while the schema has never shipped (first development session). Once a database exists in production, add
# incremental migrations instead:
#   dotnet ef migrations add NAME --project src/CustomerPortal.Infrastructure --context SqliteAppDbContext --output-dir Data/Migrations/Sqlite
#   dotnet ef migrations add NAME --project src/CustomerPortal.Infrastructure --context SqlServerAppDbContext --output-dir Data/Migrations/SqlServer
set -euo pipefail
cd "$(dirname "$0")/.."
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
