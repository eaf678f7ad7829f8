#!/usr/bin/env bash
# Installs what the test suite runs against: redis-server, JupyterHub 3.0 and
# PyJWT from Debian's packages. Each step says what it does and is skipped when
# the tool is already present.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/jupyterhub ] || need+=(jupyterhub)
/usr/bin/python3 -c 'import jwt' >/dev/null 2>&1 || need+=(python3-jwt)

if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: redis-server, jupyterhub and python3-jwt are installed"
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
