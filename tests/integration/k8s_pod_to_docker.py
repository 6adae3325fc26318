#!/usr/bin/env python3
"""Turns the pod of a rendered CronJob or Job into a `docker run` command line, so the integration
suites run the chart's workloads as a kubelet would, without a cluster.

    k8s_pod_to_docker.py --rendered FILE --workload KIND/NAME --image IMAGE --stage DIR
        [--pvc CLAIM=DIR]... [--secret NAME=DIR]... [--termination-log FILE]
        [--network NET] [--name NAME] [--label KEY=VALUE]... [--print0]

Prints the command (shell-quoted, or NUL-separated with --print0). Translation, as the kubelet
would do it:
  image                       --image (the rendered one names a registry tag the test has not)
  command / args              --entrypoint with the rest of command, then args
  env value / secretKeyRef    -e NAME=VALUE, a secretKeyRef read from --secret NAME=DIR/KEY
  runAsUser / runAsGroup      --user UID:GID (container's over the pod's); runAsNonRoot with
                              uid 0, or without runAsUser, is refused as the kubelet refuses it
  fsGroup                     --group-add GID; Secret files are chowned root:GID, mode | 0440
  readOnlyRootFilesystem      --read-only
  allowPrivilegeEscalation    false: --security-opt no-new-privileges
  capabilities drop / add     --cap-drop / --cap-add
  seccompProfile              RuntimeDefault: Docker's default profile (nothing to add)
  resources.limits            --memory, --cpus
  configMap volume            its data (from the rendered file) written under --stage, bound ro
  secret volume               items (key -> path) from --secret NAME=DIR, mode defaultMode,
                              written under --stage, bound ro
  persistentVolumeClaim       --pvc CLAIM=DIR bound, ro when the mount or the claim says so
  emptyDir                    --tmpfs (mode 0777, sizeLimit as size)
  terminationMessagePath      the --termination-log file (created empty, mode 0666) bound there
Anything else (init containers, several containers, subPath, hostPath, privileged, env from a
ConfigMap...) is refused with exit 2, so a suite never passes by silently skipping part of a pod.
Writes only under --stage and the termination-log file; chowning needs root (the dev image).
"""
import argparse
import os
import re
import shlex
import shutil
import sys

import yaml


class Unsupported(Exception):
    pass


def pairs(values, what):
    result = {}
    for value in values:
        key, separator, rest = value.partition("=")
        if not separator:
            raise Unsupported(f"{what} {value!r}: expected NAME=VALUE")
        result[key] = rest
    return result


def quantity_bytes(text):
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(text))
    if not match:
        raise Unsupported(f"quantity {text!r}")
    factor = {None: 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
              "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}[match.group(2)]
    return int(match.group(1)) * factor


def cpus(text):
    text = str(text)
    return str(int(text[:-1]) / 1000) if text.endswith("m") else text


def find_pod(documents, workload):
    kind, _, name = workload.partition("/")
    for document in documents:
        if document.get("kind") == kind and document["metadata"]["name"] == name:
            if kind == "CronJob":
                return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            if kind == "Job":
                return document["spec"]["template"]["spec"]
            raise Unsupported(f"workload kind {kind}: only CronJob and Job")
    raise Unsupported(f"no {workload} in the rendered file")


def write_file(path, content, mode, uid, gid):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def read_bytes(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def project(staged, source, keys, content_of, fs_group):
    """A configMap or secret volume as the kubelet projects it into `staged`: its items (default:
    every key, under its own name), each with the item's mode, else defaultMode, else 0644. The
    kubelet gives these read-only volumes' files to the fsGroup, group-readable."""
    items = source.get("items") or [{"key": key, "path": key} for key in keys]
    shutil.rmtree(staged, ignore_errors=True)
    os.makedirs(staged)
    for item in items:
        mode = item.get("mode", source.get("defaultMode", 0o644))
        if fs_group is not None:
            mode |= 0o440
        write_file(os.path.join(staged, item["path"]), content_of(item["key"]), mode, 0, fs_group or 0)


def translate(args):
    with open(args.rendered) as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    pod = find_pod(documents, args.workload)
    for field in ("initContainers", "ephemeralContainers", "hostNetwork", "hostPID", "hostIPC"):
        if pod.get(field):
            raise Unsupported(f"pod {field}")
    if len(pod.get("containers", [])) != 1:
        raise Unsupported("a pod with other than one container")
    container = pod["containers"][0]
    pod_security = pod.get("securityContext", {})
    security = container.get("securityContext", {})
    pvcs = pairs(args.pvc, "--pvc")
    secrets = pairs(args.secret, "--secret")
    config_maps = {d["metadata"]["name"]: d for d in documents if d.get("kind") == "ConfigMap"}

    command = ["docker", "run", "--rm"]
    if args.name:
        command += ["--name", args.name]
    if args.network:
        command += ["--network", args.network]
    for label in args.label:
        command += ["--label", label]

    uid = security.get("runAsUser", pod_security.get("runAsUser"))
    gid = security.get("runAsGroup", pod_security.get("runAsGroup"))
    non_root = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
    if non_root and (uid is None or uid == 0):
        raise Unsupported("runAsNonRoot with runAsUser 0 or unset: the kubelet refuses to start it")
    if uid is not None:
        command += ["--user", f"{uid}:{gid if gid is not None else 0}"]
    fs_group = pod_security.get("fsGroup")
    if fs_group is not None:
        command += ["--group-add", str(fs_group)]
    if security.get("privileged"):
        raise Unsupported("privileged containers")
    if security.get("readOnlyRootFilesystem"):
        command.append("--read-only")
    if security.get("allowPrivilegeEscalation") is False:
        command += ["--security-opt", "no-new-privileges"]
    for capability in security.get("capabilities", {}).get("drop", []):
        command += ["--cap-drop", capability]
    for capability in security.get("capabilities", {}).get("add", []):
        command += ["--cap-add", capability]
    seccomp = security.get("seccompProfile", pod_security.get("seccompProfile", {})).get("type", "RuntimeDefault")
    if seccomp == "Unconfined":
        command += ["--security-opt", "seccomp=unconfined"]
    elif seccomp != "RuntimeDefault":
        raise Unsupported(f"seccompProfile {seccomp}")
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        command += ["--memory", str(quantity_bytes(limits["memory"]))]
    if "cpu" in limits:
        command += ["--cpus", cpus(limits["cpu"])]
    if container.get("workingDir"):
        command += ["--workdir", container["workingDir"]]

    if container.get("envFrom"):
        raise Unsupported("envFrom")
    for variable in container.get("env", []):
        if "value" in variable:
            command += ["--env", f"{variable['name']}={variable['value']}"]
            continue
        reference = variable.get("valueFrom", {}).get("secretKeyRef")
        if not reference:
            raise Unsupported(f"env {variable['name']}: only value and valueFrom.secretKeyRef")
        directory = secrets.get(reference["name"])
        if directory is None:
            raise Unsupported(f"env {variable['name']}: no --secret {reference['name']}=DIR")
        with open(os.path.join(directory, reference["key"])) as f:
            command += ["--env", f"{variable['name']}={f.read()}"]

    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        if mount.get("subPath") or mount.get("subPathExpr"):
            raise Unsupported(f"volumeMount {mount['name']}: subPath")
        volume = volumes.get(mount["name"])
        if volume is None:
            raise Unsupported(f"volumeMount {mount['name']}: no such volume")
        target = mount["mountPath"]
        read_only = bool(mount.get("readOnly"))
        staged = os.path.join(args.stage, mount["name"])
        if "configMap" in volume:
            source = volume["configMap"]
            data = config_maps.get(source["name"], {}).get("data")
            if data is None:
                raise Unsupported(f"volume {mount['name']}: no ConfigMap {source['name']} in the rendered file")
            project(staged, source, list(data), lambda key: data[key].encode(), fs_group)
            command += ["--volume", f"{staged}:{target}:ro"]
        elif "secret" in volume:
            source = volume["secret"]
            directory = secrets.get(source["secretName"])
            if directory is None:
                raise Unsupported(f"volume {mount['name']}: no --secret {source['secretName']}=DIR")
            project(staged, source, sorted(os.listdir(directory)), lambda key: read_bytes(directory, key), fs_group)
            command += ["--volume", f"{staged}:{target}:ro"]
        elif "persistentVolumeClaim" in volume:
            claim = volume["persistentVolumeClaim"]
            directory = pvcs.get(claim["claimName"])
            if directory is None:
                raise Unsupported(f"volume {mount['name']}: no --pvc {claim['claimName']}=DIR")
            read_only = read_only or bool(claim.get("readOnly"))
            command += ["--volume", f"{os.path.abspath(directory)}:{target}{':ro' if read_only else ''}"]
        elif "emptyDir" in volume:
            options = "rw,exec,mode=0777"
            if volume["emptyDir"] and volume["emptyDir"].get("sizeLimit"):
                options += f",size={quantity_bytes(volume['emptyDir']['sizeLimit'])}"
            command += ["--tmpfs", f"{target}:{options}"]
        else:
            raise Unsupported(f"volume {mount['name']}: {sorted(volume)} (only configMap, secret, "
                              "persistentVolumeClaim, emptyDir)")

    termination = container.get("terminationMessagePath", "/dev/termination-log")
    if args.termination_log:
        path = os.path.abspath(args.termination_log)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w"):
            pass
        os.chmod(path, 0o666)
        command += ["--volume", f"{path}:{termination}"]

    if container.get("command"):
        command += ["--entrypoint", container["command"][0]]
    command.append(args.image)
    command += container.get("command", [])[1:]
    command += [str(arg) for arg in container.get("args", [])]
    return command


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rendered", required=True, help="helm template's output")
    parser.add_argument("--workload", required=True, help="KIND/NAME, e.g. CronJob/hk-backup")
    parser.add_argument("--image", required=True)
    parser.add_argument("--stage", required=True, help="where ConfigMap and Secret files are written")
    parser.add_argument("--pvc", action="append", default=[], help="CLAIM=DIR standing in for the claim")
    parser.add_argument("--secret", action="append", default=[], help="NAME=DIR holding one file per key")
    parser.add_argument("--termination-log", help="local file bound at terminationMessagePath")
    parser.add_argument("--network")
    parser.add_argument("--name")
    parser.add_argument("--label", action="append", default=[])
    parser.add_argument("--print0", action="store_true", help="NUL-separated words, for mapfile -d ''")
    args = parser.parse_args()
    try:
        command = translate(args)
    except (Unsupported, KeyError, OSError) as error:
        print(f"k8s_pod_to_docker: cannot translate {args.workload}: {error}", file=sys.stderr)
        return 2
    if args.print0:
        sys.stdout.write("".join(word + "\0" for word in command))
    else:
        print(shlex.join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
