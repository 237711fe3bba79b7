#!/usr/bin/env bash
# Step 1 is done when the cluster answers and the app's namespace exists.
fail() { echo "$*" >&2; exit 1; }
kubectl get namespace mountains >/dev/null 2>&1 || fail "no namespace 'mountains' yet: create it with kubectl"
echo done
