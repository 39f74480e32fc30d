#!/bin/sh
# HEALTHCHECK of the npufleet image (deploy/docker/Dockerfile), also usable as a Kubernetes exec
# probe. Finds which fleet command this container runs (the argument after the launcher jar on a
# java command line) and asks that process:
#   gateway  GET /health on 127.0.0.1:NPUFLEET_HTTP_PORT (8080) must answer "status":"ok": the broker
#            answers and the events consumer is ready. The gateway answers 200 with "degraded" too;
#            this check counts "degraded" as unhealthy. (Set NPUFLEET_HTTP_HOST to 0.0.0.0 or leave it
#            unset: the check connects to the loopback address.)
#   worker   GET /health on 127.0.0.1:NPUFLEET_METRICS_PORT must answer 200 (its job loop runs).
#            A worker without a metrics port cannot be asked: the check passes.
#   other    (broker, demo, model, bench) passes.
# Exit 0 = healthy, 1 = unhealthy. Needs curl, awk, tr.
set -u

role=""
for cmdline in /proc/[0-9]*/cmdline; do
  role=$(tr '\0' '\n' < "$cmdline" 2>/dev/null \
    | awk 'found { print; exit } /npufleet-launcher\.jar$/ { found = 1 }') || role=""
  [ -n "$role" ] && break
done

case "$role" in
  gateway)
    body=$(curl -fsS --max-time 4 "http://127.0.0.1:${NPUFLEET_HTTP_PORT:-8080}/health") || exit 1
    case "$body" in
      *'"status":"ok"'*) exit 0 ;;
      *) echo "gateway not ready: $body"; exit 1 ;;
    esac
    ;;
  worker)
    port="${NPUFLEET_METRICS_PORT:-0}"
    [ "$port" = "0" ] && exit 0
    curl -fsS --max-time 4 -o /dev/null "http://127.0.0.1:${port}/health" || exit 1
    ;;
  *)
    exit 0
    ;;
esac
