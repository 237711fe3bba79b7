#!/usr/bin/env bash
# Step 6 is done when both secure images exist, are smaller than the small ones, run as a non-root
# user and have no shell.
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
size() { docker image inspect -f '{{.Size}}' "$1"; }
for side in server client; do
  secure=$(image "mountains-$side-secure")
  [ -n "$secure" ] || exit 1
  [ "$(size "$secure")" -lt 300000000 ] || exit 1
  small=$(image "mountains-$side-small")
  if [ -n "$small" ]; then
    [ "$(size "$secure")" -lt "$(size "$small")" ] || exit 1
  fi
  user=$(docker image inspect -f '{{.Config.User}}' "$secure")
  case "$user" in "" | 0 | root | 0:*) exit 1 ;; esac
  if docker run --rm --entrypoint sh "$secure" -c true >/dev/null 2>&1; then exit 1; fi
done
echo done
