"""A stand-in for a llama.cpp server used by the lifecycle tests: answers ``/v1/models``.

Run as ``python stand_in_server.py PORT ALIAS [--fail]`` (``--fail`` exits at once with an error),
or with llama-server's own arguments (``--port N --alias NAME ...``), when it writes them to the
file named by ``STAND_IN_ARGV`` so a test can read how it was launched.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def main() -> None:
    if sys.argv[1].startswith("--"):
        named = {flag: value for flag, value in zip(sys.argv[1:], sys.argv[2:]) if flag.startswith("--")}
        port, alias = int(named["--port"]), named["--alias"]
        if os.environ.get("STAND_IN_ARGV"):
            with open(os.environ["STAND_IN_ARGV"], "w") as handle:
                json.dump(sys.argv[1:], handle)
    else:
        port, alias = int(sys.argv[1]), sys.argv[2]
    if "--fail" in sys.argv:
        print("error: failed to load model: bad magic", file=sys.stderr)
        sys.exit(3)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": alias, "object": "model"}]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
