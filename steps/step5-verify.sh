#!/usr/bin/env bash
# Step 5 is done when both small images exist, each under 400 MB and smaller than its bloated twin.
fail() { echo "$*" >&2; exit 1; }
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
size() { docker image inspect -f '{{.Size}}' "$1"; }
for side in server client; do
  small=$(image "mountains-$side-small")
  [ -n "$small" ] || fail "no image */mountains-$side-small:0.1.0 yet"
  [ "$(size "$small")" -lt 400000000 ] || fail "$small is 400 MB or more"
  bloated=$(image "mountains-$side-bloated")
  if [ -n "$bloated" ]; then
    [ "$(size "$small")" -lt "$(size "$bloated")" ] || fail "$small is not smaller than $bloated"
  fi
done
echo done
