#!/usr/bin/env bash
# npm audit at level high. Where the registry offers no audit service (some mirrors), say so
# plainly instead of failing or pretending the audit passed.
set -uo pipefail
out=$(npm audit --audit-level=high 2>&1)
status=$?
if [ $status -ne 0 ] && grep -q "audit endpoint returned an error" <<<"$out"; then
  echo "npm audit: the registry's audit service is unavailable here; no audit was performed."
  exit 0
fi
echo "$out" | tail -n 30
exit $status
