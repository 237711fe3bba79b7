#!/usr/bin/env bash
# Step 7 is done when the server and client deployments are available, running images from the registry.
fail() { echo "$*" >&2; exit 1; }
for part in server client; do
  kubectl -n mountains wait --for=condition=Available --timeout=20s "deployment/mountains-$part" \
    >/dev/null 2>&1 || fail "deployment mountains-$part is not available yet"
  image=$(kubectl -n mountains get "deployment/mountains-$part" \
    -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)
  case "$image" in
    */mountains-$part-*:0.1.0) ;;
    *) fail "deployment mountains-$part runs '$image', not one of the images you built" ;;
  esac
done
echo done
