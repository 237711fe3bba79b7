#!/usr/bin/env bash
# Start a Docker engine in the background when none answers, and wait until it does.
set -euo pipefail
if docker version >/dev/null 2>&1; then exit 0; fi
log=${DOCKERD_LOG:-/var/log/dockerd.log}
# A daemon that died can leave its pid file and netns mount behind.
rm -f /var/run/docker.pid
umount /run/docker/netns/default 2>/dev/null || true
echo "starting dockerd (log: $log)"
nohup dockerd --storage-driver=overlay2 >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  if docker version >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "dockerd did not answer within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2
exit 1
