"""What both chart tests share: helm and kubectl from scripts/fetch-k8s-tools, and the report."""
import os
import subprocess
import sys


def fetch(root, test):
    """The directory holding helm and kubectl, or None (said on stderr) when they cannot be had."""
    fetched = subprocess.run([sys.executable, os.path.join(root, "scripts/fetch-k8s-tools")],
                             stdout=subprocess.PIPE, text=True)
    if fetched.returncode != 0:
        print(f"{test}: cannot fetch helm and kubectl (scripts/fetch-k8s-tools failed)", file=sys.stderr)
        return None
    return fetched.stdout.strip().splitlines()[-1]


def report(test, failures, success):
    """Prints each failure, or SUCCESS; returns the exit code."""
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        return 1
    print(f"{test}: {success}")
    return 0
