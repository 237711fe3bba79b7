#!/usr/bin/env bash
# Step 5 is done when both small images exist, each under 400 MB and smaller than its bloated twin.
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
size() { docker image inspect -f '{{.Size}}' "$1"; }
for side in server client; do
  small=$(image "mountains-$side-small")
  [ -n "$small" ] || exit 1
  [ "$(size "$small")" -lt 400000000 ] || exit 1
  bloated=$(image "mountains-$side-bloated")
  if [ -n "$bloated" ]; then
    [ "$(size "$small")" -lt "$(size "$bloated")" ] || exit 1
  fi
done
echo done
