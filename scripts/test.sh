#!/usr/bin/env bash
# `npm test`: lint (biome, and the house rules on imports in .dependency-cruiser.cjs), typecheck, build the
# web client, then every test suite. Ends with one plain line "N passed, N failed, N skipped" counted from the
# runners' JSON reports (vitest and Playwright), which never says less than the truth (scripts/test-summary.mjs).
set -uo pipefail
cd "$(dirname "$0")/.."
# Node.js 24 is the runtime: refuse an older one in one line, before a native module built for another fails.
node scripts/require-node.mjs || exit 1
echo "== Node.js $(node --version)"
mkdir -p test-results
rm -f test-results/*.json

status=0
echo "== lint (biome, then the house rules on imports: dependency-cruiser, .dependency-cruiser.cjs)"
npm run --silent lint || status=1
echo "== typecheck (tsc)"
npm run --silent typecheck || status=1

echo "== build the web client"
npx vite build --config src/renderer/vite.config.ts --logLevel warn || status=1
echo "== build the desktop client (out/main, out/preload), before the tests that pack it run beside the others"
npx electron-vite build --logLevel warn || status=1

echo "== unit, integration and component tests (vitest), in a D-Bus session with an unlocked keychain;"
echo "   the server tests run on SQLite and again on a throwaway PostgreSQL cluster (scripts/with-postgres.sh)"
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  # A fresh keyring every run: an old, locked one would get in the way.
  XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d) dbus-run-session -- sh -c \
    'echo -n test-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
     bash scripts/with-postgres.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json'
  vitest_status=$?
else
  echo "dbus-run-session or gnome-keyring-daemon is missing: install the README's Debian packages" >&2
  vitest_status=1
fi
[ "$vitest_status" = 0 ] || status=1

echo "== end-to-end tests (Playwright, Debian's Chromium)"
npx playwright test
playwright_status=$?
[ "$playwright_status" = 0 ] || status=1

echo "== installers (npm run dist:dir): an unpacked app where an Electron binary exists, else one line why not"
if node -e "import('./scripts/electron-binary.mjs').then((m) => process.exit('path' in m.findElectronBinary() ? 0 : 1))"; then
  echo "   (an Electron binary exists: run npm run dist:dir yourself; it installs and rebuilds the staged app)"
else
  npm run --silent dist:dir || status=1
fi

echo "== desktop end-to-end tests (Playwright _electron)"
if node -e "import('./scripts/electron-binary.mjs').then((m) => process.exit('path' in m.findElectronBinary() ? 0 : 1))"; then
  # The suite reads and writes the keychain, so it runs like vitest: a fresh D-Bus session and keyring.
  XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d) dbus-run-session -- sh -c \
    'echo -n test-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
     node scripts/electron-e2e.mjs'
else
  # Prints the one line saying why the suite did not run, and writes a report counting its tests as skipped.
  node scripts/electron-e2e.mjs
fi
electron_status=$?
[ "$electron_status" = 0 ] || status=1

# Each runner's report with its exit status: a report that explains a failed run by no failure still counts one.
node scripts/test-summary.mjs test-results "vitest.json:$vitest_status" "playwright.json:$playwright_status" \
  "playwright-electron.json:$electron_status" || status=1
exit $status
