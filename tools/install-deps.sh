#!/usr/bin/env bash
# Installs the Debian 12 packages Glance needs to build, run and test (apt-get; sudo when not root).
# Does nothing when everything is already there.
set -eu
packages=(
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libjson-glib-dev libgdk-pixbuf-2.0-dev libsqlite3-dev sqlite3 libopenblas-dev libdnnl-dev zlib1g-dev
  libgtk-4-dev libadwaita-1-dev libcurl4-openssl-dev libcurl4
  desktop-file-utils appstream gettext xvfb xauth python3-pyatspi dbus-x11 dbus-daemon at-spi2-core
  locales
  python3-torch python3-numpy python3-pil
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
