#!/usr/bin/env bash
# Frees 10+ GB on a GitHub-hosted runner by removing preinstalled toolchains a sync never uses, and prints the
# free space before and after. It refuses to run anywhere else unless given --force, so running it on a
# laptop by mistake removes nothing.
#   --root DIR   act on DIR instead of / (used by the tests)
#   --force      run even outside a GitHub-hosted runner
set -euo pipefail

root=/
force=false
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --force) force=true; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "free-disk-space: unknown option '$1' (use --root DIR, --force)" >&2; exit 2 ;;
  esac
done

if [ "$force" != true ] && { [ "${GITHUB_ACTIONS:-}" != true ] || [ "${RUNNER_ENVIRONMENT:-}" != github-hosted ]; }; then
  echo "free-disk-space: not on a GitHub-hosted runner, so nothing was removed (it deletes system toolchains; use --force if you really mean it)" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi

free() { df -h --output=avail "$root" | tail -n 1 | tr -d ' '; }
echo "free-disk-space: free before: $(free)"

for dir in usr/share/dotnet usr/local/lib/android opt/ghc usr/local/.ghcup opt/hostedtoolcache/CodeQL \
           usr/share/swift usr/local/share/powershell usr/local/share/chromium usr/local/lib/node_modules/@azure; do
  if [ -e "${root%/}/$dir" ]; then
    echo "free-disk-space: removing /$dir"
    $sudo rm -rf -- "${root%/}/$dir"
  fi
done

# Unused images only matter on the real runner; a test root has no docker daemon of its own.
if [ "$root" = / ] && command -v docker >/dev/null 2>&1; then
  docker image prune --all --force >/dev/null 2>&1 || true
fi

echo "free-disk-space: free after: $(free)"
