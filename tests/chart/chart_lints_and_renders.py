#!/usr/bin/env python3
"""The Helm chart charts/hivekeeper lints, renders, and renders what the runner needs.

1. `helm lint` and `helm lint --strict` pass, with the default values and with a restore (media,
   Argo CD hook) enabled.
2. Default values: a ConfigMap holding a BackupJob manifest and a CronJob, nothing else (no
   Secret, no Job). The CronJob: schedule "15 3 * * *", concurrencyPolicy Forbid, the history
   limits, backoffLimit and activeDeadlineSeconds; its pod as check_pod says.
3. Restore enabled: also a RestoreJob ConfigMap and a Job named <fullname>-restore-<id>,
   backoffLimit 0, /media writable, the Argo CD hook annotations when asked for and only then.
4. Every rendered manifest validates against manifests/schema/<kind>.schema.json (jsonschema,
   Draft 2020-12) and, with --binary, `hivekeeper validate` accepts it; its paths are the pod's
   mount paths (password file, /backups, /media).
5. No password anywhere: no Secret, no env var carrying one, no chart value that could hold one
   (`--set target.password=...` is refused by values.schema.json).
6. values.schema.json refuses bad values (helm template fails naming the field), and the
   templates refuse what the schema cannot say (restore.media without media.enabled).
7. A long release name still gives names Kubernetes accepts (CronJob <= 52, Job <= 63).
8. The chart carries the CRDs (crds/, which `helm install` applies before the templates): `helm
   show crds` and `helm template --include-crds` give exactly the CRDs of deploy/kubernetes/crds/,
   and plain `helm template` none.
9. Drill enabled: also a DrillJob ConfigMap and a CronJob <fullname>-drill on drill.schedule,
   backoffLimit 0, whose pod does not mount the media claim (a drill never touches the live media)
   and whose manifest leaves media to the set unless drill.media is false.
10. Off-site (storage.s3 + encryption.age, issue 13): the BackupJob gets spec.storage (keepLocal,
   s3 with every field) and spec.encryption.age.recipients, the RestoreJob and DrillJob the same
   bucket as their source and identityFrom; all three validate (schemas, `hivekeeper validate`).
   The S3 keys, the CA and the age identity or passphrase come from existing Secrets mounted
   read-only (0400), and every file a manifest names is a file such a mount provides, and every
   mounted key file is named by the manifest. The backup pod never mounts the identity. With a
   passphrase instead of recipients, every manifest reads passphraseFrom. Default values render
   neither spec.storage nor spec.encryption, and no extra mount.
11. No key in values: values.schema.json refuses a key or identity as a value (storage.s3.
   accessKeyId, encryption.age.identity, ...), bad off-site values (serverSideEncryption bogus,
   kmsKeyId without aws:kms, keepLocal false without a bucket, a bucket without
   credentialsSecret.name, a recipient that is not age1...), and the templates refuse recipients
   with a passphrase, and a restore or drill of recipient-encrypted backups without identitySecret.

Needs helm: --helm, else the one scripts/fetch-k8s-tools fetches (network on first use).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

import k8s_tools

RELEASE = "hk"
FULLNAME = "hk-hivekeeper"
RESTORE = ["--set", "restore.enabled=true", "--set", "restore.id=t1", "--set", "media.enabled=true",
           "--set", "media.claimName=app-media", "--set", "restore.media=latest"]
ARGOCD = ["--set", "restore.argocd.hook=true"]
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
PASSWORD_FILE = "/var/run/secrets/hivekeeper/password"
S3_DIR = "/var/run/secrets/hivekeeper-s3"
S3_CA_DIR = "/var/run/secrets/hivekeeper-s3-ca"
AGE_IDENTITY_DIR = "/var/run/secrets/hivekeeper-age-identity"
AGE_PASSPHRASE_DIR = "/var/run/secrets/hivekeeper-age-passphrase"
RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
# Every off-site value the chart has, with Secrets named only: the chart never sees a key.
OFFSITE = {
    "storage": {"keepLocal": False, "s3": {
        "endpoint": "https://minio.storage.svc:9000", "region": "eu-central-1", "bucket": "beelab-backups",
        "prefix": "beelab/prod/", "forcePathStyle": True, "storageClass": "STANDARD_IA",
        "serverSideEncryption": "aws:kms", "kmsKeyId": "arn:aws:kms:eu-central-1:111122223333:key/k1",
        "maxParts": 1000,
        "credentialsSecret": {"name": "beelab-s3", "accessKeyIdKey": "id", "secretAccessKeyKey": "secret"},
        "caSecret": {"name": "minio-ca", "key": "root.pem"}}},
    "encryption": {"age": {"recipients": [RECIPIENT], "identitySecret": {"name": "beelab-age", "key": "key.txt"}}},
}
S3_SECRETS = [(S3_DIR, "beelab-s3", [{"key": "id", "path": "access-key-id"},
                                     {"key": "secret", "path": "secret-access-key"}]),
              (S3_CA_DIR, "minio-ca", [{"key": "root.pem", "path": "ca.crt"}])]
IDENTITY_SECRET = (AGE_IDENTITY_DIR, "beelab-age", [{"key": "key.txt", "path": "identity"}])

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)
    return condition


def expect_eq(expected, got, what):
    return expect(expected == got, f"{what}: expected {expected!r}, got {got!r}")


class Chart:
    def __init__(self, root, helm):
        self.root = root
        self.helm = helm
        self.path = os.path.join(root, "charts/hivekeeper")

    def run(self, *arguments):
        return subprocess.run([self.helm, *arguments], capture_output=True, text=True)

    def template(self, extra, release=RELEASE):
        result = self.run("template", release, self.path, *extra)
        if result.returncode != 0:
            raise SystemExit(f"helm template {' '.join(extra)} failed:\n{result.stderr}")
        return result.stdout, [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(documents):
    found = {}
    for document in documents:
        found.setdefault(document["kind"], []).append(document)
    return found


def check_pod(pod_template, component, config_map, media, media_read_only, secrets=()):
    """The pod both workloads run: hardened, the runner's arguments, its mounts. secrets: the
    off-site Secret mounts expected besides the password's, as (mountPath, secretName, items)."""
    what = f"{component} pod"
    spec = pod_template["spec"]
    expect_eq(component, pod_template["metadata"]["labels"].get("app.kubernetes.io/component"),
              f"{what} component label")
    expect_eq("Never", spec.get("restartPolicy"), f"{what} restartPolicy")
    expect_eq(False, spec.get("automountServiceAccountToken"), f"{what} automountServiceAccountToken")
    pod_security = spec.get("securityContext", {})
    expect_eq({"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
               "fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": {"type": "RuntimeDefault"}},
              pod_security, f"{what} securityContext")
    if not expect_eq(1, len(spec["containers"]), f"{what} containers"):
        return
    container = spec["containers"][0]
    expect("command" not in container, f"{what}: a command replaces the image's ENTRYPOINT")
    expect_eq(["run", "-f", "/etc/hivekeeper/job.yaml", "--termination-log", "/dev/termination-log"],
              container.get("args"), f"{what} args")
    expect(container.get("imagePullPolicy") in ("IfNotPresent", "Always", "Never"), f"{what} imagePullPolicy")
    expect_eq({"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "readOnlyRootFilesystem": True,
               "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
               "seccompProfile": {"type": "RuntimeDefault"}},
              container.get("securityContext"), f"{what} container securityContext")
    expect_eq("/dev/termination-log", container.get("terminationMessagePath"), f"{what} terminationMessagePath")
    expect_eq("FallbackToLogsOnError", container.get("terminationMessagePolicy"),
              f"{what} terminationMessagePolicy")
    resources = container.get("resources", {})
    expect(resources.get("requests", {}).get("memory") and resources.get("limits", {}).get("memory"),
           f"{what}: memory request and limit expected, got {resources}")
    for variable in container.get("env", []):
        expect("value" not in variable or "PASSWORD" not in variable["name"].upper(),
               f"{what}: env {variable['name']} carries a password")

    volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
    mounts = {mount["mountPath"]: mount for mount in container.get("volumeMounts", [])}
    expected_paths = {"/etc/hivekeeper", "/var/run/secrets/hivekeeper", "/backups", "/tmp"} | (
        {"/media"} if media else set()) | {path for path, _, _ in secrets}
    expect_eq(sorted(expected_paths), sorted(mounts), f"{what} mount paths")

    def volume_at(path):
        mount = mounts.get(path)
        return (mount, volumes.get(mount["name"], {})) if mount else ({}, {})

    mount, volume = volume_at("/etc/hivekeeper")
    expect_eq(True, mount.get("readOnly"), f"{what} /etc/hivekeeper readOnly")
    expect_eq({"name": config_map}, volume.get("configMap"), f"{what} manifest ConfigMap")
    mount, volume = volume_at("/var/run/secrets/hivekeeper")
    expect_eq(True, mount.get("readOnly"), f"{what} secret mount readOnly")
    expect_eq({"secretName": "hivekeeper-postgres", "defaultMode": 0o400,
               "items": [{"key": "password", "path": "password"}]},
              volume.get("secret"), f"{what} password Secret volume")
    for path, secret_name, items in secrets:
        mount, volume = volume_at(path)
        expect_eq(True, mount.get("readOnly"), f"{what} {path} readOnly")
        expect_eq({"secretName": secret_name, "defaultMode": 0o400, "items": items}, volume.get("secret"),
                  f"{what} Secret volume at {path}")
    mount, volume = volume_at("/backups")
    expect(not mount.get("readOnly"), f"{what}: /backups must be writable")
    expect_eq({"claimName": "hivekeeper-backups"}, volume.get("persistentVolumeClaim"), f"{what} backups claim")
    mount, volume = volume_at("/tmp")
    expect("emptyDir" in volume, f"{what}: /tmp must be an emptyDir, got {volume}")
    expect(not mount.get("readOnly"), f"{what}: /tmp must be writable")
    if media:
        mount, volume = volume_at("/media")
        expect_eq(media_read_only, bool(mount.get("readOnly")), f"{what} /media readOnly")
        expect_eq({"claimName": "app-media", "readOnly": media_read_only}, volume.get("persistentVolumeClaim"),
                  f"{what} media claim")


def check_manifest(root, binary, config_map, kind, name):
    """The manifest in a ConfigMap: the runner's schema and validator accept it."""
    text = config_map["data"]["job.yaml"]
    manifest = yaml.safe_load(text)
    with open(os.path.join(root, f"manifests/schema/{kind.lower()}.schema.json")) as f:
        schema = json.load(f)
    for error in jsonschema.Draft202012Validator(schema).iter_errors(manifest):
        failures.append(f"{kind} in ConfigMap {config_map['metadata']['name']}: "
                        f"{'.'.join(map(str, error.absolute_path))}: {error.message}")
    expect_eq(kind, manifest.get("kind"), "manifest kind")
    expect_eq(name, manifest.get("metadata", {}).get("name"), f"{kind} metadata.name")
    if binary:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(text)
            f.flush()
            result = subprocess.run([binary, "validate", "-f", f.name], capture_output=True, text=True)
        expect(result.returncode == 0, f"hivekeeper validate refuses the rendered {kind}: {result.stderr}")
    return manifest


def check_defaults(chart, binary):
    text, documents = chart.template([])
    kinds = by_kind(documents)
    expect_eq(["ConfigMap", "CronJob"], sorted(kinds), "kinds rendered with default values")
    cron = kinds["CronJob"][0]
    expect_eq(f"{FULLNAME}-backup", cron["metadata"]["name"], "CronJob name")
    spec = cron["spec"]
    for field, value in [("schedule", "15 3 * * *"), ("concurrencyPolicy", "Forbid"), ("suspend", False),
                         ("successfulJobsHistoryLimit", 3), ("failedJobsHistoryLimit", 3)]:
        expect_eq(value, spec.get(field), f"CronJob {field}")
    job = spec["jobTemplate"]["spec"]
    expect_eq(1, job.get("backoffLimit"), "CronJob backoffLimit")
    expect_eq(3600, job.get("activeDeadlineSeconds"), "CronJob activeDeadlineSeconds")
    check_pod(job["template"], "backup", f"{FULLNAME}-backup", media=False, media_read_only=True)
    manifest = check_manifest(chart.root, binary, kinds["ConfigMap"][0], "BackupJob", f"{FULLNAME}-backup")
    expect_eq({"host": "postgres", "port": 5432, "database": "app", "user": "app", "sslmode": "prefer",
               "passwordFrom": {"file": PASSWORD_FILE}},
              manifest["spec"]["target"].get("postgres"), "BackupJob spec.target.postgres")
    expect_eq({"directory": "/backups", "prefix": RELEASE}, manifest["spec"].get("output"),
              "BackupJob spec.output (prefix defaults to the release name)")
    expect("media" not in manifest["spec"], "BackupJob spec.media without media.enabled")
    for field in ("storage", "encryption"):
        expect(field not in manifest["spec"], f"BackupJob spec.{field} with default values")
    return text


def check_restore(chart, binary):
    text, documents = chart.template(RESTORE + ARGOCD)
    kinds = by_kind(documents)
    expect_eq(["ConfigMap", "CronJob", "Job"], sorted(kinds), "kinds rendered with a restore")
    config_maps = {config_map["metadata"]["name"]: config_map for config_map in kinds.get("ConfigMap", [])}
    restore_name = f"{FULLNAME}-restore-t1"
    expect_eq(sorted([f"{FULLNAME}-backup", restore_name]), sorted(config_maps), "ConfigMaps with a restore")
    cron = kinds["CronJob"][0]
    check_pod(cron["spec"]["jobTemplate"]["spec"]["template"], "backup", f"{FULLNAME}-backup",
              media=True, media_read_only=True)
    backup = check_manifest(chart.root, binary, config_maps[f"{FULLNAME}-backup"], "BackupJob", f"{FULLNAME}-backup")
    expect_eq({"enabled": True, "path": "/media"}, backup["spec"].get("media"), "BackupJob spec.media")

    job = kinds["Job"][0]
    expect_eq(restore_name, job["metadata"]["name"], "restore Job name")
    expect_eq(0, job["spec"].get("backoffLimit"), "restore Job backoffLimit")
    hook = {"argocd.argoproj.io/hook": "Sync", "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation"}
    expect_eq(hook, job["metadata"].get("annotations"), "restore Job Argo CD annotations")
    expect_eq(dict(hook, **{"argocd.argoproj.io/sync-wave": "-1"}),
              config_maps[restore_name]["metadata"].get("annotations"),
              "restore ConfigMap Argo CD annotations (created before the Job)")
    check_pod(job["spec"]["template"], "restore", restore_name, media=True, media_read_only=False)
    restore = check_manifest(chart.root, binary, config_maps[restore_name], "RestoreJob", restore_name)
    spec = restore["spec"]
    expect_eq({"directory": "/backups", "prefix": RELEASE, "database": "latest", "media": "latest"},
              spec.get("source"), "RestoreJob spec.source")
    expect_eq({"path": "/media"}, spec.get("media"), "RestoreJob spec.media")
    expect_eq(PASSWORD_FILE, spec["target"]["postgres"]["passwordFrom"].get("file"), "RestoreJob password file")
    for field, value in [("reset", False), ("safetyBackup", True), ("terminateConnections", False),
                         ("lockTimeoutSeconds", 60)]:
        expect_eq(value, spec.get(field), f"RestoreJob spec.{field}")
    expect("quiesce" not in spec, "RestoreJob spec.quiesce is Docker-only")

    # Without the hook: a plain Job, and no media in the RestoreJob's source when restore.media is "".
    _, documents = chart.template(RESTORE[:-2] + ["--set", "restore.reset=true"])
    kinds = by_kind(documents)
    expect("annotations" not in kinds["Job"][0]["metadata"], "restore Job annotations without argocd.hook")
    restore_map = [c for c in kinds["ConfigMap"] if c["metadata"]["name"] == restore_name][0]
    spec = check_manifest(chart.root, binary, restore_map, "RestoreJob", restore_name)["spec"]
    expect("media" not in spec["source"], f"RestoreJob spec.source.media with restore.media \"\": {spec['source']}")
    expect_eq(True, spec.get("reset"), "RestoreJob spec.reset")
    return text


def check_drill(chart, binary):
    media = ["--set", "media.enabled=true", "--set", "media.claimName=app-media"]
    text, documents = chart.template(["--set", "drill.enabled=true", "--set", "drill.set=2026-01-15_031500"] + media)
    kinds = by_kind(documents)
    expect_eq(["ConfigMap", "CronJob"], sorted(kinds), "kinds rendered with a drill")
    drill_name = f"{FULLNAME}-drill"
    crons = {cron["metadata"]["name"]: cron for cron in kinds["CronJob"]}
    expect_eq(sorted([f"{FULLNAME}-backup", drill_name]), sorted(crons), "CronJobs with a drill")
    config_maps = {config_map["metadata"]["name"]: config_map for config_map in kinds["ConfigMap"]}
    cron = crons.get(drill_name)
    if not expect(cron is not None and drill_name in config_maps, "no drill CronJob or ConfigMap"):
        return text
    spec = cron["spec"]
    for field, value in [("schedule", "45 4 * * 0"), ("concurrencyPolicy", "Forbid")]:
        expect_eq(value, spec.get(field), f"drill CronJob {field}")
    job = spec["jobTemplate"]["spec"]
    expect_eq(0, job.get("backoffLimit"), "drill CronJob backoffLimit")
    check_pod(job["template"], "drill", drill_name, media=False, media_read_only=True)
    manifest = check_manifest(chart.root, binary, config_maps[drill_name], "DrillJob", drill_name)
    expect_eq({"directory": "/backups", "prefix": RELEASE, "set": "2026-01-15_031500"},
              manifest["spec"].get("source"), "DrillJob spec.source")
    expect("media" not in manifest["spec"], "DrillJob spec.media with drill.media true: the set decides")
    expect_eq(PASSWORD_FILE, manifest["spec"]["target"]["postgres"]["passwordFrom"].get("file"),
              "DrillJob password file")
    _, documents = chart.template(["--set", "drill.enabled=true", "--set", "drill.media=false"])
    config_map = [c for c in documents if c["kind"] == "ConfigMap" and c["metadata"]["name"] == drill_name][0]
    expect_eq(False, check_manifest(chart.root, binary, config_map, "DrillJob", drill_name)["spec"].get("media"),
              "DrillJob spec.media with drill.media false")
    return text


def secret_files(pod_template):
    """The files the pod's Secret volumes put in the container: mountPath/item path."""
    spec = pod_template["spec"]
    volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
    files = set()
    for mount in spec["containers"][0].get("volumeMounts", []):
        secret = volumes.get(mount["name"], {}).get("secret")
        for item in (secret or {}).get("items", []):
            files.add(f"{mount['mountPath']}/{item['path']}")
    return files


def manifest_files(node):
    """Every file a manifest reads a secret or a CA from: {file: ...} under a *From, and caFile."""
    files = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("From") and isinstance(value, dict) and "file" in value:
                files.add(value["file"])
            elif key == "caFile":
                files.add(value)
            else:
                files |= manifest_files(value)
    elif isinstance(node, list):
        for value in node:
            files |= manifest_files(value)
    return files


def render_with_values(chart, values, extra=()):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        yaml.safe_dump(values, f)
        f.flush()
        return chart.template(["-f", f.name, *extra])


def check_offsite_workloads(chart, binary, documents, expected):
    """expected: {component: (spec.storage, spec.encryption, the off-site Secret mounts)}."""
    kinds = by_kind(documents)
    config_maps = {config_map["metadata"]["name"]: config_map for config_map in kinds.get("ConfigMap", [])}
    pods = {}
    for workload in kinds.get("CronJob", []) + kinds.get("Job", []):
        spec = workload["spec"]
        job = spec["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else spec
        pods[workload["metadata"]["name"]] = job["template"]
    names = {"backup": (f"{FULLNAME}-backup", "BackupJob"), "restore": (f"{FULLNAME}-restore-t1", "RestoreJob"),
             "drill": (f"{FULLNAME}-drill", "DrillJob")}
    for component, (storage, encryption, secrets) in expected.items():
        name, kind = names[component]
        if not expect(name in pods and name in config_maps, f"off-site: no {kind} {name} rendered"):
            continue
        pod = pods[name]
        check_pod(pod, component, name, media=component != "drill", media_read_only=component != "restore",
                  secrets=secrets)
        env = pod["spec"]["containers"][0].get("env", [])
        expect_eq(["TMPDIR"], [variable["name"] for variable in env], f"off-site {component} pod env (no key)")
        spec = check_manifest(chart.root, binary, config_maps[name], kind, name)["spec"]
        expect_eq(storage, spec.get("storage"), f"{kind} spec.storage")
        expect_eq(encryption, spec.get("encryption"), f"{kind} spec.encryption")
        expect_eq(sorted(secret_files(pod)), sorted(manifest_files(spec)),
                  f"{kind}: the Secret files its pod mounts (expected) and the files its manifest reads")


def check_offsite(chart, binary):
    everything = RESTORE + ["--set", "drill.enabled=true"]
    text, documents = render_with_values(chart, OFFSITE, everything)
    s3 = {"endpoint": "https://minio.storage.svc:9000", "region": "eu-central-1", "bucket": "beelab-backups",
          "prefix": "beelab/prod/", "forcePathStyle": True, "storageClass": "STANDARD_IA",
          "serverSideEncryption": "aws:kms", "kmsKeyId": "arn:aws:kms:eu-central-1:111122223333:key/k1",
          "maxParts": 1000, "caFile": f"{S3_CA_DIR}/ca.crt",
          "accessKeyIdFrom": {"file": f"{S3_DIR}/access-key-id"},
          "secretAccessKeyFrom": {"file": f"{S3_DIR}/secret-access-key"}}
    identity = {"age": {"identityFrom": {"file": f"{AGE_IDENTITY_DIR}/identity"}}}
    check_offsite_workloads(chart, binary, documents, {
        "backup": ({"keepLocal": False, "s3": s3}, {"age": {"recipients": [RECIPIENT]}}, S3_SECRETS),
        "restore": ({"s3": s3}, identity, S3_SECRETS + [IDENTITY_SECRET]),
        "drill": ({"s3": s3}, identity, S3_SECRETS + [IDENTITY_SECRET]),
    })

    # The least: a bucket and its keys (default key names), and a passphrase instead of recipients.
    passphrase = {"storage": {"s3": {"bucket": "beelab-backups", "credentialsSecret": {"name": "beelab-s3"}}},
                  "encryption": {"age": {"passphraseSecret": {"name": "beelab-pass"}}}}
    passphrase_text, documents = render_with_values(chart, passphrase, everything)
    s3 = {"bucket": "beelab-backups", "maxParts": 10000, "accessKeyIdFrom": {"file": f"{S3_DIR}/access-key-id"},
          "secretAccessKeyFrom": {"file": f"{S3_DIR}/secret-access-key"}}
    secrets = [(S3_DIR, "beelab-s3", [{"key": "AWS_ACCESS_KEY_ID", "path": "access-key-id"},
                                      {"key": "AWS_SECRET_ACCESS_KEY", "path": "secret-access-key"}]),
               (AGE_PASSPHRASE_DIR, "beelab-pass", [{"key": "passphrase", "path": "passphrase"}])]
    encryption = {"age": {"passphraseFrom": {"file": f"{AGE_PASSPHRASE_DIR}/passphrase"}}}
    check_offsite_workloads(chart, binary, documents, {
        "backup": ({"keepLocal": True, "s3": s3}, encryption, secrets),
        "restore": ({"s3": s3}, encryption, secrets),
        "drill": ({"s3": s3}, encryption, secrets),
    })

    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        yaml.safe_dump(OFFSITE, f)
        f.flush()
        for strict in ([], ["--strict"]):
            result = chart.run("lint", chart.path, *strict, "-f", f.name, *everything)
            expect(result.returncode == 0, f"helm lint {' '.join(strict)} with off-site values:\n"
                                           f"{result.stdout}{result.stderr}")
    return [text, passphrase_text]


def check_no_password(chart, texts):
    for text in texts:
        expect("kind: Secret" not in text, "the chart renders a Secret")
        expect("PGPASSWORD" not in text, "the chart renders PGPASSWORD")
        expect("AGE-SECRET-KEY" not in text, "the chart renders an age identity")
    # No place in values for a password or a key: each of these is refused, and not rendered.
    for field in ["target.password", "storage.s3.accessKeyId", "storage.s3.secretAccessKey",
                  "storage.s3.credentialsSecret.secretAccessKey", "encryption.age.identity",
                  "encryption.age.passphrase", "encryption.age.identitySecret.value",
                  "encryption.age.identitySecret", "encryption.age.passphraseSecret"]:
        canary = "AGE-SECRET-KEY-1CANARY7F3A" if "age" in field else "canary-7f3a"
        result = chart.run("template", RELEASE, chart.path, "--set", f"{field}={canary}")
        expect(result.returncode != 0 and canary not in result.stdout,
               f"values.schema.json accepts {field}, a place for a secret in values")


def check_refusals(chart):
    cases = [
        (["--set", "environment=staging"], "environment"),
        (["--set", "spec.media=true"], "Additional property spec is not allowed"),
        (["--set", "securityContext.runAsUser=0"], "securityContext.runAsUser"),
        (["--set", "target.port=70000"], "target.port"),
        (["--set", "logFormat=xml"], "logFormat"),
        (["--set", "media.enabled=true"], "media.claimName"),
        (["--set", "restore.enabled=true"], "restore.id"),
        (["--set", "restore.enabled=true", "--set", "restore.id=Restore_1"], "restore.id"),
        (["--set", "restore.enabled=true", "--set", "restore.id=r1", "--set", "restore.media=latest"],
         "restore.media needs media.enabled"),
        (["--set", "prefix=-bad"], "prefix"),
        (["--set", "drill.enabled=true", "--set", "drill.set="], "drill.set"),
        (["--set", "drill.media=sometimes"], "drill.media"),
        (["--set", "storage.s3.serverSideEncryption=bogus"], "storage.s3.serverSideEncryption"),
        (["--set", "storage.s3.kmsKeyId=k1"], "storage.s3.serverSideEncryption"),
        (["--set", "storage.s3.kmsKeyId=k1", "--set", "storage.s3.serverSideEncryption=AES256"],
         "storage.s3.serverSideEncryption"),
        (["--set", "storage.keepLocal=false"], "storage.s3.bucket"),
        (["--set", "storage.s3.bucket=beelab-backups"], "storage.s3.credentialsSecret.name"),
        (["--set", "storage.s3.bucket=Beelab_Backups"], "storage.s3.bucket"),
        (["--set", "storage.s3.prefix=prod"], "storage.s3.prefix"),
        (["--set", "storage.s3.maxParts=20000"], "storage.s3.maxParts"),
        (["--set", "encryption.age.identity=x"], "Additional property identity is not allowed"),
        (["--set", "encryption.age.recipients={ssh-ed25519 AAAA}"], "encryption.age.recipients"),
        (["--set", f"encryption.age.recipients={{{RECIPIENT}}}", "--set", "encryption.age.passphraseSecret.name=p"],
         "give recipients or passphraseSecret, not both"),
        (["--set", f"encryption.age.recipients={{{RECIPIENT}}}", "--set", "drill.enabled=true"],
         "encryption.age.identitySecret is required"),
        (["--set", f"encryption.age.recipients={{{RECIPIENT}}}", "--set", "restore.enabled=true",
          "--set", "restore.id=r1"], "encryption.age.identitySecret is required"),
    ]
    for extra, needle in cases:
        result = chart.run("template", RELEASE, chart.path, *extra)
        expect(result.returncode != 0 and needle in result.stderr,
               f"helm template {' '.join(extra)}: expected a failure naming {needle!r}, "
               f"got exit {result.returncode}: {result.stderr.strip()[:400]}")


def check_long_names(chart):
    release = "a-rather-long-release-name-for-a-django-app-in-prod"
    _, documents = chart.template(RESTORE + ["--set", "restore.id=abcdefghij0123456789"], release=release)
    for document in documents:
        name = document["metadata"]["name"]
        limit = 52 if document["kind"] == "CronJob" else 63
        expect(len(name) <= limit and DNS_LABEL.match(name),
               f"{document['kind']} {name}: not a name Kubernetes accepts (max {limit})")


def check_crds(chart):
    expected = []
    for name in ("backupjobs.hivekeeper.io.yaml", "drilljobs.hivekeeper.io.yaml",
                 "restorejobs.hivekeeper.io.yaml"):
        with open(os.path.join(chart.root, "deploy/kubernetes/crds", name)) as f:
            expected.append(yaml.safe_load(f))
    shown = chart.run("show", "crds", chart.path)
    if expect(shown.returncode == 0, f"helm show crds:\n{shown.stderr}"):
        documents = [doc for doc in yaml.safe_load_all(shown.stdout) if doc]
        expect_eq([crd["metadata"]["name"] for crd in expected], [doc["metadata"]["name"] for doc in documents],
                  "CRDs in helm show crds")
        expect(expected == documents, "helm show crds: not the CRDs of deploy/kubernetes/crds/")
    _, documents = chart.template([])
    expect("CustomResourceDefinition" not in by_kind(documents), "helm template without --include-crds renders CRDs")
    _, documents = chart.template(["--include-crds"])
    crds = by_kind(documents).get("CustomResourceDefinition", [])
    expect_eq([crd["metadata"]["name"] for crd in expected], [crd["metadata"]["name"] for crd in crds],
              "CRDs rendered by helm template --include-crds")
    expect(expected == crds, "helm template --include-crds: not the CRDs of deploy/kubernetes/crds/")


def check_metrics(chart, binary):
    """Issue 14: metrics.pushgateway.url puts spec.metrics.pushgateway in every manifest (valid for
    the schemas and the runner); metrics.prometheusRule.enabled renders the alert rules of
    alerts/hivekeeper.rules.yaml, unchanged, as a PrometheusRule (the defaults render none)."""
    url = "http://pushgateway.monitoring:9091"
    values = {"metrics": {"pushgateway": {"url": url}, "prometheusRule": {"enabled": True, "labels": {"release": "kp"}}},
              "drill": {"enabled": True}}
    _, documents = render_with_values(chart, values, RESTORE)
    kinds = by_kind(documents)
    manifests = [(yaml.safe_load(c["data"]["job.yaml"])["kind"], c) for c in kinds.get("ConfigMap", [])]
    expect_eq(["BackupJob", "DrillJob", "RestoreJob"], sorted(kind for kind, _ in manifests), "metrics: manifests")
    for kind, config_map in manifests:
        spec = check_manifest(chart.root, binary, config_map, kind, config_map["metadata"]["name"])["spec"]
        expect_eq({"pushgateway": {"url": url, "job": "hivekeeper"}}, spec.get("metrics"), f"{kind} spec.metrics")
    rules = kinds.get("PrometheusRule", [])
    if expect(len(rules) == 1, "metrics.prometheusRule.enabled renders no PrometheusRule"):
        with open(os.path.join(chart.path, "alerts/hivekeeper.rules.yaml")) as f:
            expect_eq(yaml.safe_load(f), rules[0]["spec"], "PrometheusRule spec (the rules file)")
        expect_eq("kp", rules[0]["metadata"]["labels"].get("release"), "PrometheusRule extra label")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
    parser.add_argument("--helm", help="helm 3 binary (default: scripts/fetch-k8s-tools fetches one)")
    parser.add_argument("--binary", help="the hivekeeper binary, to validate the rendered manifests")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    helm = args.helm
    if not helm:
        tools = k8s_tools.fetch(root, "chart_lints_and_renders")
        if tools is None:
            return 1
        helm = os.path.join(tools, "helm")
    chart = Chart(root, helm)

    for extra in ([], RESTORE + ARGOCD):
        for strict in ([], ["--strict"]):
            result = chart.run("lint", chart.path, *strict, *extra)
            expect(result.returncode == 0,
                   f"helm lint {' '.join(strict + extra)}:\n{result.stdout}{result.stderr}")
    texts = [check_defaults(chart, args.binary), check_restore(chart, args.binary),
             check_drill(chart, args.binary)] + check_offsite(chart, args.binary)
    check_no_password(chart, texts)
    check_refusals(chart)
    check_long_names(chart)
    check_crds(chart)
    check_metrics(chart, args.binary)

    return k8s_tools.report("chart_lints_and_renders", failures, "all checks passed")


if __name__ == "__main__":
    sys.exit(main())
