#!/usr/bin/env bash
# Step 20: roll a new application version out as a canary, then promote it.
# Usage: canary-deploy.sh VERSION
set -euo pipefail

version="${1:?usage: canary-deploy.sh VERSION}"
compose=(docker compose -f "$(dirname "$0")/../docker-compose.yml")

echo "deploying app ${version} as canary"
APP_VERSION="$version" "${compose[@]}" up -d --no-deps --scale app=2 app

for attempt in $(seq 1 30); do
  if curl -fsS http://localhost:8080/healthz >/dev/null; then
    echo "canary healthy after ${attempt} checks; promoting"
    APP_VERSION="$version" "${compose[@]}" up -d --no-deps --scale app=1 app
    exit 0
  fi
  sleep 2
done

echo "canary never became healthy; rolling back" >&2
exec "$(dirname "$0")/canary-rollback.sh"
