#!/usr/bin/env bash
# Commits and pushes the files given as arguments: the badge (and the catalog) with the badge's message, or with
# -m MESSAGE as the first arguments. When the branch moved meanwhile it rebases and tries once more. It never fails
# the run: a badge is not worth a red sync.
set -u
message="Update last-sync badge [skip ci]"
if [ "${1:-}" = "-m" ] && [ $# -ge 2 ]; then
  message=$2
  shift 2
fi
# Status, not diff: a file the run writes for the first time (the mirror/ files) is untracked, which diff does not see.
if [ -z "$(git status --porcelain -- "$@")" ]; then
  echo "commit-badge: nothing changed"
  exit 0
fi
git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add -- "$@"
git commit -q -m "$message" || { echo "::warning::commit-badge: could not commit $*"; exit 0; }
for attempt in 1 2; do
  if git push -q; then
    echo "commit-badge: pushed"
    exit 0
  fi
  [ "$attempt" -eq 2 ] && break
  if ! git pull -q --rebase; then
    git rebase --abort 2>/dev/null
    break
  fi
done
echo "::warning::commit-badge: could not push the commit of $* (the branch keeps moving or is protected)"
exit 0
