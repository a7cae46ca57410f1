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
        index_lag_ms  how late a Query or Scan of a global secondary index sees writes
                      (default 0: at once); see "Index lag" below
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

DynamoDB's limits are enforced, always (AWS always enforces them; there is no switch).
Every request is measured against DynamoDB's documented constraints (see CONSTRAINTS below,
each limit cited where it is defined) before moto sees it; one over a limit is answered as
AWS answers it, HTTP 400 {"__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
"message": "..."} with AWS's message, and nothing is applied (no fault is injected either):
    - each expression (KeyCondition, Condition, Update, Projection, Filter; in a request, a
      TransactWriteItems or TransactGetItems action, a BatchGetItem table) at most 4096
      bytes; at most 300 operators and functions in one; at most 100 operands for an IN
    - ExpressionAttributeNames/Values: each placeholder (#name, :value) at most 255 bytes;
      placeholders, names and values together at most 2 MB
    - an item at most 400 KB by AWS's sizing rules (PutItem, BatchWriteItem, a transaction's
      Put); an update whose resulting item passes 400 KB is undone and refused (inside a
      TransactWriteItems: cancelled with a ValidationError reason, as on AWS). moto's own,
      different item size check is off.
    - a partition key value at most 2048 bytes, a sort key value at most 1024, wherever a
      key is named (reads included); an attribute name at most 65535 bytes; a key attribute
      name (CreateTable, UpdateTable, the table's and its indexes') at most 255 bytes
    - TransactWriteItems: at most 100 actions, at most 4 MB of data, no item twice
    - BatchWriteItem: at most 25 requests; BatchGetItem: at most 100 keys (past 16 MB of
      items, moto answers the rest in UnprocessedKeys, as AWS does)
moto's expression parser needs deep recursion for long expressions that AWS accepts, so
the server raises Python's recursion limit and thread stack size.

Index lag: AWS's global secondary indexes are eventually consistent; with index_lag_ms
set, the local ones are too, by a simple and exact model: every write reaches a table's
GSIs exactly index_lag_ms after it was applied. The server logs, for tables with a GSI,
each written item's image before the write, with the time; a Query or Scan with an
IndexName of a GSI is answered from the table as it was index_lag_ms ago (each item written
since then rewound, for that one request and under the lock, to its image before the first
of those writes: absent if it did not exist, with its old index keys if they changed).
Reads of the table itself (GetItem, Query and Scan without a GSI, BatchGetItem,
transactions, conditions) always see the latest writes. Off (0) unless set, with the
faults (LOCAL_AWS_FAULTS="index_lag_ms=1000" alone turns on the lag and no fault; scripts/
local-aws.sh passes it on after provisioning like the rest) or by POST /_faults.

usage: moto_server.py HOST PORT
"""
import base64
import collections
import contextlib
import hashlib
import http
import io
import json
import math
import os
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
import zlib
from decimal import Decimal, InvalidOperation

from werkzeug.serving import make_server
from moto.server import DomainDispatcherApplication, create_backend_app

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_iam import Policies  # noqa: E402

_dynamodb_lock = threading.Lock()


_in_transaction = False  # True while moto applies a TransactWriteItems (under the lock)


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
        global _in_transaction
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
        _in_transaction = True
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
        finally:
            _in_transaction = False

    models.DynamoDBBackend.transact_write_items = transact_write_items


class ValidationError(Exception):
    """An update that grew its item past 400 KB inside a TransactWriteItems. moto names a
    cancellation reason after the exception's class: this one's reads as AWS's
    `ValidationError` reason, with the exception's text as its Message."""


def _item_size_is_the_wrappers() -> None:
    """The 400 KB item limit is judged here, by AWS's sizing rules, not by moto's.

    moto checks item size in its own way (numbers counted as text, a limit of 405,000), so
    it refuses items AWS stores and accepts some AWS refuses; worse, an UpdateItem that
    grows an item past its limit is refused half-way, with the actions before the failing
    one already applied. Here moto's check is turned off, items that are put are measured
    before moto sees them (check_limits), and an update is measured once moto has applied
    it: if the item it leaves is over 400 KB, the item is put back as it was and the update
    is refused (UpdateItem: ValidationException "Item size to update has exceeded the
    maximum allowed size"; inside a TransactWriteItems: the transaction is cancelled with a
    `ValidationError` reason of that message, as AWS's API reference lists it), so nothing
    is applied."""
    from moto.dynamodb import models
    from moto.dynamodb.exceptions import ItemSizeToUpdateTooLarge
    from moto.dynamodb.models import dynamo_type

    dynamo_type.LimitedSizeDict.__setitem__ = dict.__setitem__
    original = models.DynamoDBBackend.update_item

    def update_item(self, table_name, key, *args, **kwargs):
        before = self.get_item(table_name, key)
        before = None if before is None else before.to_json()["Attributes"]
        item = original(self, table_name, key, *args, **kwargs)
        if item is not None and _item_size(item.to_json()["Attributes"]) > MAX_ITEM_BYTES:
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before)
            if _in_transaction:
                raise ValidationError(ITEM_TO_UPDATE_TOO_LARGE)
            raise ItemSizeToUpdateTooLarge()
        return item

    models.DynamoDBBackend.update_item = update_item


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
        for key in _written_keys(op, request):
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
              "window_ms": 200.0, "seed": 0, "index_lag_ms": 0.0}
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
        if key in ("window_ms", "index_lag_ms") and not number >= 0:
            raise ValueError(f"fault config: {key} must be 0 or more")
        config[key] = number
    return config


def _error(status, name, message, message_key="message", **fields):
    body = {"__type": ERROR_PREFIX + name, message_key: message, **fields}
    return status, json.dumps(body).encode()


def _find_table(table_name):
    """(backend, moto Table) of a table named by its name or ARN, or (None, None)."""
    from moto.dynamodb.models import dynamodb_backends

    if not isinstance(table_name, str):
        return None, None
    name = table_name.rsplit(":table/", 1)[-1] if table_name.startswith("arn:") else table_name
    for account in dynamodb_backends.values():
        for backend in account.values():
            table = backend.tables.get(name)
            if table is not None:
                return backend, table
    return None, None


def _table_key_attributes(table_name):
    """The key attribute names of a table, from moto's own state (None if unknown)."""
    _, table = _find_table(table_name)
    if table is None:
        return None
    return [a for a in (table.hash_key_attr, table.range_key_attr) if a]


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


def _written_keys(op, request):
    """The items a write request writes, each once per request, as (table, canonical key);
    a ConditionCheck writes nothing."""
    if op in ("PutItem", "UpdateItem", "DeleteItem"):
        keys = [_item_key(request.get("TableName"), key=request.get("Key"), item=request.get("Item"))]
    elif op == "TransactWriteItems":
        checked = [_item_key(e["ConditionCheck"].get("TableName"), key=e["ConditionCheck"].get("Key"))
                   for e in request.get("TransactItems") or [] if isinstance(e, dict) and "ConditionCheck" in e]
        keys = [k for k in _transaction_keys(request) if k not in checked]
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


# --- DynamoDB's limits ---------------------------------------------------------------------
# AWS refuses a request over any of these as a whole: HTTP 400, ValidationException, nothing
# applied. moto (5.2.5) checks few of them, so check_limits() checks every DynamoDB request
# against them before moto sees it. Always on: AWS always enforces them. Each limit is cited
# from DynamoDB's documented constraints:
CONSTRAINTS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html"
API_REFERENCE = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/"
# The messages are AWS's own where a real AWS answer was found (cited), otherwise the text
# of Amazon's DynamoDB Local or of AWS's validation-error format (said so below).

# CONSTRAINTS#limits-expression-parameters: "The maximum length of any expression string is
# 4 KB" (bytes as sent, placeholders not substituted). AWS answers e.g. "Invalid
# ConditionExpression: Expression size has exceeded the maximum allowed size; expression
# size: 200004" (seen from AWS by ScyllaDB's test/alternator/test_limits.py; also
# pynamodb/PynamoDB#979).
MAX_EXPRESSION_BYTES = 4096
EXPRESSION_TOO_LONG = "Invalid {param}: Expression size has exceeded the maximum allowed size; expression size: {size}"
EXPRESSIONS = ("KeyConditionExpression", "ConditionExpression", "UpdateExpression",
               "ProjectionExpression", "FilterExpression")

# CONSTRAINTS#limits-expression-parameters: "The maximum length of any single expression
# attribute name or expression attribute value is 255 bytes. For example, #name is 5
# bytes; :val is 4 bytes." (the placeholder, not what it stands for). Message: DynamoDB
# Local's ("...a key that is too long; size of key: 256").
MAX_PLACEHOLDER_BYTES = 255
PLACEHOLDER_TOO_LONG = ("{map} contains invalid key: The expression attribute map contains a key "
                        "that is too long; size of key: {size}")

# CONSTRAINTS#limits-expression-parameters: "The maximum length of all substitution
# variables in an expression is 2 MB. This is the sum of the lengths of all
# ExpressionAttributeNames and ExpressionAttributeValues." Counted here as the UTF-8 bytes
# of every placeholder and name plus the item-size bytes of every value, per request (per
# action in a transaction). Messages: DynamoDB Local's.
MAX_SUBSTITUTION_BYTES = 2 * 1024 * 1024
NAMES_TOO_LARGE = "ExpressionAttributeNames exceeds max size"
VALUES_TOO_LARGE = "ExpressionAttributeValues exceeds max size"
SUBSTITUTIONS_TOO_LARGE = "Combined size of ExpressionAttributeNames and ExpressionAttributeValues exceeds max size"

# CONSTRAINTS#limits-expression-parameters, "Operators and operands": "The maximum number
# of operators or functions allowed in an UpdateExpression is 300" (AWS applies it to
# conditions too, and stops counting at 301: "Invalid ConditionExpression: The expression
# contains too many operators; operator count: 301", seen from AWS by ScyllaDB's
# test_limits.py), and "The maximum number of operands for the IN comparator is 100".
MAX_OPERATORS = 300
TOO_MANY_OPERATORS = "Invalid {param}: The expression contains too many operators; operator count: {count}"
MAX_IN_OPERANDS = 100
TOO_MANY_IN_OPERANDS = ("Invalid {param}: The IN operator is provided with too many operands; "
                        "number of operands: {count}")

# CONSTRAINTS#limits-items: "The maximum item size in DynamoDB is 400 KB, which includes
# both attribute name binary length (UTF-8 length) and attribute value lengths (again
# binary length)" (1 KB = 1024 bytes, same page), sized by the rules of
# .../developerguide/CapacityUnitCalculations.html (see _value_size). AWS's messages
# (amazon-archives/aws-dynamodb-session-tomcat#4; API_TransactWriteItems.html lists the
# second among a cancellation's ValidationError messages).
MAX_ITEM_BYTES = 400 * 1024
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
ITEM_TO_UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"

# CONSTRAINTS#limits-partition-sort-keys: "The maximum length [of a partition key value] is
# 2048 bytes", "[of a sort key value] is 1024 bytes" (binary values: their decoded bytes),
# in every request that names a key, reads included. AWS's messages, its missing space
# included (formkiq/formkiq-core#271; moto copies the first).
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
PARTITION_KEY_TOO_LONG = ("One or more parameter values were invalid: Size of hashkey has exceeded "
                          "the maximum size limit of2048 bytes")
SORT_KEY_TOO_LONG = ("One or more parameter values were invalid: Aggregated size of all range keys "
                     "has exceeded the size limit of 1024 bytes")

# CONSTRAINTS#limits-naming-rules: an attribute name is "no greater than 64 KB long"; AWS
# accepts 65535 bytes and refuses 65536 (ScyllaDB's test_limits.py). Message: DynamoDB
# Local's.
MAX_ATTRIBUTE_NAME_BYTES = 65535
ATTRIBUTE_NAME_TOO_LONG = "Attribute name is too large, must be less than 65536 bytes"

# CONSTRAINTS#limits-naming-rules: index key names "no greater than 255 characters", "the
# total size of each name (after encoding) cannot exceed 255 bytes"; API_KeySchemaElement
# (AttributeName "Maximum length of 255") makes it so for the table's own keys too.
# Message: AWS's validation-error format for a length constraint.
MAX_KEY_NAME_BYTES = 255
KEY_NAME_TOO_LONG = ("1 validation error detected: Value '{name}' at '{path}' failed to satisfy "
                     "constraint: Member must have length less than or equal to 255")

# CONSTRAINTS#limits-dynamodb-transactions: "A transaction cannot contain more than 100
# unique items", "cannot contain more than 4 MB of data", "No two actions in a transaction
# can work against the same item in the same table". The first message is AWS's format (as
# moto has it for TransactGetItems); the last is AWS's (repost.aws knowledge center,
# "dynamodb-transactwriteitems"). AWS's text for the 4 MB refusal was not found: this one is
# the API reference's own sentence (API_TransactWriteItems.html), and the data counted is
# an estimate: each Put's item, each other action's key, and each Update's values.
MAX_TRANSACTION_ITEMS = 100
TRANSACTION_TOO_MANY = ("1 validation error detected: Value '{value}' at 'transactItems' failed to "
                        "satisfy constraint: Member must have length less than or equal to 100")
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
TRANSACTION_TOO_LARGE = "The aggregate size of the items in the transaction exceeds 4 MB"
SAME_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"

# CONSTRAINTS#limits-api: "A single BatchWriteItem operation can contain up to 25 PutItem
# or DeleteItem requests" (its 16 MB cannot be reached with 400 KB items), "A single
# BatchGetItem operation can retrieve a maximum of 100 items" (its 16 MB of items answered
# is moto's own: what is past it comes back in UnprocessedKeys, no error). Messages: AWS's
# (BATCH_WRITE_TABLE_TOO_MANY as in dtan4/valec#46, a real AWS answer) and DynamoDB Local's
# for the totals; the per-table BatchGetItem one is moto's.
MAX_BATCH_WRITE = 25
BATCH_WRITE_TABLE_TOO_MANY = ("1 validation error detected: Value '{value}' at 'requestItems' failed "
                              "to satisfy constraint: Map value must satisfy constraint: [Member must "
                              "have length less than or equal to 25, Member must have length greater "
                              "than or equal to 1]")
BATCH_WRITE_TOO_MANY = "Too many items requested for the BatchWriteItem call"
MAX_BATCH_GET = 100
BATCH_GET_TABLE_TOO_MANY = ("1 validation error detected: Value at 'requestItems.{table}.member.keys' "
                            "failed to satisfy constraint: Member must have length less than or equal to 100")
BATCH_GET_TOO_MANY = "Too many items requested for the BatchGetItem call"


class Refusal(Exception):
    """A request DynamoDB refuses whole: its message is the ValidationException's."""


def _utf8_len(text):
    return len(text.encode("utf-8")) if isinstance(text, str) else 0


def _binary_len(value):
    """The bytes of a binary value (sent base64-encoded; counted decoded)."""
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    try:
        return len(base64.b64decode(value, validate=False))
    except (TypeError, ValueError):
        return _utf8_len(value)


def _number_size(text):
    """About (significant digits / 2) + 1 bytes: leading and trailing zeros trimmed."""
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return _utf8_len(text)
    if not number.is_finite() or number.is_zero():
        return 1
    return (len(number.normalize().as_tuple().digits) + 1) // 2 + 1


def _value_size(value):
    """The bytes an AttributeValue ({"S": ...}, wire form) takes in an item, by AWS's rules
    (developerguide/CapacityUnitCalculations.html): strings their UTF-8 bytes, binaries
    their bytes, numbers about half their significant digits plus one, BOOL and NULL 1,
    sets the sum of their members, a list or map 3 plus 1 per element plus the elements
    (a map's names included)."""
    if not isinstance(value, dict) or len(value) != 1:
        return 0
    kind, v = next(iter(value.items()))
    if kind == "S":
        return _utf8_len(v)
    if kind == "N":
        return _number_size(v)
    if kind == "B":
        return _binary_len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8_len(x) for x in v or [])
    if kind == "NS":
        return sum(_number_size(x) for x in v or [])
    if kind == "BS":
        return sum(_binary_len(x) for x in v or [])
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v or [])
    if kind == "M":
        return 3 + sum(1 + _utf8_len(k) + _value_size(x) for k, x in (v or {}).items())
    return 0


def _item_size(item):
    """An item's size by AWS's rules: each attribute's name and value."""
    if not isinstance(item, dict):
        return 0
    return sum(_utf8_len(name) + _value_size(value) for name, value in item.items())


def _key_limits(table_name, with_indexes):
    """[(attribute, limit, message)] for the key attributes of a table (and of its global
    secondary indexes, for an item being written); [] for a table moto does not know."""
    _, table = _find_table(table_name)
    if table is None:
        return []
    schemas = [table.schema] + ([index.schema for index in table.global_indexes] if with_indexes else [])
    limits = []
    for schema in schemas:
        for element in schema or []:
            if element.get("KeyType") == "HASH":
                limits.append((element.get("AttributeName"), MAX_PARTITION_KEY_BYTES, PARTITION_KEY_TOO_LONG))
            else:
                limits.append((element.get("AttributeName"), MAX_SORT_KEY_BYTES, SORT_KEY_TOO_LONG))
    return limits


def _check_key_values(table_name, attrs, with_indexes):
    for name, limit, message in _key_limits(table_name, with_indexes):
        value = attrs.get(name)
        if isinstance(value, dict) and _value_size(value) > limit:
            raise Refusal(message)


def _check_key(table_name, key):
    """A Key parameter: its partition and sort key values' sizes."""
    if isinstance(key, dict):
        _check_key_values(table_name, key, with_indexes=False)


def _check_item(table_name, item):
    """An item to be put: its attribute names, key values (the table's and its global
    indexes') and size."""
    if not isinstance(item, dict):
        return
    for name in item:
        if _utf8_len(name) > MAX_ATTRIBUTE_NAME_BYTES:
            raise Refusal(ATTRIBUTE_NAME_TOO_LONG)
    _check_key_values(table_name, item, with_indexes=True)
    if _item_size(item) > MAX_ITEM_BYTES:
        raise Refusal(ITEM_TOO_LARGE)


# A token of an expression: a #name, a :value, a word (a path element, keyword or
# function), an index, a comparator or arithmetic operator, punctuation, or anything else.
_EXPRESSION_TOKEN = re.compile(
    r"\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(<>|<=|>=|[=<>+\-(),.\[\]])|(.))",
    re.S)
_WORD, _SYMBOL = 3, 5
_COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")


def _count_operators(text, update):
    """(operators and functions, most operands of one IN) of an expression, counted as AWS
    counts them: each comparator, AND, OR, NOT, BETWEEN (its own AND not again), IN and
    function call in a condition; each + or - and function call in an update (its `=` is
    assignment, its SET/REMOVE/ADD/DELETE are clauses). Parentheses are not operators."""
    tokens = [(m.lastindex, m.group(m.lastindex)) for m in _EXPRESSION_TOKEN.finditer(text) if m.lastindex]
    operators = widest_in = betweens = 0
    for i, (kind, token) in enumerate(tokens):
        following = tokens[i + 1][1] if i + 1 < len(tokens) else None
        if kind == _WORD:
            word = token.upper()
            if not update and word == "AND" and betweens:
                betweens -= 1
            elif not update and word in ("AND", "OR", "NOT", "IN", "BETWEEN"):
                operators += 1
                betweens += word == "BETWEEN"
                if word == "IN" and following == "(":
                    depth, operands = 0, 1
                    for _, t in tokens[i + 1:]:
                        depth += (t == "(") - (t == ")")
                        if depth == 0:
                            break
                        operands += depth == 1 and t == ","
                    widest_in = max(widest_in, operands)
            elif following == "(":
                operators += 1  # a function
        elif kind == _SYMBOL:
            if (token in _COMPARATORS and not update) or (token in "+-" and update):
                operators += 1
    return operators, widest_in


def _check_expressions(params):
    """The expressions of one request (or one action of a transaction, or one table of a
    BatchGetItem) and their ExpressionAttributeNames and ExpressionAttributeValues."""
    names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    names_bytes = values_bytes = 0
    if isinstance(names, dict):
        for placeholder, name in names.items():
            if _utf8_len(placeholder) > MAX_PLACEHOLDER_BYTES:
                raise Refusal(PLACEHOLDER_TOO_LONG.format(map="ExpressionAttributeNames", size=_utf8_len(placeholder)))
            if _utf8_len(name) > MAX_ATTRIBUTE_NAME_BYTES:
                raise Refusal(ATTRIBUTE_NAME_TOO_LONG)
            names_bytes += _utf8_len(placeholder) + _utf8_len(name)
    if isinstance(values, dict):
        for placeholder, value in values.items():
            if _utf8_len(placeholder) > MAX_PLACEHOLDER_BYTES:
                raise Refusal(PLACEHOLDER_TOO_LONG.format(map="ExpressionAttributeValues", size=_utf8_len(placeholder)))
            values_bytes += _utf8_len(placeholder) + _value_size(value)
    if names_bytes > MAX_SUBSTITUTION_BYTES:
        raise Refusal(NAMES_TOO_LARGE)
    if values_bytes > MAX_SUBSTITUTION_BYTES:
        raise Refusal(VALUES_TOO_LARGE)
    if names_bytes + values_bytes > MAX_SUBSTITUTION_BYTES:
        raise Refusal(SUBSTITUTIONS_TOO_LARGE)
    for param in EXPRESSIONS:
        text = params.get(param)
        if not isinstance(text, str):
            continue
        size = _utf8_len(text)
        if size > MAX_EXPRESSION_BYTES:
            raise Refusal(EXPRESSION_TOO_LONG.format(param=param, size=size))
        if param == "ProjectionExpression":
            continue
        operators, in_operands = _count_operators(text, update=param == "UpdateExpression")
        if operators > MAX_OPERATORS:
            raise Refusal(TOO_MANY_OPERATORS.format(param=param, count=MAX_OPERATORS + 1))
        if in_operands > MAX_IN_OPERANDS:
            raise Refusal(TOO_MANY_IN_OPERANDS.format(param=param, count=in_operands))


def _java_list(count, member):
    """A list as AWS prints it in a validation error: its members' Java object names."""
    return "[" + ", ".join(f"com.amazonaws.dynamodb.v20120810.{member}@{0x10000001 + i:x}"
                           for i in range(count)) + "]"


def _canonical_key(table_name, attrs):
    """(table, key) naming one item whatever the spelling of its numbers; None if unknown."""
    _, table = _find_table(table_name)
    if table is None or not isinstance(attrs, dict):
        return None
    key = {}
    for name in (table.hash_key_attr, table.range_key_attr):
        if name is None:
            continue
        value = attrs.get(name)
        if not isinstance(value, dict) or len(value) != 1:
            return None
        kind, v = next(iter(value.items()))
        if kind == "N":
            try:
                v = str(Decimal(str(v)).normalize())
            except InvalidOperation:
                pass
        key[name] = [kind, v]
    return table.name, json.dumps(key, sort_keys=True)


def _check_transaction(request):
    items = request.get("TransactItems")
    if not isinstance(items, list):
        return
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise Refusal(TRANSACTION_TOO_MANY.format(value=_java_list(len(items), "TransactWriteItem")))
    seen, data = set(), 0
    for entry in items:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        kind, action = next(iter(entry.items()))
        if not isinstance(action, dict):
            continue
        table = action.get("TableName")
        _check_expressions(action)
        if kind == "Put":
            item = action.get("Item")
            _check_item(table, item)
            data += _item_size(item)
            target = _canonical_key(table, item)
        else:
            key = action.get("Key")
            _check_key(table, key)
            data += _item_size(key)
            if kind == "Update" and isinstance(action.get("ExpressionAttributeValues"), dict):
                data += sum(_value_size(v) for v in action["ExpressionAttributeValues"].values())
            target = _canonical_key(table, key)
        if target is not None:
            if target in seen:
                raise Refusal(SAME_ITEM_TWICE)
            seen.add(target)
    if data > MAX_TRANSACTION_BYTES:
        raise Refusal(TRANSACTION_TOO_LARGE)


def _check_batch_write(request):
    tables = request.get("RequestItems")
    if not isinstance(tables, dict):
        return
    writes = {t: w for t, w in tables.items() if isinstance(w, list)}
    if any(len(w) > MAX_BATCH_WRITE for w in writes.values()):
        value = "{" + ", ".join(f"{t}={_java_list(len(w), 'WriteRequest')}" for t, w in writes.items()) + "}"
        raise Refusal(BATCH_WRITE_TABLE_TOO_MANY.format(value=value))
    if sum(len(w) for w in writes.values()) > MAX_BATCH_WRITE:
        raise Refusal(BATCH_WRITE_TOO_MANY)
    for table, requests in writes.items():
        for w in requests:
            if not isinstance(w, dict):
                continue
            put, delete = w.get("PutRequest"), w.get("DeleteRequest")
            if isinstance(put, dict):
                _check_item(table, put.get("Item"))
            if isinstance(delete, dict):
                _check_key(table, delete.get("Key"))


def _check_batch_get(request):
    tables = request.get("RequestItems")
    if not isinstance(tables, dict):
        return
    reads = {t: r for t, r in tables.items() if isinstance(r, dict) and isinstance(r.get("Keys"), list)}
    for table, r in reads.items():
        if len(r["Keys"]) > MAX_BATCH_GET:
            raise Refusal(BATCH_GET_TABLE_TOO_MANY.format(table=table))
    if sum(len(r["Keys"]) for r in reads.values()) > MAX_BATCH_GET:
        raise Refusal(BATCH_GET_TOO_MANY)
    for table, r in reads.items():
        _check_expressions(r)
        for key in r["Keys"]:
            _check_key(table, key)


def _check_key_names(request):
    """CreateTable and UpdateTable: the key attribute names of the table and its indexes."""
    def check(schema, path):
        for i, element in enumerate(schema if isinstance(schema, list) else [], 1):
            name = element.get("AttributeName") if isinstance(element, dict) else None
            if _utf8_len(name) > MAX_KEY_NAME_BYTES:
                raise Refusal(KEY_NAME_TOO_LONG.format(name=name, path=f"{path}.{i}.member.attributeName"))

    check(request.get("KeySchema"), "keySchema")
    for field, path in (("GlobalSecondaryIndexes", "globalSecondaryIndexes"),
                        ("LocalSecondaryIndexes", "localSecondaryIndexes")):
        for j, index in enumerate(request.get(field) or [], 1):
            if isinstance(index, dict):
                check(index.get("KeySchema"), f"{path}.{j}.member.keySchema")
    for j, update in enumerate(request.get("GlobalSecondaryIndexUpdates") or [], 1):
        create = update.get("Create") if isinstance(update, dict) else None
        if isinstance(create, dict):
            check(create.get("KeySchema"), f"globalSecondaryIndexUpdates.{j}.member.create.keySchema")
    check(request.get("AttributeDefinitions"), "attributeDefinitions")


def _check(op, request):
    if op in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"):
        _check_expressions(request)
    if op in ("GetItem", "UpdateItem", "DeleteItem"):
        _check_key(request.get("TableName"), request.get("Key"))
    elif op == "PutItem":
        _check_item(request.get("TableName"), request.get("Item"))
    elif op == "TransactWriteItems":
        _check_transaction(request)
    elif op == "BatchWriteItem":
        _check_batch_write(request)
    elif op == "BatchGetItem":
        _check_batch_get(request)
    elif op == "TransactGetItems":
        for entry in request.get("TransactItems") or []:
            get = entry.get("Get") if isinstance(entry, dict) else None
            if isinstance(get, dict):
                _check_expressions(get)
                _check_key(get.get("TableName"), get.get("Key"))
    elif op in ("CreateTable", "UpdateTable"):
        _check_key_names(request)


def check_limits(op, request):
    """AWS's answer to a request over one of DynamoDB's limits, as (status, body), or None
    when the request is within them. A request too malformed to measure is left to moto,
    which refuses it in its own way."""
    try:
        _check(op, request)
    except Refusal as refusal:
        return _error(400, "ValidationException", str(refusal))
    except Exception as e:  # never a 500 for what moto can answer: say so in the log
        print(f"limits: could not measure {op} ({e!r}); left to moto", flush=True)
    return None


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


def _current_attrs(backend, table_name, key):
    item = backend.get_item(table_name, key)
    return None if item is None else item.to_json()["Attributes"]


def _set_item(backend, table_name, key, attrs):
    """Make moto's copy of an item `attrs` (None: absent)."""
    if attrs is not None:
        backend.put_item(table_name, attrs)
    elif backend.get_item(table_name, key) is not None:
        backend.delete_item(table_name, key)


class IndexLag:
    """Global secondary indexes that see writes late, as AWS's do (eventually consistent).

    The model: every write reaches a table's global secondary indexes exactly `index_lag_ms`
    after it was applied. While the lag is on, the item images before each write to a table
    that has a GSI are logged with the write's time; a Query or Scan of a GSI is answered
    from the table as it was `index_lag_ms` ago: each item written since then is put back,
    for that one request, to its image before the first of those writes (absent if it did
    not exist), and restored right after. Everything runs under the DynamoDB lock, so no
    other request sees the rewound items. The table itself, and any read that is not of a
    GSI, always sees the latest writes. The log keeps only the last `index_lag_ms` of writes."""

    def __init__(self):
        self.log = collections.deque()  # (monotonic time, table, canonical key, image before)

    @staticmethod
    def _indexed(table_name):
        backend, table = _find_table(table_name)
        if table is None or not table.global_indexes:
            return None, None
        return backend, table

    def before_write(self, op, request, lag_ms):
        """The images, before this request, of the items it writes in tables with a GSI."""
        if lag_ms <= 0:
            self.log.clear()
            return []
        if op not in WRITES:
            return []
        images = []
        for table_name, key in _written_keys(op, request):
            backend, table = self._indexed(table_name)
            if table is not None:
                images.append((table.name, key, _current_attrs(backend, table.name, json.loads(key))))
        return images

    def after_write(self, images, lag_ms):
        """The request was applied: its items' index entries change `lag_ms` from now."""
        now = time.monotonic()
        while self.log and self.log[0][0] <= now - lag_ms / 1000.0:
            self.log.popleft()
        for table, key, before in images:
            self.log.append((now, table, key, before))

    @contextlib.contextmanager
    def rewound(self, op, request, lag_ms):
        """For a Query or Scan of a global secondary index: the table as it was lag_ms ago."""
        backend = table = None
        index = request.get("IndexName")
        if lag_ms > 0 and op in ("Query", "Scan") and isinstance(index, str):
            backend, table = self._indexed(request.get("TableName"))
            if table is not None and index not in {i.name for i in table.global_indexes}:
                table = None
        swapped = []
        try:
            if table is not None:
                horizon = time.monotonic() - lag_ms / 1000.0
                then = {}
                for at, name, key, before in self.log:
                    if at > horizon and name == table.name and key not in then:
                        then[key] = before
                for key, before in then.items():
                    key = json.loads(key)
                    swapped.append((key, _current_attrs(backend, table.name, key)))
                    _set_item(backend, table.name, key, before)
            yield
        finally:
            for key, attrs in reversed(swapped):
                _set_item(backend, table.name, key, attrs)


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
    # moto parses and deep-copies an expression recursively, several frames per operator:
    # the 300 operators AWS allows in one expression need more than Python's default 1000
    # frames (and the stack to hold them) in each request's thread.
    sys.setrecursionlimit(20_000)
    threading.stack_size(16 * 1024 * 1024)
    _cheap_transaction_rollback()
    _item_size_is_the_wrappers()
    index_lag = IndexLag()
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

    iam = Policies()

    def iam_control(environ, start_response):
        """GET/POST /_iam: the functions' policies (scripts/provision.py posts them)."""
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            iam.load(json.loads(environ["wsgi.input"].read(length) or b"{}"))
        body = json.dumps(iam.state()).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def sqs_refusal(environ, target, authorization, region):
        """An SQS call (JSON protocol, or the query protocol's form) the caller's policy
        does not allow, as AWS answers it; None if allowed. The body is put back for moto."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        if target.startswith("AmazonSQS."):
            action = target.split(".", 1)[1]
            try:
                queue_url = (json.loads(raw or b"{}") or {}).get("QueueUrl", "")
            except (ValueError, AttributeError):
                queue_url = ""
        else:
            form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
            action = (form.get("Action") or [""])[0]
            queue_url = (form.get("QueueUrl") or [""])[0]
        if not action:
            return None
        return iam.refusal(authorization, iam.sqs_needs(action, queue_url, region))

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
        if environ.get("PATH_INFO") == "/_iam":
            return iam_control(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        function, region = Policies.caller(authorization)
        if not target.startswith("DynamoDB"):
            if function is not None and iam.state():
                refused = sqs_refusal(environ, target, authorization, region)
                if refused is not None:
                    return _answer(start_response, refused[0], refused[2].encode())
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
        # IAM first, as on AWS: a call the function's policy does not allow is refused
        # before anything else is looked at (scripts/local_iam.py).
        refused = iam.refusal(authorization, iam.dynamodb_needs(op, request, region))
        if refused is not None:
            print(f"IAM refused {op} to {function}", flush=True)
            return _answer(start_response, refused[0], refused[2].encode())
        moto_status, written = [], []

        def capture(status, headers, exc_info=None):
            moto_status[:] = [status, headers]
            return written.append

        with _dynamodb_lock:
            # The whole request, limits and faults included, is one atomic step. A request
            # over one of DynamoDB's limits is refused first, whatever the faults.
            text = raw.decode("utf-8", "replace")
            fault = check_limits(op, request) or faults.before(op, request, text)
            if fault is None:
                lag_ms = faults.config.get("index_lag_ms", 0.0)
                images = index_lag.before_write(op, request, lag_ms)
                with index_lag.rewound(op, request, lag_ms):
                    chunks = list(moto_app(environ, capture))
                chunks = written + chunks  # anything moto sent through write()
                body = b"".join(chunks)
                status = int(moto_status[0].split()[0])
                if moto_status[0].startswith("5"):
                    # moto's own failure (not an injected one): say which request, for the log.
                    print(f"moto answered {moto_status[0]} to {op}: {body[:300]!r} for {text[:300]!r}", flush=True)
                if status == 200:
                    index_lag.after_write(images, lag_ms)
                _meter.record(op, request, len(body))
                fault = faults.after(op, request, status, body, text)
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
