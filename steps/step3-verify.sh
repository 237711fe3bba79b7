#!/usr/bin/env bash
# Step 3 is done when the app's folder is a Git repository with the app as delivered committed in it.
cd ~/mountains 2>/dev/null || exit 1
[ -d .git ] || exit 1
git rev-parse --verify -q HEAD >/dev/null 2>&1 || exit 1
git ls-files --error-unmatch mountains.proto server/Dockerfile-bloated client/Dockerfile-secure >/dev/null 2>&1 \
  || exit 1
echo done
