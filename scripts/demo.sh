#!/usr/bin/env bash
# Starts display :0 and xdemo against it, as README.md describes. Ctrl-C
# stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
display=${XFAR_DEMO_DISPLAY:-:0}
./bin/displayserver --display "$display" "$@" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
# Wait for the Unix socket, then run the demo on it (the cookie comes from
# the file the server just wrote for this user).
for _ in $(seq 100); do
  [ -S "/tmp/.xfar-unix/X${display#:}" ] && break
  sleep 0.1
done
./bin/xdemo --display "$display"
