#!/usr/bin/env bash
# Step 4 is done when both bloated images exist, tagged NAME:0.1.0 on some registry.
image() { docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "/$1:0\.1\.0\$" | head -n 1; }
for side in server client; do
  [ -n "$(image "mountains-$side-bloated")" ] || exit 1
done
echo done
