"""A minimal Lambda Runtime API: starts a function binary with AWS_LAMBDA_RUNTIME_API
pointing here and reports the milliseconds from process start until the function asks for
its first event (GET /2018-06-01/runtime/invocation/next): the function's init time.
Median of 5 starts. usage: runtime_api.py BINARY"""
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def one_start(binary: str) -> float:
    ready = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith("/runtime/invocation/next"):
                ready.set()
                time.sleep(0.2)  # hold the request: no event is coming
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="footprint", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256",
               AWS_LAMBDA_FUNCTION_VERSION="1", AWS_LAMBDA_LOG_STREAM_NAME="x", AWS_LAMBDA_LOG_GROUP_NAME="x")
    started = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = ready.wait(10)
    elapsed = (time.perf_counter() - started) * 1000
    proc.kill()
    proc.wait()
    server.shutdown()
    return elapsed if ok else float("nan")


def main() -> None:
    times = [one_start(sys.argv[1]) for _ in range(5)]
    print(f"{statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
