#!/usr/bin/env bash
set -euo pipefail
kubectl --context lab -n apps apply -f k8s/apps/
