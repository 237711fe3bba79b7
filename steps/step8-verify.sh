#!/usr/bin/env bash
# Step 8 is done when the app's page lists a mountain the learner added and no longer lists Mont Blanc.
fail() { echo "$*" >&2; exit 1; }
page=$(curl -fsS --max-time 10 http://localhost:30300/ 2>/dev/null) || fail "the app does not answer on port 30300"
rows=$(printf '%s\n' "$page" | grep -c '/edit">Edit</a>')
everest=$(printf '%s\n' "$page" | grep -c '<td>Mount Everest</td>')
if printf '%s\n' "$page" | grep -q '<td>Mont Blanc</td>'; then fail "Mont Blanc is still on the list"; fi
[ $((rows - everest)) -ge 1 ] || fail "no mountain of yours on the list yet"
echo done
