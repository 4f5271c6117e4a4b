#!/usr/bin/env bash
# Installs what the E2E suite (test/e2e) needs, offline apart from Debian apt and the npm
# registry: Debian's Chromium, and code-server 4.100.3 (VS Code 1.100.3 in the browser with a
# real Node extension host) into .e2e/code-server. Idempotent: a second run only checks.
# Runs on Debian 12 with Node 20; as root (apt-get) unless the Debian packages are present.
set -euo pipefail
cd "$(dirname "$0")/../.."
CS_DIR="${CS_DIR:-$PWD/.e2e/code-server}"
# 4.100.3 is the last code-server whose postinstall accepts Node 20 (4.103+ wants Node 22).
CS_VERSION=4.100.3
export TMPDIR="${TMPDIR:-/tmp}"

# chromium: the browser playwright-core drives (no browser download from the internet);
# libkrb5-dev, build-essential, pkg-config, python3: code-server's native modules
# (kerberos, node-pty) are compiled by node-gyp at install time; ripgrep: see below.
need=()
command -v chromium >/dev/null || need+=(chromium)
for pkg in libkrb5-dev ripgrep build-essential pkg-config python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

installed_version() {
  node -p 'require(process.argv[1]).version' "$CS_DIR/node_modules/code-server/package.json" 2>/dev/null || true
}

if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ] || [ "$(installed_version)" != "$CS_VERSION" ]; then
  echo "== npm install code-server@$CS_VERSION into $CS_DIR"
  mkdir -p "$CS_DIR"
  # A package.json of its own keeps npm from walking up into the project's.
  [ -f "$CS_DIR/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' >"$CS_DIR/package.json"
  # Workaround 1 (ripgrep): @vscode/ripgrep's postinstall downloads rg from GitHub; it first
  # looks in its download cache, so put Debian's rg there under the expected archive name.
  RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$stage" rg
  rm -rf "$stage"
  # Workaround 2 (root):    unsafe_perm, or code-server's postinstall.sh refuses to run as root
  #                         (npm 11 warns "Unknown env config unsafe-perm"; harmless).
  # Workaround 3 (headers): nodedir=/usr, or node-gyp downloads Node headers from nodejs.org;
  #                         Node's own headers are in /usr/include/node.
  # Workaround 4 (node-pty): yes=true, its postinstall runs `npx node-gyp`, which otherwise
  #                         waits for a confirmation that never comes.
  # Workaround 5 (kerberos): libkrb5-dev above, for the kerberos module's native build.
  npm_config_unsafe_perm=true npm_config_nodedir=/usr npm_config_yes=true \
    npm install --prefix "$CS_DIR" "code-server@$CS_VERSION" --no-audit --no-fund --no-save
fi

echo "code-server $(installed_version) in $CS_DIR"
echo "$(chromium --version 2>/dev/null || echo 'chromium: not found')"
