#!/usr/bin/env bash
# Set up a local virtual environment and run the console chat or the tests.
#   ./dev.sh console   chat with the bot in the terminal on the bundled catalog
#   ./dev.sh test      lint and run the whole test suite
#   ./dev.sh setup     only install
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

system_packages() {
    # libzbar0 is optional (the scanner falls back to zxing-cpp alone); install it when we can.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        local want=()
        ldconfig -p 2>/dev/null | grep -q libzbar.so.0 || want+=(libzbar0)
        "$PY" -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
        # Debian's browser for the scanning page's real-browser test (never a test tool's download)
        command -v chromium >/dev/null 2>&1 || want+=(chromium)
        if [ ${#want[@]} -gt 0 ]; then
            echo "Installing system packages: ${want[*]}"
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends "${want[@]}") >/dev/null \
                || echo "warning: could not install ${want[*]}; continuing without" >&2
        fi
    fi
}

setup() {
    system_packages
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
    local stamp="$VENV/.installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e '.[dev]'
        touch "$stamp"
    fi
}

frontend() {
    # The scanning page (webapp/): npm ci from the committed lockfile, then the build;
    # rebuilt only when its sources changed. Without node/npm the page tests skip.
    if ! command -v npm >/dev/null 2>&1; then
        echo "note: npm not found; the scanning page is not built (its tests will skip)" >&2
        return 0
    fi
    local stamp=webapp/dist/.built
    if [ -f "$stamp" ] && [ -z "$(find webapp/package-lock.json webapp/build.mjs webapp/src -newer "$stamp" 2>/dev/null)" ]; then
        return 0
    fi
    (cd webapp && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null) \
        && touch "$stamp" \
        || echo "warning: the scanning page could not be built; its tests will skip" >&2
}

cmd=${1:-help}
shift || true
case "$cmd" in
    setup) setup; frontend ;;
    console) setup; exec "$VENV/bin/ecolabel-bot" console "$@" ;;
    test)
        setup
        frontend
        "$VENV/bin/ruff" check bot catalog handlers tests scripts webapp
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *) sed -n '2,6p' "$0"; exit 2 ;;
esac
