#!/usr/bin/env bash
# Cold start: process start → first page served (GET /account/sign-in answers 200), measured N times.
# Two cases: an empty data folder (migrations + demo seed run first) and an existing database.
# Usage: bench/cold-start.sh [runs]   (builds Release first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
port=5099
dotnet build src/CustomerPortal.Web -c Release -nologo -v q >/dev/null
app=src/CustomerPortal.Web/bin/Release/net10.0/CustomerPortal.Web.dll
data="$(mktemp -d)"

measure() { # prints milliseconds from start to first 200
    local start end pid
    start=$(date +%s%N)
    ASPNETCORE_ENVIRONMENT=Production Database__ConnectionString="Data Source=$data/portal.db" \
        Payments__Sandbox__DatabasePath="$data/sandbox.db" \
        Database__SeedDemoData=true Database__AllowDemoData=true Payments__AllowSandbox=true \
        dotnet "$app" --urls "http://127.0.0.1:$port" --contentRoot "$PWD/src/CustomerPortal.Web" \
            >"$data/app.log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/account/sign-in"; do
        kill -0 "$pid" 2>/dev/null || { echo "the app stopped; see its log:" >&2; cat "$data/app.log" >&2; exit 1; }
        sleep 0.02
    done
    end=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

empty=(); warm=()
for _ in $(seq "$runs"); do
    rm -rf "${data:?}"/*
    empty+=("$(measure)")
    warm+=("$(measure)")
done
echo "empty database (migrate + seed): ${empty[*]} ms; median $(printf '%s\n' "${empty[@]}" | median) ms"
echo "existing database:               ${warm[*]} ms; median $(printf '%s\n' "${warm[@]}" | median) ms"
rm -rf "$data"
