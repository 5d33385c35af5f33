#!/usr/bin/env bash
# Makes sure Debian's chromium is installed and prints the path of its executable, for the web demo's
# browser test (playwright-core drives it; no browser is downloaded). CI runs as root on Debian, so
# there it installs the package from apt on first use; anywhere else it fails with the command to run.
# `CHROMIUM_PATH` names another Chromium (or Chrome) to use instead.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then
    echo "$CHROMIUM_PATH"
    exit 0
  fi
  echo "CHROMIUM_PATH is set to $CHROMIUM_PATH, which is not an executable file." >&2
  exit 1
fi

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

found=$(find_chromium)
if [ -n "$found" ]; then
  echo "$found"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "The browser test needs Chromium, and this machine has none on its PATH." >&2
  echo "Install it (Debian/Ubuntu: sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable." >&2
  exit 1
fi

# stdout carries only the path: apt's progress goes to stderr. The lock timeout lets a concurrent apt
# (another job on the machine) finish instead of failing at once. Recommends stay out (udev, a
# printer dialog, a notification daemon), except a font, so the screenshot has readable text.
echo "Installing chromium from Debian's packages (the web demo's browser test needs it)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update >&2
apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends chromium fonts-liberation >&2

found=$(find_chromium)
if [ -z "$found" ]; then
  echo "apt-get installed chromium, yet no chromium is on the PATH." >&2
  exit 1
fi
echo "$found"
