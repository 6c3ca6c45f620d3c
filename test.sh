#!/usr/bin/env bash
# Runs every test: installs Azurite from package-lock.json, builds with warnings as errors, checks formatting, runs
# unit and integration tests (they start their own Azurite and server on free loopback ports), and builds, publishes
# and tests Tracker.Functions (the Azure Functions worker) — a feed without its packages fails the run.
set -euo pipefail
cd "$(dirname "$0")"

if ! cmp -s package-lock.json node_modules/.tracker-lock 2>/dev/null; then
  echo "==> Installing Azurite, maildev, oauth2-mock-server, Redocly CLI and the OASIS CSDL schemas (odata-csdl) from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.tracker-lock
fi

# The browser tests drive Debian's chromium (Playwright for .NET, ExecutablePath /usr/bin/chromium); the README's
# spreadsheet walk-through runs with curl.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl > /dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing ${missing[*]} with apt (the browser tests and the README test need them)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" > /tmp/tracker-apt.log 2>&1 \
    || { cat /tmp/tracker-apt.log; echo "FAILED: apt-get install ${missing[*]}" >&2; exit 1; }
fi

solution=Tracker.sln
echo "==> Restoring (the Azure Functions worker packages included)"
if ! dotnet restore "$solution" --nologo -v quiet > /tmp/tracker-restore.log 2>&1; then
  cat /tmp/tracker-restore.log
  reason=$(grep -o 'NU1[0-9]*: Unable to find package [A-Za-z0-9.]*' /tmp/tracker-restore.log | head -n 1 || true)
  echo "FAILED restore: ${reason:-see above}. Tracker.Functions needs Microsoft.Azure.Functions.Worker 2.52.0, Worker.Sdk 2.1.0," \
       "Extensions.Http.AspNetCore 2.1.1, Extensions.Timer 4.3.1 and Worker.ApplicationInsights 2.51.0 from the NuGet feed." >&2
  exit 1
fi

echo "==> Build ($solution, warnings as errors)"
dotnet build "$solution" -c Release -warnaserror -nologo -clp:ErrorsOnly --no-restore

echo "==> Publishing Tracker.Functions as Flex Consumption runs it (artifacts/functions-publish)"
rm -rf artifacts/functions-publish
dotnet publish src/Tracker.Functions -c Release --no-build -nologo -v quiet -o artifacts/functions-publish

echo "==> dotnet format --verify-no-changes"
dotnet format "$solution" --verify-no-changes --no-restore

echo "==> Redocly: linting the OpenAPI document (recommended rules, redocly.yaml; any error or warning fails)"
lint=$(npx --no-install redocly lint tracker 2>&1 | grep -v '[║╔╚]' || true)
if ! grep -q "Your API description is valid" <<<"$lint" || grep -qi "warning" <<<"$lint"; then
  echo "$lint"
  echo "Redocly: src/Tracker/Api/openapi.json has errors or warnings" >&2
  exit 1
fi
echo "    src/Tracker/Api/openapi.json: valid, no warnings"

echo "==> Bicep: compiling infra/ with the pinned Bicep CLI (any warning fails)"
dotnet restore tools/bicep/bicep.csproj --nologo -v quiet
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
bicep=$(find "$packages/azure.bicep.commandline.linux-x64/0.47.16" -type f -name bicep | head -n 1)
chmod +x "$bicep"
for file in $(find infra -name '*.bicep' | sort); do
  if ! diagnostics=$("$bicep" build "$file" --stdout 2>&1 >/dev/null) || [ -n "$diagnostics" ]; then
    echo "$diagnostics"
    echo "Bicep: $file has errors or warnings" >&2
    exit 1
  fi
  echo "    $file: clean"
done

echo "==> Tests"
log=$(mktemp)
set +e
TRACKER_FUNCTIONS_PUBLISH="$PWD/artifacts/functions-publish" dotnet test "$solution" -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
