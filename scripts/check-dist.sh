#!/usr/bin/env bash
# Fails when the committed bundles in dist/ differ from a fresh build of the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: the committed bundles differ from a fresh build of the sources." >&2
  git status --short -- dist >&2
  echo "Fix: run 'npm run build' and commit dist/." >&2
  exit 1
fi
echo "dist/ matches the sources."
