"""Local AWS for the project: moto serving DynamoDB and SQS on one port.

Stock `moto_server` handles requests on threads without a lock, so two conditional
writes on one key can both succeed. Real DynamoDB makes every conditional write and
every transaction atomic, so here every DynamoDB request runs under one lock.
SQS requests are left concurrent (a long poll must not block DynamoDB).

usage: moto_server.py HOST PORT
"""
import io
import json
import math
import sys
import threading

from werkzeug.serving import make_server
from moto.server import DomainDispatcherApplication, create_backend_app

_dynamodb_lock = threading.Lock()


def _cheap_transaction_rollback() -> None:
    """moto rolls a cancelled TransactWriteItems back by deep-copying every table it
    touches beforehand, so each transaction costs time proportional to the table size.
    Under the lock above nothing else runs during a transaction, so snapshotting just the
    items it names gives the same all-or-nothing result at a constant cost."""
    import copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    real_deepcopy = copy.deepcopy
    models.copy = types.SimpleNamespace(
        deepcopy=lambda obj, *a: obj if isinstance(obj, Table) else real_deepcopy(obj, *a)
    )
    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        snapshot = []
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            name = op.get("TableName")
            if name not in self.tables:
                continue
            table = self.tables[name]
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            before = self.get_item(name, key)
            snapshot.append((name, key, None if before is None else before.to_json()["Attributes"]))
        try:
            return original(self, transact_items)
        except Exception:
            for name, key, attrs in reversed(snapshot):
                if attrs is None:
                    if self.get_item(name, key) is not None:
                        self.delete_item(name, key)
                else:
                    self.put_item(name, attrs)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items


class Meter:
    """Counts DynamoDB requests and the capacity units AWS would bill for them (on-demand:
    items here are all under 1 KB; strongly consistent reads). moto's own ConsumedCapacity
    is a placeholder, so the bill is computed here from each request and response.
    GET /_meter reads the counts, POST /_meter resets them (benchmark use only)."""

    def __init__(self):
        self.counts = {}

    def record(self, op, request, response_bytes):
        reads = writes = 0.0
        consistent = 1.0 if request.get("ConsistentRead") else 0.5
        if op == "GetItem":
            reads = consistent
        elif op in ("PutItem", "UpdateItem", "DeleteItem"):
            writes = 1
        elif op == "TransactWriteItems":
            writes = 2 * len(request.get("TransactItems", []))
        elif op == "BatchGetItem":
            reads = sum(len(k.get("Keys", [])) * (1.0 if k.get("ConsistentRead") else 0.5)
                        for k in request.get("RequestItems", {}).values())
        elif op == "BatchWriteItem":
            writes = sum(len(v) for v in request.get("RequestItems", {}).values())
        elif op in ("Query", "Scan"):
            reads = max(1, math.ceil(response_bytes / 4096)) * consistent
        c = self.counts.setdefault(op, {"requests": 0, "readUnits": 0.0, "writeUnits": 0.0})
        c["requests"] += 1
        c["readUnits"] += reads
        c["writeUnits"] += writes


_meter = Meter()


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    _cheap_transaction_rollback()
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/_meter":
            with _dynamodb_lock:
                if environ.get("REQUEST_METHOD") == "POST":
                    _meter.counts = {}
                body = json.dumps(_meter.counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)
            with _dynamodb_lock:
                # Drain the body inside the lock: the whole request is one atomic step.
                chunks = list(moto_app(environ, start_response))
                try:
                    request = json.loads(raw or b"{}")
                except ValueError:
                    request = {}
                _meter.record(target.split(".")[-1], request, sum(len(c) for c in chunks))
                return chunks
        return moto_app(environ, start_response)

    server = make_server(host, port, app, threaded=True)
    print(f"moto listening on http://{host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
