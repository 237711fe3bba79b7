#!/usr/bin/env bash
# Step 7 is done when the server and client deployments are available, running images from the registry.
for part in server client; do
  kubectl -n mountains wait --for=condition=Available --timeout=20s "deployment/mountains-$part" \
    >/dev/null 2>&1 || exit 1
  image=$(kubectl -n mountains get "deployment/mountains-$part" \
    -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)
  case "$image" in */mountains-$part-*:0.1.0) ;; *) exit 1 ;; esac
done
echo done
