#!/usr/bin/env bash
# Step 20: return the application to the last known-good version.
# Usage: canary-rollback.sh [VERSION]   (default: the version in .last-good-version)
set -euo pipefail

here="$(dirname "$0")"
version="${1:-$(cat "$here/../.last-good-version" 2>/dev/null || echo 1.4.0)}"

echo "rolling app back to ${version}"
APP_VERSION="$version" docker compose -f "$here/../docker-compose.yml" up -d --no-deps app
