#!/usr/bin/env bash
# deps.sh: installs what heapd needs to build, test and run, from Debian's
# packages. Idempotent; run as root on Debian 12 (the README and .ci/run call it).
set -euo pipefail

pkgs=(
    build-essential cmake pkg-config git
    python3
    libjansson-dev
    # heapctl: line editing for its repl (libedit, BSD licence), libcrypto
    # for the reason a wss:// certificate was refused; tmux runs
    # `heapctl watch` in a real terminal and openssl makes a certificate for
    # the wss:// test, in the integration tests
    libedit-dev libssl-dev tmux python3-jsonschema openssl
    # the oracle as heapd models it: Debian's python3 with python3-setuptools,
    # whose .pth file puts its distutils finder in every import
    # (docs/script.md: the first weakref.finalize's import of atexit)
    python3-setuptools
    # heapd: libuv, libwebsockets on libuv (the evlib plugin is dlopen()ed at
    # run time), libsystemd (sd_notify); the integration tests' client,
    # schema validator, systemd-analyze and curl
    libuv1-dev libwebsockets-dev libwebsockets-evlib-uv libsystemd-dev
    python3-websockets python3-jsonschema systemd curl
    # the dashboard's browser tests (tests/web): Debian's Chromium, driven
    # headless by playwright-core (npm); DejaVu so pages render with a font
    chromium fonts-dejavu-core
)
# the dashboard and its tests run on Node.js and npm: Debian's, unless the
# machine already has them
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# the dashboard's npm packages (package.json, package-lock.json at the root):
# uPlot and d3-force, which the build copies into the web root, and the web
# tests' playwright-core and ajv; reinstalled only when the lock file changed
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$root/package-lock.json" ] &&
    { [ ! -f "$root/node_modules/.package-lock.json" ] ||
        [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; }; then
    (cd "$root" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
