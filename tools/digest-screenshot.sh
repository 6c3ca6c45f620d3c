#!/usr/bin/env bash
# Renders the demo portfolio's digest (as ./run.sh --demo serves it) and screenshots it into docs/digest.png with
# Debian's headless Chromium (apt-get install chromium). Run with the tracker running: ./run.sh --demo
set -euo pipefail
cd "$(dirname "$0")/.."
key=$(cat .dev/admin-key)
work=$(mktemp -d)
curl -sf -X POST -H "x-api-key: $key" "http://127.0.0.1:7071/api/portfolios/p-demo/digests:preview" -o "$work/preview.json"
node -e '
  const d = require(process.argv[1]);
  require("fs").writeFileSync(process.argv[2], d.html.replace("cid:rates-chart", "data:image/png;base64," + d.chartPng));
' "$work/preview.json" "$work/digest.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
  --window-size=700,1230 --screenshot="$PWD/docs/digest.png" "file://$work/digest.html"
echo "docs/digest.png written"
