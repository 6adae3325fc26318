#!/usr/bin/env python3
"""The runner's include graph points one way. Each folder of runner/ sits on a layer and includes
only its own folder and folders on lower layers; no file reaches itself through its includes; and
the tree keeps the shape the README's Layout section promises: no folder over a quarter of the
runner's lines, no source file over 400 lines, no function over 80. Exits 1 naming each breach."""
import os
import re
import sys

LAYERS = {
    "common": 0,
    "manifest": 1, "docker": 1, "archive": 1, "crypto": 1, "s3": 1, "http": 1,
    "status": 2, "postgres": 2,
    "target": 3, "store": 3, "notify": 3, "metrics": 3,
    "jobs": 4,
    "cli": 5,
}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_FOLDER_SHARE = 0.25

def function_lengths(text):
    """(first line, length) of each function body at namespace scope. Namespace braces do not
    count as depth; a block opened at depth 0 is a function when what precedes it has a `(` and
    is not a type or an initializer."""
    depth = 0
    header = ""
    start = None
    for number, line in enumerate(text.split("\n"), 1):
        code = re.sub(r'"(\\.|[^"\\])*"', '""', line.split("//")[0]).rstrip()
        if depth == 0 and re.match(r"\s*(inline\s+)?namespace\b.*\{$", code):
            continue
        if depth == 0 and re.match(r"^\}\s*$", code) and start is None:
            continue  # a namespace's closing brace
        if depth == 0 and start is None:
            header += " " + code
            if "{" in code:
                opening = header[:header.index("{")]
                if "(" in opening and "=" not in opening.split("(")[0] and \
                        not re.match(r"\s*(template\s*<[^>]*>\s*)?(struct|class|enum|union)\b", opening):
                    start = number
        depth += code.count("{") - code.count("}")
        depth = max(depth, 0)
        if depth == 0:
            if start is not None:
                yield start, number - start + 1
                start = None
            if code.endswith((";", "}")) or code == "":
                header = ""


root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runner")
include = re.compile(r'^#include "([^"]+)"', re.M)
problems = []
graph = {}
lines_by_folder = {}
total_lines = 0

for directory, _, files in os.walk(root):
    for name in files:
        if not name.endswith((".h", ".cpp")):
            continue
        path = os.path.relpath(os.path.join(directory, name), root)
        text = open(os.path.join(root, path), encoding="utf-8").read()
        count = text.count("\n")
        total_lines += count
        top = path.split(os.sep)[0]
        if top != "main.cpp":
            lines_by_folder[top] = lines_by_folder.get(top, 0) + count
        if count > MAX_FILE_LINES:
            problems.append(f"{path}: {count} lines (at most {MAX_FILE_LINES})")
        graph[path] = [i for i in include.findall(text) if not i.startswith("hivekeeper/")]
        if top not in LAYERS:
            continue
        for included in graph[path]:
            target = included.split("/")[0]
            if target == top:
                continue
            if target not in LAYERS:
                problems.append(f"{path}: includes {included}, outside the layered folders")
            elif LAYERS[target] >= LAYERS[top]:
                problems.append(f"{path}: includes {included}; {top}/ (layer {LAYERS[top]}) may "
                                f"include only lower layers, and {target}/ is layer {LAYERS[target]}")
        if path.endswith(".cpp"):
            for start, length in function_lengths(text):
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{path}:{start}: a function of {length} lines "
                                    f"(at most {MAX_FUNCTION_LINES})")

for folder, count in sorted(lines_by_folder.items()):
    if count > MAX_FOLDER_SHARE * total_lines:
        problems.append(f"runner/{folder}/: {count} of the runner's {total_lines} lines "
                        f"(more than a quarter)")

# Cycles between files.
state = {}
def visit(node, trail):
    state[node] = "open"
    for included in graph.get(node, []):
        if included not in graph:
            continue
        if state.get(included) == "open":
            cycle = trail[trail.index(included):] + [included] if included in trail else [node, included]
            problems.append("include cycle: " + " -> ".join(cycle))
        elif included not in state:
            visit(included, trail + [included])
    state[node] = "done"
for node in sorted(graph):
    if node not in state:
        visit(node, [node])

for problem in problems:
    print(problem)
print(f"{len(graph)} files, {total_lines} lines: "
      + ", ".join(f"{k} {v}" for k, v in sorted(lines_by_folder.items())))
sys.exit(1 if problems else 0)
