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


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    _cheap_transaction_rollback()
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
