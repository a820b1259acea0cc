#!/usr/bin/env bash
# Installs Debian's Chromium when no usable browser is on the machine.
# privscan finds the browser through --chrome, $PRIVSCAN_CHROME or the usual
# paths; this script only acts when none of those exist.
set -euo pipefail

if [[ -n "${PRIVSCAN_CHROME:-}" && -x "${PRIVSCAN_CHROME}" ]]; then
  exit 0
fi
for p in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [[ -x "$p" ]]; then
    exit 0
  fi
done

echo "Chromium not found: installing Debian's chromium package" >&2
SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "need root (or sudo) to run apt-get install chromium" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
/usr/lib/chromium/chromium --version
