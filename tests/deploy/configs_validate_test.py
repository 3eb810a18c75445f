#!/usr/bin/env python3
"""The hub configs shipped for deployment pass `simpul validate`: the
container config (deploy/compose/simpul.yaml, also the image's default) and
the one inside the Kubernetes ConfigMap. Secrets are dummy values in the
environment, as the Secret or .env would provide them.

usage: configs_validate_test.py SOURCE_DIR SIMPUL_BINARY
Skips only when the binary lacks a connector type the configs use (a
connector not compiled into this build), and names it."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as pn  # noqa: E402

yaml = pn.need_yaml()
src, binary = sys.argv[1], sys.argv[2]
if not os.access(binary, os.X_OK):
    sys.exit(f"FAIL: {binary} is not built; build the 'simpul' target first")

with tempfile.TemporaryDirectory() as tmp:
    configs = {"deploy/compose/simpul.yaml": os.path.join(src, "deploy/compose/simpul.yaml")}
    with open(os.path.join(src, "deploy/k8s/configmap.yaml")) as f:
        for doc in yaml.safe_load_all(f):
            if doc and doc.get("kind") == "ConfigMap" and "simpul.yaml" in doc.get("data", {}):
                where = f"deploy/k8s/configmap.yaml ({doc['metadata']['name']})"
                folder = os.path.join(tmp, doc["metadata"]["name"])
                os.makedirs(folder)
                for key, text in doc["data"].items():  # the mounted folder: every key a file
                    with open(os.path.join(folder, key), "w") as out:
                        out.write(text)
                configs[where] = os.path.join(folder, "simpul.yaml")

    listed = subprocess.run([binary, "connectors"], capture_output=True, text=True, check=True).stdout
    available = {line.split("\t")[0] for line in listed.splitlines() if line.strip()}
    needed, env = set(), dict(os.environ)
    for path in configs.values():
        with open(path) as f:
            text = f.read()
        cfg = yaml.safe_load(text)
        needed |= {c["type"] for c in (cfg.get("connectors") or {}).values()}
        for var in re.findall(r"\$\{env:(\w+)\}", text):
            env[var] = f"dummy-{var.lower()}"
    missing = sorted(needed - available)
    if missing:
        print(f"SKIP: this simpul build has no connector type {', '.join(missing)} "
              f"(has: {', '.join(sorted(available)) or 'none'}); the shipped configs need them")
        sys.exit(pn.SKIP)

    failed = False
    for where, path in configs.items():
        r = subprocess.run([binary, "validate", "-c", path], capture_output=True, text=True, env=env)
        print(f"== simpul validate {where}: exit {r.returncode}\n{r.stdout}{r.stderr}")
        failed |= r.returncode != 0
    if failed:
        sys.exit("FAIL: a shipped config does not validate")
print("PASS")
