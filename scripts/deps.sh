#!/usr/bin/env bash
# Installs what building and testing xfar needs on Debian/Ubuntu:
# - cgo and X11 headers for the Ebitengine desktop viewer (cmd/xview);
# - Xvfb, X programs (x11-apps, xterm, gtk3-demo), xdotool, xclip, xsel,
#   setxkbmap (x11-xkb-utils), wmctrl, a cursor theme (adwaita-icon-theme:
#   the desktop viewer's cursors in the window-management tests),
#   gcc + libx11-dev for the conformance, bridge, clipboard,
#   keyboard-layout and desktop-viewer tests;
# - chromium for the web-viewer tests;
# - staticcheck (a pinned version, with go install) for make test;
# - with the argument "bench", also the peers xbench --peers compares xfar
#   with (xpra, x11vnc, websockify, novnc); no test needs them (the Xpra
#   column of cmd/e2e's BenchmarkNativeXtermWorkloads does).
# Packages already installed are skipped, so running it again is quick.
# Recommended packages come too: xterm needs the fonts they bring, and the
# tests were run with them.
set -euo pipefail

packages=(
  ca-certificates git gcc pkg-config make
  libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev libxrandr-dev
  libxxf86vm-dev libasound2-dev libx11-dev
  xvfb x11-apps x11-utils x11-xkb-utils xterm xdotool xclip xsel gtk-3-examples
  wmctrl adwaita-icon-theme
  xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils
  chromium
)
if [ "${1:-}" = "bench" ]; then
  packages+=(xpra x11vnc websockify novnc)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH=/usr/local/go/bin:$PATH
fi
if ! command -v go >/dev/null 2>&1; then
  echo "deps.sh: Go is not installed; get Go 1.26+ from https://go.dev/dl/ (into /usr/local/go)" >&2
  exit 1
fi
go mod download

# staticcheck, which make test runs, pinned to a release that understands
# this Go version. go install puts it in $(go env GOPATH)/bin, where the
# Makefile looks for it.
staticcheck_version=v0.8.2 # staticcheck 2026.2.2
sc="$(go env GOPATH)/bin/staticcheck"
if ! [ -x "$sc" ] || ! go version -m "$sc" 2>/dev/null | grep -q "honnef.co/go/tools[[:space:]]*$staticcheck_version"; then
  echo "installing staticcheck $staticcheck_version"
  go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
