#!/usr/bin/env bash
# Step 4 is done when both bloated images exist, tagged NAME:0.1.0 on some registry.
fail() { echo "$*" >&2; exit 1; }
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
for side in server client; do
  [ -n "$(image "mountains-$side-bloated")" ] || fail "no image */mountains-$side-bloated:0.1.0 yet"
done
echo done
