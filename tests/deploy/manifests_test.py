#!/usr/bin/env python3
"""The container and Kubernetes files agree with each other and with the
configs they ship: ports, probes, the data directory on a volume, non-root,
scrape paths. Docker and a cluster are not available to the tests, so the
files are parsed and the properties that matter are asserted.

usage: manifests_test.py SOURCE_DIR [SIMPUL_BINARY]
With the binary, the Dockerfile's runtime packages are checked against the
libraries it links (ldd + dpkg -S)."""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as pn  # noqa: E402

yaml = pn.need_yaml()
src = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else None
failures = []


def expect(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def load(path):
    with open(os.path.join(src, path)) as f:
        return yaml.safe_load(f)


def port_of(listen):
    m = re.fullmatch(r"(.*):(\d+)", listen)
    return (m.group(1), int(m.group(2))) if m else (None, None)


def duration_s(text):
    total = 0.0
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", str(text)):
        total += float(num) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    return total


def config_facts(cfg, where):
    """Admin port, input ports, data_dir, shutdown timeout of a hub config."""
    hub = cfg.get("hub", {})
    admin_host, admin_port = port_of(hub.get("admin", {}).get("listen", "127.0.0.1:9464"))
    expect(admin_host == "0.0.0.0", f"{where}: hub.admin.listen must bind 0.0.0.0 in a container, not {admin_host}")
    inputs = {}
    for name, c in (cfg.get("connectors") or {}).items():
        if c.get("type") == "http_server":
            host, port = port_of(c.get("listen", "127.0.0.1:8080"))
            expect(host == "0.0.0.0", f"{where}: connector {name} must listen on 0.0.0.0 in a container")
            inputs[name] = port
    data_dir = hub.get("data_dir", "data")
    expect(data_dir == "/var/lib/simpul", f"{where}: hub.data_dir should be /var/lib/simpul (the volume), got {data_dir}")
    token = str(hub.get("admin", {}).get("token", ""))
    expect(token.startswith("${env:") or token.startswith("${file:"), f"{where}: admin token must be a substitution")
    return {"admin": admin_port, "inputs": inputs, "data_dir": data_dir,
            "shutdown": duration_s(hub.get("shutdown_timeout", "10s"))}


# ------------------------------------------------------------------ Dockerfile
with open(os.path.join(src, "deploy/Dockerfile")) as f:
    dockerfile = f.read()
lines = re.sub(r"\\\n", " ", dockerfile).splitlines()
instr = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if len(l.split(None, 1)) > 1 else "")
         for l in (x.strip() for x in lines) if l and not l.startswith("#")]
froms = [a for k, a in instr if k == "FROM"]
expect(len(froms) >= 2, "Dockerfile: not multi-stage")
expect(all(re.match(r"debian:(12|bookworm)", f) for f in froms), f"Dockerfile: every stage on Debian 12, got {froms}")
stages = []
for k, a in instr:
    if k == "FROM":
        stages.append([])
    stages[-1].append((k, a))
final = stages[-1]
build_runs = " ".join(a for k, a in stages[0] if k == "RUN")
expect("deploy/install-deps.sh" in build_runs, "Dockerfile: build stage must install through deploy/install-deps.sh")
expect("CMAKE_BUILD_TYPE=Release" in build_runs, "Dockerfile: build stage must build Release")
users = [a for k, a in final if k == "USER"]
expect(users and users[-1].split(":")[0] not in ("0", "root"), f"Dockerfile: final stage must run as non-root, USER {users}")
expect(any("/var/lib/simpul" in a for k, a in final if k == "VOLUME"), "Dockerfile: /var/lib/simpul must be a VOLUME")
exposed = {int(p.split("/")[0]) for k, a in final if k == "EXPOSE" for p in a.split()}
health = [a for k, a in final if k == "HEALTHCHECK"]
final_runs = " ".join(a for k, a in final if k == "RUN")
expect(not re.search(r"-dev\b", final_runs), "Dockerfile: final stage installs -dev packages")
m = re.search(r"apt-get install (.*?)(&&|$)", final_runs)
runtime_pkgs = set(re.findall(r"\b([a-z0-9][a-z0-9.+-]+[a-z0-9])\b", m.group(1))) - {"y", "no-install-recommends"} if m else set()
for p in ("libpaho-mqtt1.3", "libpaho-mqttpp3-1", "libcurl4", "libssl3", "libprometheus-cpp-core1.0",
          "libprometheus-cpp-pull1.0", "libyaml-cpp0.7", "libpugixml1v5", "libpcre2-8-0"):
    expect(p in runtime_pkgs, f"Dockerfile: runtime package {p} missing")
copied_cfg = [a for k, a in final if k == "COPY" and "/etc/simpul/simpul.yaml" in a]
expect(copied_cfg, "Dockerfile: no default config copied to /etc/simpul/simpul.yaml")

# ------------------------------------------------------------------ compose
compose = load("deploy/compose/compose.yaml")
ccfg = config_facts(load("deploy/compose/simpul.yaml"), "deploy/compose/simpul.yaml")
services = compose.get("services", {})
for s in ("simpul", "mosquitto", "prometheus", "grafana"):
    expect(s in services, f"compose: service {s} missing")
hub = services.get("simpul", {})
expect(str(hub.get("user", "")).split(":")[0] not in ("", "0", "root"), "compose: simpul must run as a non-root user")
expect(hub.get("read_only") is True, "compose: simpul's root filesystem should be read-only")
expect("ALL" in (hub.get("cap_drop") or []), "compose: simpul should drop all capabilities")
published = {}
for p in hub.get("ports", []):
    parts = str(p).split(":")
    published[int(parts[-1])] = int(parts[-2])
expect(ccfg["admin"] in published, f"compose: admin port {ccfg['admin']} not published")
for name, port in ccfg["inputs"].items():
    expect(port in published, f"compose: input {name} port {port} not published")
    expect(port in exposed, f"Dockerfile: input {name} port {port} not in EXPOSE {sorted(exposed)}")
expect(ccfg["admin"] in exposed, f"Dockerfile: admin port {ccfg['admin']} not in EXPOSE {sorted(exposed)}")
expect(health and f"127.0.0.1:{ccfg['admin']}/healthz" in health[0],
       f"Dockerfile: HEALTHCHECK must GET /healthz on the admin port {ccfg['admin']}: {health}")
hc = " ".join(hub.get("healthcheck", {}).get("test", []))
expect(f":{ccfg['admin']}/healthz" in hc, f"compose: healthcheck must hit /healthz on the admin port: {hc!r}")
named_volumes = set((compose.get("volumes") or {}).keys())
mounts = {}
for v in hub.get("volumes", []):
    source, target = str(v).split(":")[:2]
    mounts[target] = source
expect(mounts.get(ccfg["data_dir"]) in named_volumes,
       f"compose: data_dir {ccfg['data_dir']} must be a named volume, mounts {mounts}")
expect(mounts.get("/etc/simpul/simpul.yaml") == "./simpul.yaml", "compose: simpul.yaml not mounted at /etc/simpul/simpul.yaml")
env = hub.get("environment", {})
for var in re.findall(r"\$\{env:(\w+)\}", open(os.path.join(src, "deploy/compose/simpul.yaml")).read()):
    expect(var in env, f"compose: config needs ${{env:{var}}} but the service does not set it")
expect(duration_s(hub.get("stop_grace_period", "10s")) > ccfg["shutdown"],
       "compose: stop_grace_period must exceed hub.shutdown_timeout")

prom = services.get("prometheus", {})
prom_mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in prom.get("volumes", [])}
pcfg = load("deploy/compose/prometheus.yml")
for rf in pcfg.get("rule_files", []):
    expect(rf in prom_mounts, f"compose: Prometheus rule file {rf} is not mounted")
    if rf in prom_mounts:
        expect(os.path.normpath(os.path.join(src, "deploy/compose", prom_mounts[rf]))
               == os.path.join(src, "deploy/prometheus/simpul-rules.yml"),
               f"compose: {rf} must be deploy/prometheus/simpul-rules.yml")
jobs = {j["job_name"]: j for j in pcfg.get("scrape_configs", [])}
expect("simpul" in jobs, "compose prometheus.yml: no job 'simpul' (the alerts select job=\"simpul\")")
if "simpul" in jobs:
    j = jobs["simpul"]
    expect(j.get("metrics_path", "/metrics") == "/metrics", "compose prometheus.yml: metrics_path must be /metrics")
    targets = [t for sc in j.get("static_configs", []) for t in sc.get("targets", [])]
    expect(f"simpul:{ccfg['admin']}" in targets, f"compose prometheus.yml: must scrape simpul:{ccfg['admin']}, has {targets}")

graf = services.get("grafana", {})
graf_mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in graf.get("volumes", [])}
expect(graf_mounts.get("/etc/grafana/provisioning") == "../grafana/provisioning",
       "compose: Grafana provisioning not mounted from deploy/grafana/provisioning")
dash_target = [t for t, s in graf_mounts.items() if s == "../grafana/simpul-dashboard.json"]
providers = load("deploy/grafana/provisioning/dashboards/simpul.yaml")["providers"]
paths = [p["options"]["path"] for p in providers]
expect(dash_target and os.path.dirname(dash_target[0]) in paths,
       f"compose: dashboard mounted at {dash_target}, provider reads {paths}")
dsf = load("deploy/grafana/provisioning/datasources/prometheus.yaml")["datasources"]
expect(any(d["type"] == "prometheus" and d["url"] == "http://prometheus:9090" for d in dsf),
       "Grafana data source must point at http://prometheus:9090")

# ------------------------------------------------------------------ Kubernetes
docs = []
for path in sorted(glob.glob(os.path.join(src, "deploy/k8s/*.yaml"))):
    with open(path) as f:
        for d in yaml.safe_load_all(f):
            if d and "kind" in d and d["kind"] != "Kustomization":
                docs.append((os.path.relpath(path, src), d))
by_kind = {}
for path, d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
for kind in ("Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "Service",
             "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule"):
    expect(kind in by_kind, f"k8s: no {kind}")
kust = load("deploy/k8s/kustomization.yaml")
listed = set(kust.get("resources", []))
for path in {p for p, _ in docs}:
    expect(os.path.basename(path) in listed, f"k8s: {path} not listed in kustomization.yaml")
ns = by_kind["Namespace"][0]["metadata"]["name"]
for path, d in docs:
    if d["kind"] != "Namespace":
        expect(d["metadata"].get("namespace") == ns, f"{path}: {d['kind']} not in namespace {ns}")

dep = by_kind["Deployment"][0]
pod = dep["spec"]["template"]["spec"]
pod_labels = dep["spec"]["template"]["metadata"]["labels"]
expect(dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), "k8s Deployment: selector does not match pod labels")
expect(dep["spec"].get("replicas") == 1 and dep["spec"].get("strategy", {}).get("type") == "Recreate",
       "k8s Deployment: the single-writer spool needs replicas: 1 and strategy Recreate")
c = pod["containers"][0]
cm_volumes = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
config_mount = [p for p, n in mounts.items() if "configMap" in cm_volumes.get(n, {})]
expect(config_mount == ["/etc/simpul"], f"k8s: the ConfigMap must be mounted at /etc/simpul, got {config_mount}")
cm_name = cm_volumes[mounts["/etc/simpul"]]["configMap"]["name"] if config_mount else None
cms = {m["metadata"]["name"]: m for m in by_kind["ConfigMap"]}
expect(cm_name in cms, f"k8s: mounted ConfigMap {cm_name} not defined")
args = c.get("args", [])
expect(args[:3] == ["run", "-c", "/etc/simpul/simpul.yaml"], f"k8s: container args {args}")
kcfg_text = cms[cm_name]["data"]["simpul.yaml"]
kcfg = config_facts(yaml.safe_load(kcfg_text), f"k8s ConfigMap {cm_name} simpul.yaml")
ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
expect(ports.get("admin") == kcfg["admin"], f"k8s: container port 'admin' {ports.get('admin')} != config admin port {kcfg['admin']}")
for name, port in kcfg["inputs"].items():
    expect(port in ports.values(), f"k8s: input {name} port {port} not a container port")


def probe_port(probe):
    p = probe.get("httpGet", {}).get("port")
    return ports.get(p) if isinstance(p, str) else p


for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
    pr = c.get(kind)
    if expect(pr, f"k8s: no {kind}"):
        expect(pr.get("httpGet", {}).get("path") == path, f"k8s: {kind} must GET {path}")
        expect(probe_port(pr) == kcfg["admin"], f"k8s: {kind} must hit the admin port {kcfg['admin']}")
if c.get("startupProbe"):
    expect(c["startupProbe"].get("httpGet", {}).get("path") == "/healthz", "k8s: startupProbe must GET /healthz")
res = c.get("resources", {})
for part in ("requests", "limits"):
    for r in ("cpu", "memory"):
        expect(r in res.get(part, {}), f"k8s: resources.{part}.{r} missing")
psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
run_as = csc.get("runAsUser", psc.get("runAsUser"))
expect((csc.get("runAsNonRoot") or psc.get("runAsNonRoot")) is True and run_as not in (None, 0),
       "k8s: must run as non-root with a numeric runAsUser")
expect(csc.get("readOnlyRootFilesystem") is True, "k8s: readOnlyRootFilesystem must be true")
expect(csc.get("allowPrivilegeEscalation") is False, "k8s: allowPrivilegeEscalation must be false")
expect("ALL" in csc.get("capabilities", {}).get("drop", []), "k8s: capabilities must drop ALL")
expect(pod.get("terminationGracePeriodSeconds", 30) > kcfg["shutdown"],
       "k8s: terminationGracePeriodSeconds must exceed hub.shutdown_timeout")
data_vol = cm_volumes.get(mounts.get(kcfg["data_dir"], ""), {})
pvcs = {p["metadata"]["name"]: p for p in by_kind["PersistentVolumeClaim"]}
claim = data_vol.get("persistentVolumeClaim", {}).get("claimName")
expect(claim in pvcs, f"k8s: data_dir {kcfg['data_dir']} must be mounted from a defined PVC (got {data_vol})")
if claim in pvcs:
    expect("ReadWriteOnce" in pvcs[claim]["spec"]["accessModes"], "k8s: data PVC should be ReadWriteOnce")
    expect(pvcs[claim]["spec"]["resources"]["requests"].get("storage"), "k8s: data PVC has no storage request")
secrets = {s["metadata"]["name"]: s for s in by_kind["Secret"]}
env = {e["name"]: e for e in c.get("env", [])}
for var in re.findall(r"\$\{env:(\w+)\}", kcfg_text):
    ref = env.get(var, {}).get("valueFrom", {}).get("secretKeyRef")
    if expect(ref, f"k8s: config needs ${{env:{var}}}; the container must take it from a Secret"):
        s = secrets.get(ref["name"], {})
        expect(ref["key"] in {**s.get("data", {}), **s.get("stringData", {})},
               f"k8s: Secret {ref['name']} has no key {ref['key']}")

svc = by_kind["Service"][0]
expect(svc["spec"]["selector"].items() <= pod_labels.items(), "k8s Service: selector does not match the pods")
svc_ports = {p["name"]: p for p in svc["spec"]["ports"]}
expect("admin" in svc_ports and svc_ports["admin"]["targetPort"] in ("admin", kcfg["admin"]),
       "k8s Service: needs port 'admin' targeting the admin port")
pdb = by_kind["PodDisruptionBudget"][0]
expect(pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), "k8s PDB: selector does not match the pods")
sm = by_kind["ServiceMonitor"][0]
expect(sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items(),
       "k8s ServiceMonitor: selector does not match the Service's labels")
expect(ns in sm["spec"].get("namespaceSelector", {}).get("matchNames", [ns]), "k8s ServiceMonitor: wrong namespace")
eps = sm["spec"].get("endpoints", [])
expect(any(e.get("port") == "admin" and e.get("path") == "/metrics" for e in eps),
       f"k8s ServiceMonitor: must scrape port admin path /metrics, got {eps}")
job = svc["metadata"]["labels"].get(sm["spec"].get("jobLabel", ""), svc["metadata"]["name"])
expect(job == "simpul", f"k8s ServiceMonitor: scraped job would be '{job}', the alerts expect job=\"simpul\"")
rule = by_kind["PrometheusRule"][0]
expect(rule["spec"] == {"groups": pn.rule_groups(src)},
       "k8s PrometheusRule differs from deploy/prometheus/simpul-rules.yml: run deploy/k8s/gen-prometheusrule.sh")

# --------------------------------------------- runtime packages vs the binary
checked_libs = 0
runtime_closure = None
if binary and os.path.exists(binary) and shutil.which("ldd") and shutil.which("dpkg"):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    base = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}  # in debian:12-slim
    libs = re.findall(r"=>\s+(/\S+)", out)

    def owners(paths):
        # one dpkg call for every path: "pkg[:arch]: /path" per line found
        found = {}
        res = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True)
        for line in res.stdout.splitlines():
            pkg, _, path = line.partition(": ")
            found[path.strip()] = pkg.split(":")[0].strip()
        return found

    by_real = owners(sorted({os.path.realpath(lib) for lib in libs})) if libs else {}
    missing = [lib for lib in libs if os.path.realpath(lib) not in by_real]
    by_link = owners(missing) if missing else {}
    for lib in libs:
        pkg = by_real.get(os.path.realpath(lib)) or by_link.get(lib)
        checked_libs += 1
        if pkg is None:
            failures.append(f"Dockerfile: {lib} (linked by simpul) belongs to no Debian package")
        elif pkg not in base and pkg not in runtime_pkgs:
            # A package the listed ones depend on is fine: apt pulls it in.
            # (The closure is computed once: it takes seconds per call.)
            if runtime_closure is None:
                runtime_closure = subprocess.run(
                    ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                     "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                     *sorted(runtime_pkgs)], capture_output=True, text=True).stdout
            if not re.search(rf"^\s*(Depends: )?{re.escape(pkg)}$", runtime_closure, re.M):
                failures.append(f"Dockerfile: simpul links {lib} from {pkg}, which the runtime stage does not install")
else:
    print("note: simpul binary not given or ldd/dpkg missing: runtime libraries not checked against the binary")

print(f"checked Dockerfile, compose ({len(services)} services), {len(docs)} Kubernetes objects, "
      f"{checked_libs} linked libraries")
if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("PASS")
