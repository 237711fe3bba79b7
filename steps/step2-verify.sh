#!/usr/bin/env bash
# Step 2 is done when the registry answers its API on the NodePort every node opens.
fail() { echo "$*" >&2; exit 1; }
curl -fsS --max-time 5 http://localhost:30500/v2/ >/dev/null 2>&1 \
  || fail "no registry answers on localhost:30500 yet: apply registry.yaml and wait for the rollout"
echo done
