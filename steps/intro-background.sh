#!/usr/bin/env bash
# Scenario setup, run hidden when the scenario starts: the tools the steps use, and a clean slate.
set -u

# Step 7 fills the Kubernetes manifests with envsubst (Debian and Ubuntu ship it in gettext-base).
if ! command -v envsubst >/dev/null 2>&1; then
  { apt-get update -q && apt-get install -y -q gettext-base; } >/dev/null 2>&1 || true
fi

# Tags left behind by an earlier run would make the image steps look done before they start.
docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null \
  | grep -E '/mountains-(client|server)-(bloated|small|secure):0\.1\.0$' \
  | xargs -r docker rmi -f >/dev/null 2>&1
docker rm -f mountains-try >/dev/null 2>&1

echo done
