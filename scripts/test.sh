#!/usr/bin/env bash
# `npm test`: lint, typecheck, then every test suite. Ends with one plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
rm -f test-results/*.json

status=0
echo "== lint (biome)"
npx biome check . || status=1
echo "== typecheck (tsc)"
npm run --silent typecheck || status=1

echo "== tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

node scripts/test-summary.mjs test-results || status=1
exit $status
