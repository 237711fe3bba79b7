#!/usr/bin/env bash
# Step 6 is done when both secure images exist, are smaller than the small ones, run as a non-root
# user and have no shell.
fail() { echo "$*" >&2; exit 1; }
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
size() { docker image inspect -f '{{.Size}}' "$1"; }
for side in server client; do
  secure=$(image "mountains-$side-secure")
  [ -n "$secure" ] || fail "no image */mountains-$side-secure:0.1.0 yet"
  [ "$(size "$secure")" -lt 300000000 ] || fail "$secure is 300 MB or more"
  small=$(image "mountains-$side-small")
  if [ -n "$small" ]; then
    [ "$(size "$secure")" -lt "$(size "$small")" ] || fail "$secure is not smaller than $small"
  fi
  user=$(docker image inspect -f '{{.Config.User}}' "$secure")
  case "$user" in "" | 0 | root | 0:*) fail "$secure runs as root" ;; esac
  if docker run --rm --entrypoint sh "$secure" -c true >/dev/null 2>&1; then fail "$secure has a shell"; fi
done
echo done
