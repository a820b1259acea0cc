#!/usr/bin/env bash
# Fetches the pinned consent rule set (DuckDuckGo's autoconsent, MPL-2.0)
# into privscan's cache, outside the repository, unless it is already
# there. `privscan rules update` does the work: it runs the npm client
# (`npm pack`, so the registry comes from npm's own configuration), checks
# the tarball against the sha512 integrity pinned in
# crawler/consent/autoconsent and prints the version, licence and location.
# Installs npm from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  echo "npm not found: installing Debian's npm package" >&2
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null; then
      SUDO="sudo"
    else
      echo "need root (or sudo) to run apt-get install npm" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq npm >/dev/null
fi
GO="${GO:-go}"
"$GO" run ./cmd/privscan rules update
