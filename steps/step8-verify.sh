#!/usr/bin/env bash
# Step 8 is done when the app's page lists a mountain the learner added and no longer lists Mont Blanc.
page=$(curl -fsS --max-time 10 http://localhost:30300/ 2>/dev/null) || exit 1
rows=$(printf '%s\n' "$page" | grep -c '/edit">Edit</a>')
everest=$(printf '%s\n' "$page" | grep -c '<td>Mount Everest</td>')
if printf '%s\n' "$page" | grep -q '<td>Mont Blanc</td>'; then exit 1; fi
[ $((rows - everest)) -ge 1 ] || exit 1
echo done
