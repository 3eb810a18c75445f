"""Helpers shared by the deploy tests: the metric catalogue from
docs/metrics.md, PromQL expressions from the rules and the dashboard, and
the metric names an expression reads."""
import json
import re
import sys

SKIP = 77


def need_yaml():
    try:
        import yaml  # noqa: F401
    except ImportError:
        print("SKIP: python3-yaml not installed (deploy/install-deps.sh installs it)")
        sys.exit(SKIP)
    import yaml
    return yaml


def catalogue(src):
    """Metric names in the table of docs/metrics.md."""
    names = set()
    with open(f"{src}/docs/metrics.md") as f:
        for line in f:
            m = re.match(r"\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|", line)
            if m:
                names.add(m.group(1))
    if not names:
        raise SystemExit("docs/metrics.md: no metric table found")
    return names


def rule_groups(src):
    yaml = need_yaml()
    with open(f"{src}/deploy/prometheus/simpul-rules.yml") as f:
        return yaml.safe_load(f)["groups"]


def recorded_names(groups):
    return {r["record"] for g in groups for r in g["rules"] if "record" in r}


def rule_exprs(groups):
    """(where, expr) for every rule."""
    for g in groups:
        for r in g["rules"]:
            name = r.get("record") or r.get("alert")
            yield f"rules {g['name']}/{name}", str(r["expr"])


def dashboard(src):
    with open(f"{src}/deploy/grafana/simpul-dashboard.json") as f:
        return json.load(f)


def all_panels(dash):
    for p in dash.get("panels", []):
        yield p
        for inner in p.get("panels", []):  # collapsed rows hold their panels
            yield inner


def dashboard_exprs(dash):
    """(where, expr) for every panel target and every query variable."""
    for p in all_panels(dash):
        for t in p.get("targets", []):
            if "expr" in t:
                yield f"panel '{p.get('title')}' ref {t.get('refId')}", t["expr"]
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query", "")
        m = re.fullmatch(r"\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*", q)
        if m:
            yield f"variable {v['name']}", m.group(1)
        elif re.fullmatch(r"\s*label_values\(\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*", q):
            continue  # label_values(label): no metric
        else:
            yield f"variable {v['name']}", q


def substitute_grafana(expr):
    """Grafana variables -> values promtool can parse."""
    expr = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
    expr = expr.replace("$__range", "1h")
    expr = re.sub(r"\$\{(\w+)(:\w+)?\}", ".*", expr)
    expr = re.sub(r"\$(\w+)", ".*", expr)
    return expr


KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "and", "or", "unless", "offset", "inf", "nan", "atan2",
}


def metric_names(expr):
    """Metric names an expression selects (not functions, labels, keywords)."""
    e = substitute_grafana(expr)
    e = re.sub(r'"(?:\\.|[^"\\])*"', '""', e)       # string literals
    e = re.sub(r"'(?:\\.|[^'\\])*'", "''", e)
    names = set()
    # {__name__="..."} selectors would hide a name; refuse them.
    if "__name__" in e:
        raise ValueError("selects by __name__; name the metric instead")
    e = re.sub(r"\{[^{}]*\}", " ", e)                 # label matchers
    e = re.sub(r"\[[^\[\]]*\]", " ", e)               # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", e)
    e = re.sub(r"\boffset\s+-?[0-9a-z]+", " ", e)
    e = re.sub(r"@\s*[0-9.]+", " ", e)
    for m in re.finditer(r"(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", e):
        word, call = m.group(1), m.group(2)
        if call or word in KEYWORDS:
            continue
        if re.fullmatch(r"[0-9.]+(e[+-]?[0-9]+)?", word):
            continue
        names.add(word)
    return names


def base_name(name):
    return re.sub(r"_(bucket|sum|count)$", "", name)
