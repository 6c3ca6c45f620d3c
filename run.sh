#!/usr/bin/env bash
# Runs the tracker locally: installs Azurite from package-lock.json, starts it on loopback with its data in .azurite/
# (git-ignored), and serves the API on http://127.0.0.1:7071. Usage: ./run.sh [--demo]   (--demo seeds demo data)
set -euo pipefail
cd "$(dirname "$0")"

demo=false
for arg in "$@"; do
  case "$arg" in
    --demo) demo=true ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (try --demo)" >&2; exit 2 ;;
  esac
done

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
command -v node >/dev/null || { echo "Node.js is required for Azurite (node not found)." >&2; exit 1; }

# Azurite, pinned by package-lock.json; reinstalled only when the lock file changes.
if ! cmp -s package-lock.json node_modules/.tracker-lock 2>/dev/null; then
  echo "Installing Azurite from package-lock.json ..."
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.tracker-lock
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

azurite_pid=""
cleanup() { [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if port_open 10002; then
  echo "Something already listens on 127.0.0.1:10002; using it as Table Storage (Azurite)."
else
  mkdir -p .azurite
  node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --disableTelemetry --location .azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do port_open 10002 && break; sleep 0.1; done
  port_open 10002 || { echo "Azurite did not start; see .azurite/azurite.log" >&2; exit 1; }
  echo "Azurite started (data in .azurite/)."
fi

# The development admin key: generated once into .dev/admin-key (git-ignored) and printed at every start.
mkdir -p .dev
if [ ! -s .dev/admin-key ]; then
  node -e 'process.stdout.write("tt_devadmin_" + require("crypto").randomBytes(32).toString("base64url"))' > .dev/admin-key
  chmod 600 .dev/admin-key
fi
admin_key=$(cat .dev/admin-key)

echo
echo "  Tracker:           http://127.0.0.1:7071/api/health"
echo "  OpenAPI:           http://127.0.0.1:7071/api/openapi.json"
echo "  Dev admin key:     $admin_key"
echo "  (also in .dev/admin-key; try: curl -H \"x-api-key: \$(cat .dev/admin-key)\" http://127.0.0.1:7071/api/portfolios)"
$demo && echo "  Demo data:         portfolio p-demo is seeded at start"
echo "  Digests:           written as .eml files to .outbox/"
echo

export ASPNETCORE_ENVIRONMENT=Development
export Storage__ConnectionString="UseDevelopmentStorage=true"
export Tracker__BootstrapAdminKey="$admin_key"
export Tracker__SeedDemoData="$demo"
export Mail__OutboxPath="$PWD/.outbox"   # digests go here as .eml files (git-ignored), no SMTP server needed
dotnet run --project src/Tracker.Server -c Release --urls http://127.0.0.1:7071
