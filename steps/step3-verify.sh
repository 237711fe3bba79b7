#!/usr/bin/env bash
# Step 3 is done when the app's folder is a Git repository with the app as delivered committed in it.
fail() { echo "$*" >&2; exit 1; }
cd ~/mountains 2>/dev/null || fail "there is no ~/mountains folder"
[ -d .git ] || fail "~/mountains is not a Git repository yet: run git init"
git rev-parse --verify -q HEAD >/dev/null 2>&1 || fail "nothing is committed in ~/mountains yet"
git ls-files --error-unmatch mountains.proto server/Dockerfile-bloated client/Dockerfile-secure >/dev/null 2>&1 \
  || fail "the commit does not hold the app's files: git add . before committing"
echo done
