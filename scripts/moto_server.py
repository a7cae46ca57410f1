"""Local AWS for the project: moto serving DynamoDB and SQS on one port.

Stock `moto_server` handles requests on threads without a lock, so two conditional
writes on one key can both succeed. Real DynamoDB makes every conditional write and
every transaction atomic, so here every DynamoDB request runs under one lock.
SQS requests are left concurrent (a long poll must not block DynamoDB).

DynamoDB on AWS also fails in ways moto never does: it throttles, it rejects a write
to an item that a transaction holds (TransactionConflictException), it cancels a
transaction that meets another request on one of its items (TransactionCanceledException,
reason TransactionConflict), and it sometimes applies a write and then answers HTTP 500
or drops the connection, so the client's retry meets its own write. Code tested only
against moto has never seen any of this. The FaultInjector below produces these
failures, in DynamoDB's own wire shapes, at chosen rates from a seeded random
generator, so a run can be repeated. It is off unless asked for:

    LOCAL_AWS_FAULTS="conflict=0.05,throttle=0.05,after_commit=0.02,seed=7"
        conflict      chance that a TransactWriteItems is cancelled (TransactionConflict)
                      and that a single-item write to an item a transaction wrote within
                      the last window_ms is rejected (TransactionConflictException)
        throttle      chance that any DynamoDB request is throttled, nothing applied
        after_commit  chance that an applied write (PutItem, UpdateItem, DeleteItem,
                      TransactWriteItems, BatchWriteItem) answers as if it failed
        drop          share of after_commit faults that drop the connection instead of
                      answering HTTP 500 (default 0.5)
        window_ms     the conflict window (default 200)
        seed          the random generator's seed (default 0)
    GET /_faults      {"config": {...}, "injected": {fault: count}}
    POST /_faults     a JSON object (or the string form above) with the same keys
                      replaces the config, reseeds and zeroes the counts; {} turns off
    scripts/local-aws.sh passes LOCAL_AWS_FAULTS on once the tables exist (POST), so
    provisioning never meets a fault.
    POST /_faults/rules {"op": "TransactWriteItems", "match": "CONCERT#c1",
                      "fault": "after_commit" | "after_commit_drop" | "conflict" | "throttle",
                      "times": 1}
                      a targeted fault, beside the random ones: the next `times` requests
                      of `op` whose body contains `match` meet `fault` for certain (an
                      after-commit rule also loses the answer of a ClientRequestToken
                      replay, so a test can make every SDK attempt end unknown). Tests
                      use it to put one named failure exactly where they want it without
                      reaching other tests' requests. GET /_faults/rules lists the rules
                      with the `times` each has left.

Independently of the faults, ClientRequestToken on TransactWriteItems is honoured as on
AWS (moto ignores it): a repeat within 10 minutes answers the first success without
applying again, and the same token with other parameters is an
IdempotentParameterMismatchException. Without this, a fault injector would make a
retried transaction apply twice, a failure AWS never produces.

usage: moto_server.py HOST PORT
"""
import hashlib
import http
import io
import json
import math
import os
import random
import signal
import socket
import sys
import threading
import time
import uuid
import zlib

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
    GET /_meter reads the counts, POST /_meter resets them (benchmark use only).
    It also counts the writes each item took (`GET /_meter/items`: the total and the five
    hottest items), because DynamoDB takes about 1,000 writes a second on one item: the
    hottest item's share of a workload's writes bounds how fast that workload can go."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.counts = {}
        self.item_writes = {}

    def items(self):
        hottest = sorted(self.item_writes.items(), key=lambda kv: -kv[1])[:5]
        return {"writes": sum(self.item_writes.values()),
                "hottest": [{"table": k[0], "key": json.loads(k[1]), "writes": n} for k, n in hottest]}

    def _written(self, op, request):
        """The items a write request writes (each once per request)."""
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            keys = [_item_key(request.get("TableName"), key=request.get("Key"), item=request.get("Item"))]
        elif op == "TransactWriteItems":
            keys = [_item_key(e["ConditionCheck"].get("TableName"), key=e["ConditionCheck"].get("Key"))
                    for e in request.get("TransactItems") or [] if isinstance(e, dict) and "ConditionCheck" in e]
            keys = [k for k in _transaction_keys(request) if k not in keys]
        elif op == "BatchWriteItem":
            keys = []
            for table, writes in (request.get("RequestItems") or {}).items():
                for w in writes:
                    put, delete = w.get("PutRequest"), w.get("DeleteRequest")
                    keys.append(_item_key(table, item=put.get("Item")) if put else
                                _item_key(table, key=(delete or {}).get("Key")))
        else:
            keys = []
        return [k for k in keys if k is not None]

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
        for key in self._written(op, request):
            self.item_writes[key] = self.item_writes.get(key, 0) + 1


_meter = Meter()


ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
SINGLE_ITEM_WRITES = ("PutItem", "UpdateItem", "DeleteItem")
WRITES = SINGLE_ITEM_WRITES + ("TransactWriteItems", "BatchWriteItem")
TOKEN_LIFETIME_S = 600  # DynamoDB keeps a ClientRequestToken for 10 minutes
DROP = "drop"  # FaultInjector.after's answer: close the connection, answer nothing

CONFLICT_MESSAGE = "Transaction is ongoing for the item"
THROTTLES = (
    ("ProvisionedThroughputExceededException",
     "The level of configured provisioned throughput for the table was exceeded. "
     "Consider increasing your provisioning level with the UpdateTable API."),
    ("ThrottlingException",
     "Throughput exceeds the current capacity of your table or index. DynamoDB is "
     "automatically scaling your table or index so please try again shortly. If "
     "exceptions persist, check if you have a hot key: "
     "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"),
)


def parse_fault_config(spec):
    """The fault config from LOCAL_AWS_FAULTS's "key=value,..." form or a JSON object.
    Empty means off ({}). Raises ValueError on anything it cannot read: a typo must not
    quietly run the tests without the faults they were meant to meet."""
    if isinstance(spec, str):
        pairs = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault config: {part!r} is not key=value")
            pairs[key.strip()] = value.strip()
        spec = pairs
    if not isinstance(spec, dict):
        raise ValueError("fault config: expected an object of key: value")
    if not spec:
        return {}
    config = {"conflict": 0.0, "throttle": 0.0, "after_commit": 0.0, "drop": 0.5,
              "window_ms": 200.0, "seed": 0}
    for key, value in spec.items():
        if key not in config:
            raise ValueError(f"fault config: unknown key {key!r} (known: {', '.join(config)})")
        if isinstance(value, bool):
            raise ValueError(f"fault config: {key} must be a number")
        try:
            number = float(value)
            if key == "seed":
                if not number.is_integer():
                    raise ValueError
                number = int(number)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"fault config: {key}={value!r} is not a number") from None
        if key in ("conflict", "throttle", "after_commit", "drop") and not 0.0 <= number <= 1.0:
            raise ValueError(f"fault config: {key} must be between 0 and 1")
        if key == "window_ms" and not number >= 0:
            raise ValueError("fault config: window_ms must be 0 or more")
        config[key] = number
    return config


def _error(status, name, message, message_key="message", **fields):
    body = {"__type": ERROR_PREFIX + name, message_key: message, **fields}
    return status, json.dumps(body).encode()


def _table_key_attributes(table_name):
    """The key attribute names of a table, from moto's own state (None if unknown)."""
    from moto.dynamodb.models import dynamodb_backends

    name = table_name.rsplit(":table/", 1)[-1] if table_name.startswith("arn:") else table_name
    for account in dynamodb_backends.values():
        for backend in account.values():
            table = backend.tables.get(name)
            if table is not None:
                return [a for a in (table.hash_key_attr, table.range_key_attr) if a]
    return None


def _item_key(table_name, key=None, item=None):
    """(table, canonical key) of the item a write names; PutItem names it by its Item."""
    if not isinstance(table_name, str):
        return None
    if key is None:
        attrs = _table_key_attributes(table_name)
        if not attrs or not isinstance(item, dict) or any(a not in item for a in attrs):
            return None
        key = {a: item[a] for a in attrs}
    return table_name, json.dumps(key, sort_keys=True)


def _transaction_keys(request):
    keys = []
    for entry in request.get("TransactItems") or []:
        if not isinstance(entry, dict) or not entry:
            continue
        op_type, op = next(iter(entry.items()))
        if not isinstance(op, dict):
            continue
        if op_type == "Put":
            keys.append(_item_key(op.get("TableName"), item=op.get("Item")))
        else:
            keys.append(_item_key(op.get("TableName"), key=op.get("Key")))
    return [k for k in keys if k is not None]


class FaultInjector:
    """Decides, for each DynamoDB request, whether it meets a fault; keeps the state that
    real DynamoDB would have (items recently in a transaction, client request tokens).
    Every method is called under _dynamodb_lock, so one seeded generator gives one
    reproducible sequence for one sequence of requests.

    before() runs ahead of moto and may answer instead of it (nothing applied); after()
    runs once moto has applied the request and may replace moto's answer by a 500 or
    DROP. Both answer (status, body bytes) or None (let moto's answer through)."""

    COUNTS = ("conflict_single", "conflict_transaction", "throttle", "after_commit_500",
              "after_commit_drop", "idempotent_replay", "idempotent_mismatch")

    RULE_FAULTS = ("after_commit", "after_commit_drop", "conflict", "throttle")

    def __init__(self, config):
        self.rules = []  # targeted faults, see add_rule
        self.recent = {}  # (table, key) -> monotonic time a transaction wrote it, oldest first
        self.tokens = {}  # ClientRequestToken -> (request hash, response body, monotonic time)
        self.configure(config)

    def configure(self, config):
        self.config = config
        self.rng = random.Random(config.get("seed", 0))
        self.injected = dict.fromkeys(self.COUNTS, 0)

    def state(self):
        return {"config": self.config, "injected": self.injected}

    def add_rule(self, spec):
        """A targeted fault: {"op", "match", "fault", "times"}. Raises ValueError."""
        if not isinstance(spec, dict):
            raise ValueError("rule: expected an object")
        op, match, fault, times = (spec.get(k) for k in ("op", "match", "fault", "times"))
        if not isinstance(op, str) or not isinstance(match, str) or not match:
            raise ValueError("rule: op and a non-empty match are required strings")
        if fault not in self.RULE_FAULTS:
            raise ValueError(f"rule: fault must be one of {', '.join(self.RULE_FAULTS)}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("rule: times must be a positive integer")
        rule = {"id": len(self.rules) + 1, "op": op, "match": match, "fault": fault, "times": times}
        self.rules.append(rule)
        return rule

    def _take_rule(self, op, raw, faults):
        """The fault of the first live rule for this request, spending one of its times."""
        for rule in self.rules:
            if rule["times"] > 0 and rule["op"] == op and rule["fault"] in faults and rule["match"] in raw:
                rule["times"] -= 1
                return rule["fault"]
        return None

    def summary(self):
        counts = ", ".join(f"{k}={v}" for k, v in self.injected.items())
        return f"local AWS faults: config={json.dumps(self.config)} injected: {counts}"

    def _chance(self, name):
        p = self.config.get(name, 0.0)
        return p > 0 and self.rng.random() < p

    def _window_s(self):
        return self.config.get("window_ms", 200.0) / 1000.0

    def _prune(self, now):
        horizon = now - self._window_s()
        while self.recent:
            key, at = next(iter(self.recent.items()))
            if at > horizon:
                break
            del self.recent[key]
        while self.tokens:
            token, (_, _, at) = next(iter(self.tokens.items()))
            if at > now - TOKEN_LIFETIME_S:
                break
            del self.tokens[token]

    @staticmethod
    def _request_hash(request):
        rest = {k: v for k, v in request.items() if k != "ClientRequestToken"}
        return hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()

    def before(self, op, request, raw=""):
        now = time.monotonic()
        self._prune(now)
        # A throttled request is turned away at the door, replay or not.
        if self._chance("throttle"):
            self.injected["throttle"] += 1
            name, message = THROTTLES[self.rng.random() < 0.5]
            return _error(400, name, message)
        if op == "TransactWriteItems":
            token = request.get("ClientRequestToken")
            if isinstance(token, str) and token in self.tokens:
                digest, body, _ = self.tokens[token]
                if digest != self._request_hash(request):
                    self.injected["idempotent_mismatch"] += 1
                    return _error(400, "IdempotentParameterMismatchException",
                                  "Request parameters do not match the parameters of the "
                                  "original request with this ClientRequestToken",
                                  message_key="Message")
                # The first attempt was applied: answer as it did, apply nothing, and
                # meet no conflict (this request touches no item). A targeted rule can
                # lose this answer too, as a network can.
                self.injected["idempotent_replay"] += 1
                return self._lose_answer(self._take_rule(op, raw, ("after_commit", "after_commit_drop"))) or (200, body)
        targeted = self._take_rule(op, raw, ("conflict", "throttle"))
        if targeted == "throttle":
            self.injected["throttle"] += 1
            name, message = THROTTLES[0]
            return _error(400, name, message)
        if op == "TransactWriteItems":
            items = request.get("TransactItems") or []
            if items and (targeted == "conflict" or self._chance("conflict")):
                self.injected["conflict_transaction"] += 1
                culprit = self.rng.randrange(len(items))
                reasons = [{"Code": "None"} for _ in items]
                reasons[culprit] = {"Code": "TransactionConflict", "Message": CONFLICT_MESSAGE}
                message = ("Transaction cancelled, please refer cancellation reasons for "
                           "specific reasons [" + ", ".join(r["Code"] for r in reasons) + "]")
                return _error(400, "TransactionCanceledException", message,
                              message_key="Message", CancellationReasons=reasons)
        elif op in SINGLE_ITEM_WRITES:
            key = _item_key(request.get("TableName"), key=request.get("Key"), item=request.get("Item"))
            if targeted == "conflict" or (key in self.recent and self._chance("conflict")):
                self.injected["conflict_single"] += 1
                return _error(400, "TransactionConflictException", CONFLICT_MESSAGE)
        return None

    def _lose_answer(self, targeted):
        """The answer of an applied request, lost as `targeted` says (None: kept)."""
        if targeted == "after_commit_drop":
            self.injected["after_commit_drop"] += 1
            return DROP
        if targeted == "after_commit":
            self.injected["after_commit_500"] += 1
            return _error(500, "InternalServerError", "Internal server error")
        return None

    def after(self, op, request, status, body, raw=""):
        if status != 200:
            return None
        if op == "TransactWriteItems":
            now = time.monotonic()
            for key in _transaction_keys(request):
                self.recent.pop(key, None)
                self.recent[key] = now
            token = request.get("ClientRequestToken")
            if isinstance(token, str) and token:
                self.tokens[token] = (self._request_hash(request), body, now)
        lost = self._lose_answer(self._take_rule(op, raw, ("after_commit", "after_commit_drop")))
        if lost:
            return lost
        if op in WRITES and self._chance("after_commit"):
            if self._chance("drop"):
                self.injected["after_commit_drop"] += 1
                return DROP
            self.injected["after_commit_500"] += 1
            return _error(500, "InternalServerError", "Internal server error")
        return None


def _answer(start_response, status, body):
    """A response in DynamoDB's JSON-protocol shape (the headers AWS sends)."""
    start_response(f"{status} {http.HTTPStatus(status).phrase}", [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("x-amzn-RequestId", uuid.uuid4().hex.upper()),
        ("x-amz-crc32", str(zlib.crc32(body))),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def _drop_connection(environ):
    """Close the client's connection without answering. The ConnectionError raised here
    is one werkzeug treats as a client gone away: it ends this request's thread quietly
    and the server goes on."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("fault injector: connection dropped after commit")


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        faults = FaultInjector(parse_fault_config(os.environ.get("LOCAL_AWS_FAULTS", "")))
    except ValueError as e:
        sys.exit(f"LOCAL_AWS_FAULTS: {e}")
    _cheap_transaction_rollback()
    moto_app = DomainDispatcherApplication(create_backend_app)

    def control(environ, start_response):
        """GET/POST /_faults and /_faults/rules."""
        status, state = "200 OK", None
        with _dynamodb_lock:
            if environ.get("PATH_INFO") == "/_faults/rules":
                if environ.get("REQUEST_METHOD") == "POST":
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    try:
                        state = faults.add_rule(json.loads(environ["wsgi.input"].read(length) or b"null"))
                    except ValueError as e:
                        status, state = "400 Bad Request", {"error": str(e)}
                else:
                    state = {"rules": faults.rules}
            elif environ.get("REQUEST_METHOD") == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                raw = environ["wsgi.input"].read(length) if length else b""
                try:
                    text = raw.decode()
                    spec = json.loads(text) if text.strip().startswith("{") else text
                    faults.configure(parse_fault_config(spec))
                    print(faults.summary(), flush=True)
                except ValueError as e:
                    status, state = "400 Bad Request", {"error": str(e)}
            body = json.dumps(state or faults.state()).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def app(environ, start_response):
        if environ.get("PATH_INFO") in ("/_meter", "/_meter/items"):
            with _dynamodb_lock:
                if environ.get("REQUEST_METHOD") == "POST":
                    _meter.reset()
                body = json.dumps(_meter.items() if environ["PATH_INFO"] == "/_meter/items"
                                  else _meter.counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("PATH_INFO") in ("/_faults", "/_faults/rules"):
            return control(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith("DynamoDB"):
            return moto_app(environ, start_response)
        op = target.split(".")[-1]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            request = {}
        if not isinstance(request, dict):
            request = {}
        moto_status, written = [], []

        def capture(status, headers, exc_info=None):
            moto_status[:] = [status, headers]
            return written.append

        with _dynamodb_lock:
            # The whole request, faults included, is one atomic step.
            text = raw.decode("utf-8", "replace")
            fault = faults.before(op, request, text)
            if fault is None:
                chunks = list(moto_app(environ, capture))
                chunks = written + chunks  # anything moto sent through write()
                body = b"".join(chunks)
                if moto_status[0].startswith("5"):
                    # moto's own failure (not an injected one): say which request, for the log.
                    print(f"moto answered {moto_status[0]} to {op}: {body[:300]!r} for {text[:300]!r}", flush=True)
                _meter.record(op, request, len(body))
                fault = faults.after(op, request, int(moto_status[0].split()[0]), body, text)
        if fault is DROP:
            _drop_connection(environ)
        if fault is not None:
            return _answer(start_response, *fault)
        start_response(*moto_status)
        return chunks

    def stop(signum, _frame):
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    server = make_server(host, port, app, threaded=True)
    print(f"moto listening on http://{host}:{port}", flush=True)
    if faults.config:
        print(faults.summary(), flush=True)
    try:
        server.serve_forever()
    finally:
        print(faults.summary(), flush=True)


if __name__ == "__main__":
    main()
