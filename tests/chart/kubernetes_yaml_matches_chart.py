#!/usr/bin/env python3
"""The plain YAML in deploy/kubernetes/ is what the chart renders, and Kustomize builds it.

1. `scripts/render-k8s --check`: the committed backup-cronjob.yaml, restore/restore-job.yaml and
   the two kustomization.yaml files are exactly what charts/hivekeeper renders today with
   deploy/kubernetes/values.yaml (a changed comment in a template is enough to fail).
2. `kubectl kustomize` (offline, no cluster) builds deploy/kubernetes into the two CRDs, the
   BackupJob ConfigMap and the CronJob, and no Job: applying it must never start a restore.
3. `kubectl kustomize deploy/kubernetes/restore` builds the RestoreJob ConfigMap and one Job.
4. `kubectl kustomize deploy/kubernetes/drill` builds the DrillJob ConfigMap and the drill CronJob.

Needs helm and kubectl: from scripts/fetch-k8s-tools (network on first use).
"""
import argparse
import os
import subprocess
import sys

import yaml

import k8s_tools


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    tools = k8s_tools.fetch(root, "kubernetes_yaml_matches_chart")
    if tools is None:
        return 1
    failures = []

    check = subprocess.run([sys.executable, os.path.join(root, "scripts/render-k8s"), "--check",
                            "--helm", os.path.join(tools, "helm")])
    if check.returncode != 0:
        failures.append("deploy/kubernetes/ differs from the chart's rendering (diff above)")

    expected = {
        "deploy/kubernetes": [("CustomResourceDefinition", "backupjobs.hivekeeper.io"),
                              ("CustomResourceDefinition", "restorejobs.hivekeeper.io"),
                              ("CustomResourceDefinition", "drilljobs.hivekeeper.io"),
                              ("ConfigMap", "hivekeeper-backup"), ("CronJob", "hivekeeper-backup")],
        "deploy/kubernetes/restore": [("ConfigMap", "hivekeeper-restore-1"), ("Job", "hivekeeper-restore-1")],
        "deploy/kubernetes/drill": [("ConfigMap", "hivekeeper-drill"), ("CronJob", "hivekeeper-drill")],
    }
    for directory, objects in expected.items():
        built = subprocess.run([os.path.join(tools, "kubectl"), "kustomize", os.path.join(root, directory)],
                               capture_output=True, text=True)
        if built.returncode != 0:
            failures.append(f"kubectl kustomize {directory} failed: {built.stderr.strip()}")
            continue
        got = sorted((d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(built.stdout) if d)
        if got != sorted(objects):
            failures.append(f"kubectl kustomize {directory}: expected {sorted(objects)}, got {got}")

    return k8s_tools.report("kubernetes_yaml_matches_chart", failures,
                            "deploy/kubernetes/ matches the chart")


if __name__ == "__main__":
    sys.exit(main())
