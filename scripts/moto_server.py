"""Local AWS for the project: moto serving DynamoDB and SQS on one port.

Stock `moto_server` handles requests on threads without a lock, so two conditional
writes on one key can both succeed. Real DynamoDB makes every conditional write and
every transaction atomic, so here every DynamoDB request runs under one lock.
SQS requests are left concurrent (a long poll must not block DynamoDB).

usage: moto_server.py HOST PORT
"""
import sys
import threading

from werkzeug.serving import make_server
from moto.server import DomainDispatcherApplication, create_backend_app

_dynamodb_lock = threading.Lock()


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
            with _dynamodb_lock:
                # Drain the body inside the lock: the whole request is one atomic step.
                return list(moto_app(environ, start_response))
        return moto_app(environ, start_response)

    server = make_server(host, port, app, threaded=True)
    print(f"moto listening on http://{host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
