#!/usr/bin/env bash
# One-time bootstrap of a fresh cluster: install Argo CD, then hand everything
# else to the app-of-apps root. This is the only place in the repo allowed to
# run kubectl apply; after it, every change goes through git and Argo CD.
set -euo pipefail

ARGOCD_VERSION="${ARGOCD_VERSION:-v2.13.2}"

kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n argocd -f "https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/install.yaml"
kubectl -n argocd rollout status deployment/argocd-server --timeout=300s
kubectl apply -f k8s/argocd/root.yaml
