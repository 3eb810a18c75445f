#!/usr/bin/env python3
"""A route switched from accept to forward leaves nothing behind.

In accept mode the hub answers 202 once a message is in its spool; the
national stand-in is down, so 20 messages stay there. The hub stops, the
route becomes `mode: forward`, the stand-in comes back, and the hub starts
again: the 20 acknowledged messages must still be delivered (from the old
spool), and a new message must be delivered before its 202.
Usage: forward_switch_test.py BINARY
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, StandIn, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, national, request, route, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
MESSAGES = 20


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-forward-switch-")
    standin = StandIn()
    standin.down = True
    api, admin = free_port(), free_port()

    def config(mode):
        return hub_config("forward-switch", tmp, admin, api_input(api) + national("national", standin.url),
                          route("r", "/in", "{connector: national, path: /x}", f"mode: {mode}",
                                "retry: {max_attempts: 100, initial_backoff: 50ms, max_backoff: 200ms}"))
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), config("accept"))
    log_path = os.path.join(tmp, "hub.log")
    hub = Hub(BINARY, cfg, admin, log_path)
    check = Checker()
    try:
        check("hub starts in accept mode", hub.start())
        answers = [request(api, "POST", "/in", json.dumps({"n": n}).encode())[0] for n in range(MESSAGES)]
        check("every message is accepted (202) while the service is down", answers == [202] * MESSAGES, answers)
        check("none delivered yet", not standin.delivered("/x"))
        check("hub stops with the messages still spooled", hub.stop() == 0)

        write_file(cfg, config("forward"))
        standin.down = False
        check("hub starts in forward mode", hub.start())

        def numbers():
            return {json.loads(b)["n"] for (_, _, b, _) in standin.delivered("/x")}
        check("the messages acknowledged in accept mode are delivered",
              wait_for(lambda: numbers() >= set(range(MESSAGES)), 20), sorted(numbers()))
        s, _, _ = request(api, "POST", "/in", b'{"n": 100}')
        check("a new message is delivered before its 202", s == 202 and 100 in numbers(), (s, sorted(numbers())))
        with open(log_path) as f:
            text = f.read()
        check("the start says what the old spool held", "still holds 20 message(s)" in text, text[-600:])
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
