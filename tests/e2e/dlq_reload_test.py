#!/usr/bin/env python3
"""End-to-end tests of the dead-letter queue CLI, input de-duplication and
config reload, against the real `simpul` binary on 127.0.0.1.

A national-service stand-in (a real HTTP server in this process) first fails
permanently, so messages land in the DLQ; `simpul dlq list/show` shows them,
filtered by route and reason; once the stand-in (or, for a schema failure,
the config) is fixed, `simpul dlq replay` delivers them; `purge` asks for
confirmation unless --yes. Then: the same Idempotency-Key (or body key) twice
is delivered once, also after a restart; a broken config is refused by
POST /admin/reload and SIGHUP while the old one keeps serving; a valid change
is applied while an unchanged route's in-flight deliveries finish exactly once.
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, ScriptedStandIn, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, http_outputs, metric, ready, request, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
TOKEN = "e2e-admin-token"


def config_text(tmp, api, admin, standin_port, extra_route="", checked_schema="schema.json",
                broken=False):
    u = f"http://127.0.0.1:{standin_port}"
    outs = http_outputs(u, ("national", "/national", "2s"), ("other_out", "/other", "2s"),
                        ("copy_out", "/copy", "2s"), ("dedup_out", "/dd", "2s"),
                        ("slow_out", "/slow", "10s"))
    return hub_config("dlq-e2e", tmp, admin, api_input(api) + outs, f"""
  lapor:
    from: {{connector: api, path: /lapor}}
    to: [national]
    retry: {{max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms}}
  other:
    from: {{connector: api, path: /other}}
    to: [other_out]
  checked:
    from: {{connector: api, path: /checked}}
    steps:
      - validate: {checked_schema}
    to: [copy_out]
  dedup_header:
    from: {{connector: api, path: /dedup, dedup: {{key: "header:Idempotency-Key", window: 1h}}}}
    to: [dedup_out]
  dedup_body:
    from: {{connector: api, path: /dedupb, dedup: {{key: nomor, window: 1h}}}}
    to: [dedup_out]
  kept:
    from: {{connector: api, path: /kept}}
    to: [slow_out]
{extra_route}{"    bogus_field: 1" if broken else ""}
""", admin_extra=', token: "${env:SIMPUL_ADMIN_TOKEN}"')


def cli(*args, stdin=None, env=None):
    r = subprocess.run([BINARY, "dlq", *args], input=stdin, capture_output=True, text=True,
                       timeout=60, env=env)
    return r.returncode, r.stdout, r.stderr


def post_status(port, path, body=b"{}"):
    try:
        return request(port, "POST", path, body, timeout=5)[0]
    except OSError:
        return None  # between the old listener closing and the new one opening


def admin_call(admin, method, path, body=b""):
    return request(admin, method, path, body, {"Authorization": "Bearer " + TOKEN})


def main():
    os.environ["SIMPUL_ADMIN_TOKEN"] = TOKEN  # the hub and `simpul dlq -c` read it
    tmp = tempfile.mkdtemp(prefix="simpul-dlq-e2e-")
    standin = ScriptedStandIn()
    api, admin = free_port(), free_port()
    with open(os.path.join(tmp, "schema.json"), "w") as f:
        json.dump({"type": "object", "required": ["nik"]}, f)
    with open(os.path.join(tmp, "relaxed.json"), "w") as f:
        json.dump({"type": "object"}, f)
    cfg = os.path.join(tmp, "simpul.yaml")

    def write_config(**kw):
        write_file(cfg, config_text(tmp, api, admin, standin.port, **kw))

    write_config()
    standin.script["/national"] = [(400, b'{"error":"kode wilayah tidak dikenal"}', 0)]
    standin.script["/other"] = [(422, b'{"error":"unprocessable"}', 0)]
    log_path = os.path.join(tmp, "hub.log")
    hub = Hub(BINARY, cfg, admin, log_path)
    check = Checker()

    def depth(route):
        return metric(admin, f'simpul_dlq_depth{{route="{route}"}}')

    hub.start(wait_ready=False)
    try:
        check("hub starts", wait_for(lambda: ready(admin), 15))

        # --- messages land in the DLQ
        ids = []
        for i in range(3):
            s, _, b = request(api, "POST", "/lapor", json.dumps({"no": i}).encode())
            ids.append(json.loads(b)["id"] if s == 202 else None)
        for i in range(2):
            request(api, "POST", "/other", json.dumps({"o": i}).encode())
        s, _, _ = request(api, "POST", "/checked", b'{"nama":"tanpa nik"}')
        check("schema failure answers 422", s == 422, s)
        check("permanent failures land in the DLQ",
              wait_for(lambda: depth("lapor") == 3 and depth("other") == 2 and depth("checked") == 1),
              (depth("lapor"), depth("other"), depth("checked")))

        code, out, err = cli("list", "-c", cfg)
        check("dlq list shows every entry", code == 0 and out.count("lapor") == 3
              and out.count("other") >= 2 and "6 in the DLQ" in out, (code, out, err))
        code, out, err = cli("list", "-c", cfg, "--route", "lapor", "--json")
        items = json.loads(out)["items"] if code == 0 else []
        check("dlq list --route filters", len(items) == 3 and all(i["route"] == "lapor" for i in items)
              and all(i["reason"] == "delivery.permanent" and i["last_status"] == 400 for i in items),
              (code, out, err))
        check("listing has no bodies", "body" not in out and '"no"' not in out, out)
        code, out, err = cli("list", "-c", cfg, "--reason", "validate.schema", "--json")
        schema_items = json.loads(out)["items"] if code == 0 else []
        check("dlq list --reason filters", len(schema_items) == 1
              and schema_items[0]["route"] == "checked", (code, out, err))
        env = dict(os.environ, SIMPUL_ADMIN_URL=f"http://127.0.0.1:{admin}", SIMPUL_ADMIN_TOKEN=TOKEN)
        code, out, err = cli("show", items[0]["id"] if items else "x", env=env)
        check("dlq show (address and token from env) has body, reason, last response",
              code == 0 and '"no":' in out and "kode wilayah" in out
              and "delivery.permanent" in out, (code, out, err))
        code, out, err = cli("list", "--admin", f"127.0.0.1:{admin}", "--token", "wrong")
        check("wrong token is refused", code == 1 and "401" in err, (code, err))

        # --- fix the stand-in, replay the route
        before = standin.count("/national")
        standin.script["/national"] = [(200, b'{"ok":true}', 0)]
        code, out, err = cli("replay", "-c", cfg, "--route", "lapor")
        check("dlq replay --route exits 0", code == 0 and "replayed 3" in out, (code, out, err))
        check("replayed messages are delivered",
              wait_for(lambda: standin.count("/national") == before + 3), standin.count("/national"))
        with standin.lock:
            keys = {r[1].get("Idempotency-Key") for r in standin.requests if r[0] == "/national"}
        check("replay keeps the original message ids", set(ids) <= keys, (ids, keys))
        check("DLQ depth metric drops after replay", wait_for(lambda: depth("lapor") == 0), depth("lapor"))

        # --- schema failure: fix the config (reload), then replay by id
        write_config(checked_schema="relaxed.json")
        s, _, b = admin_call(admin, "POST", "/admin/reload")
        rep = json.loads(b) if s == 200 else {}
        check("reload with a corrected schema is applied; only that route changed",
              s == 200 and rep.get("routes", {}).get("changed") == ["checked"]
              and "lapor" in rep["routes"]["unchanged"], (s, b))
        copies = standin.count("/copy")
        code, out, err = cli("replay", "-c", cfg, schema_items[0]["id"] if schema_items else "x")
        check("replay by id runs the route's current steps",
              code == 0 and wait_for(lambda: standin.count("/copy") == copies + 1), (code, out, err))

        # --- bad replay requests: a clear 400, never a crash
        s, _, b = admin_call(admin, "POST", "/admin/dlq/replay", b'{"ids": [')
        check("a malformed replay request is a 400 naming where it broke",
              s == 400 and b"admin.bad_request" in b and b"line 1, column 10" in b, (s, b))
        s, _, b = admin_call(admin, "POST", "/admin/dlq/replay", b"[" * 60000)  # under the admin body limit (64 KiB)
        check("a deeply nested replay request is a 400 and the hub stays up",
              s == 400 and b"nested deeper" in b and ready(admin), (s, b[:200]))

        # --- purge
        s, _, b = admin_call(admin, "DELETE", "/admin/dlq?route=other")
        check("purge without confirm is refused by the API", s == 400 and b"confirm" in b, (s, b))
        code, out, err = cli("purge", "-c", cfg, "--route", "other", stdin="n\n")
        check("purge asks and does nothing on 'n'", code == 1 and depth("other") == 2, (code, err))
        code, out, err = cli("list", "-c", cfg, "--route", "other", "--json")
        other_ids = [i["id"] for i in json.loads(out)["items"]] if code == 0 else []
        code, out, err = cli("purge", "-c", cfg, other_ids[0] if other_ids else "x", stdin="y\n")
        check("purge of one id after 'y'", code == 0 and "purged 1" in out
              and wait_for(lambda: depth("other") == 1), (code, out, err))
        code, out, err = cli("purge", "-c", cfg, "--route", "other", "--yes")
        check("purge --yes does not ask", code == 0 and "purged 1" in out and "[y/N]" not in err,
              (code, out, err))
        check("DLQ is empty and its metrics say so",
              wait_for(lambda: depth("other") == 0 and depth("checked") == 0)
              and metric(admin, 'simpul_dlq_oldest_age_seconds{route="other"}') == 0,
              (depth("other"), depth("checked")))

        # --- de-duplication
        s1, _, b1 = request(api, "POST", "/dedup", b'{"x":1}', {"Idempotency-Key": "k-1"})
        s2, _, b2 = request(api, "POST", "/dedup", b'{"x":1}', {"Idempotency-Key": "k-1"})
        check("same Idempotency-Key twice: both 202 with the original id",
              s1 == 202 and s2 == 202 and json.loads(b1)["id"] == json.loads(b2)["id"], (s1, b1, s2, b2))
        request(api, "POST", "/dedup", b'{"x":2}', {"Idempotency-Key": "k-2"})
        s, _, _ = request(api, "POST", "/dedupb", b'{"nomor":"A-7","v":1}')
        s2, _, _ = request(api, "POST", "/dedupb", b'{"nomor":"A-7","v":2}')
        check("body key (JSONata) deduplicates", s == 202 and s2 == 202, (s, s2))
        check("three distinct messages delivered, duplicates not",
              wait_for(lambda: standin.count("/dd") == 3) and (time.sleep(0.3) or standin.count("/dd") == 3),
              standin.count("/dd"))
        check("duplicates counted in a metric",
              metric(admin, 'simpul_messages_duplicate_total{route="dedup_header"}') == 1
              and metric(admin, 'simpul_messages_duplicate_total{route="dedup_body"}') == 1)

        # --- reload: a broken config is refused, the old one keeps serving
        write_config(broken=True)
        s, _, b = admin_call(admin, "POST", "/admin/reload")
        body = json.loads(b) if s == 422 else {}
        probs = body.get("problems", [])
        check("broken config: 422 with file:line:col problems",
              s == 422 and probs and probs[0]["line"] > 0 and probs[0]["file"].endswith("simpul.yaml")
              and "bogus_field" in probs[0]["text"], (s, b))
        s, _, _ = request(api, "POST", "/lapor", b'{"still":"served"}')
        check("old config keeps serving after a refused reload", s == 202, s)
        hub.proc.send_signal(signal.SIGHUP)
        check("SIGHUP with a broken config logs the problem with its position",
              wait_for(lambda: "bogus_field" in open(log_path).read()
                       and "reload refused" in open(log_path).read(), 5))
        s, _, _ = request(api, "POST", "/lapor", b'{"after":"sighup"}')
        check("still serving after the refused SIGHUP", s == 202, s)

        # --- reload: unchanged route keeps its in-flight work
        standin.script["/slow"] = [(200, b"{}", 1.5)]
        for i in range(4):
            request(api, "POST", "/kept", json.dumps({"k": i}).encode())
        wait_for(lambda: standin.count("/slow") >= 1, 5)
        extra = """  added:
    from: {connector: api, path: /added}
    to: [copy_out]
"""
        write_config(checked_schema="relaxed.json", extra_route=extra)
        hub.proc.send_signal(signal.SIGHUP)
        check("SIGHUP applies a valid config (new route answers)",
              wait_for(lambda: post_status(api, "/added") == 202, 10))
        check("unchanged route's in-flight and spooled messages are delivered once",
              wait_for(lambda: standin.count("/slow") == 4
                       and metric(admin, 'simpul_spool_depth{route="kept"}') == 0, 15)
              and (time.sleep(0.5) or standin.count("/slow") == 4), standin.count("/slow"))
        with open(log_path) as f:
            text = f.read()
        check("reload logged which routes changed", "1 added" in text and "routes unchanged" in text)

        # --- dedup keys survive a restart
        hub.proc.send_signal(signal.SIGTERM)
        check("hub stops", hub.proc.wait(timeout=20) == 0)
        hub.start(wait_ready=False)
        check("hub restarts", wait_for(lambda: ready(admin), 15))
        dd = standin.count("/dd")
        s3, _, b3 = request(api, "POST", "/dedup", b'{"x":1}', {"Idempotency-Key": "k-1"})
        time.sleep(0.3)
        check("Idempotency-Key remembered across a restart",
              s3 == 202 and json.loads(b3)["id"] == json.loads(b1)["id"] and standin.count("/dd") == dd,
              (s3, b3, standin.count("/dd")))
        hub.proc.send_signal(signal.SIGTERM)
        check("hub stops again", hub.proc.wait(timeout=20) == 0)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
