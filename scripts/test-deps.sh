#!/usr/bin/env bash
# Installs what the test suite runs against: redis-server, JupyterHub 3.0 and
# PyJWT from Debian's packages, systemd-analyze (package systemd) for the unit
# check, the jose npm package for the interop test, and the openid-client npm
# package for the OpenID Connect test.
# Each step prints what it does and is skipped when the tool is already present.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/jupyterhub ] || need+=(jupyterhub)
/usr/bin/python3 -c 'import jwt' >/dev/null 2>&1 || need+=(python3-jwt)
# PyJWT needs cryptography for ES256, EdDSA and RSA keys.
/usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 || need+=(python3-cryptography)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# systemd-analyze verifies deploy/systemd/hubjwt.service.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)

# install_jose runs `npm ci` in test/interop: it installs the jose npm package,
# at the version test/interop/package-lock.json pins, into
# test/interop/node_modules for the JavaScript interop test. It is skipped when
# that version is already there.
install_jose() {
  local dir want have
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/interop"
  want=$(node -p "require('$dir/package-lock.json').packages['node_modules/jose'].version")
  have=$(node -p "try { require('$dir/node_modules/jose/package.json').version } catch { '' }")
  if [ "$want" = "$have" ]; then
    echo "test-deps: jose $have is installed in test/interop"
    return
  fi
  echo "test-deps: installing jose $want into test/interop with npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# install_openid_client runs `npm ci` in test/oidc/js: it installs the
# openid-client npm package, at the version test/oidc/js/package-lock.json
# pins, into test/oidc/js/node_modules for the openid-client relying-party
# test. It is skipped when that version is already there.
install_openid_client() {
  local dir want have
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/oidc/js"
  want=$(node -p "require('$dir/package-lock.json').packages['node_modules/openid-client'].version")
  have=$(node -p "try { require('$dir/node_modules/openid-client/package.json').version } catch { '' }")
  if [ "$want" = "$have" ]; then
    echo "test-deps: openid-client $have is installed in test/oidc/js"
    return
  fi
  echo "test-deps: installing openid-client $want into test/oidc/js with npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: redis-server, jupyterhub, python3-jwt, python3-cryptography and systemd are installed"
  install_jose
  install_openid_client
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: missing ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "test-deps: installing ${need[*]} from Debian packages (about a minute)"
apt_opts=(-o DPkg::Lock::Timeout=300 -q)
apt-get "${apt_opts[@]}" update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
  "${need[@]}" >/dev/null
echo "test-deps: installed ${need[*]}"
install_jose
install_openid_client
