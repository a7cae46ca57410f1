"""Tests of scripts/moto_server.py: its DynamoDB fault injector, DynamoDB's limits and
the index lag.

Each test starts from faults off, turns on the faults it needs through POST /_faults and
checks, with boto3 and no client retries, what the client sees and what was applied. Each
limit's test shows a request just within it applied and one just over it refused as AWS
refuses it (HTTP 400, ValidationException, AWS's message), with nothing applied.

    .local/venv/bin/python scripts/test_faults.py
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
import uuid
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

# FAULTS_TEST_SERVER: run the tests against another copy (e.g. a deliberately broken one).
SERVER = os.environ.get("FAULTS_TEST_SERVER") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_server.py")
TABLE = "faults"
CONFLICT = "Transaction is ongoing for the item"
THROTTLES = {"ProvisionedThroughputExceededException", "ThrottlingException"}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
               "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}


class Server:
    """scripts/moto_server.py on a free port, as a subprocess."""

    def __init__(self, faults=None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "LOCAL_AWS_FAULTS"}
        env.update(CREDENTIALS)
        if faults is not None:
            env["LOCAL_AWS_FAULTS"] = faults
        self.proc = subprocess.Popen([sys.executable, SERVER, "127.0.0.1", str(self.port)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Read what it prints as it prints it: a full pipe would stop the server mid-request.
        self.output = []
        self.reader = threading.Thread(target=lambda: self.output.extend(self.proc.stdout), daemon=True)
        self.reader.start()

    def wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.reader.join(timeout=5)
                raise RuntimeError("moto_server.py exited:\n" + "".join(self.output))
            try:
                return self.faults()
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("moto_server.py did not answer")

    def faults(self, config=None):
        """GET /_faults, or POST config (a dict, or a string sent as is)."""
        data = None
        if config is not None:
            data = (config if isinstance(config, str) else json.dumps(config)).encode()
        req = urllib.request.Request(self.url + "/_faults", data=data, method="POST" if data is not None else "GET")
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    def stop(self):
        """SIGTERM (then SIGKILL); returns everything the server printed."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        return "".join(self.output)

    def client(self, service):
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local",
                            config=Config(retries={"total_max_attempts": 1}))

    def raw(self, op, body):
        """One DynamoDB request without an SDK: (status, headers, raw body)."""
        req = urllib.request.Request(self.url + "/", data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{op}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, "
                             "SignedHeaders=host, Signature=0"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


def key(pk, sk="1"):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def put(pk, **attrs):
    return {"Put": {"TableName": TABLE, "Item": {**key(pk), **{k: {"N": str(v)} for k, v in attrs.items()}}}}


def add(pk, n, token=None):
    """TransactWriteItems arguments that ADD n to pk's counter."""
    args = {"TransactItems": [{"Update": {"TableName": TABLE, "Key": key(pk), "UpdateExpression": "ADD n :n",
                                          "ExpressionAttributeValues": {":n": {"N": str(n)}}}}]}
    if token:
        args["ClientRequestToken"] = token
    return args


class FaultTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.stop)
        cls.server.wait_ready()
        cls.db = cls.server.client("dynamodb")
        cls.db.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])

    def setUp(self):
        self.assertEqual(self.server.faults({})["config"], {})
        self.prefix = f"{self._testMethodName}-{uuid.uuid4().hex[:6]}-"

    def faults(self, **config):
        return self.server.faults(config)

    def injected(self):
        counts = self.server.faults()["injected"]
        return {k: v for k, v in counts.items() if v}

    def item(self, pk):
        return self.db.get_item(TableName=TABLE, Key=key(pk), ConsistentRead=True).get("Item")

    def counter(self, pk):
        item = self.item(pk)
        return int(item["n"]["N"]) if item else 0

    def assertError(self, call, code, status=400, injected=True):
        with self.assertRaises(ClientError) as cm:
            call()
        err = cm.exception.response
        codes = code if isinstance(code, set) else {code}
        self.assertIn(err["Error"]["Code"], codes)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        if injected:  # moto's own errors say application/json; AWS and the injector do not
            self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["content-type"], "application/x-amz-json-1.0")
        self.assertTrue(err["Error"]["Message"])
        return err

    def test_throttle_rejects_any_request_and_applies_nothing(self):
        self.faults(throttle=1.0, seed=1)
        codes = set()
        for i in range(12):
            err = self.assertError(lambda: self.db.put_item(TableName=TABLE, Item=key(self.prefix + str(i))), THROTTLES)
            codes.add(err["Error"]["Code"])
        self.assertEqual(codes, THROTTLES, "both throttling errors should appear")
        self.assertError(lambda: self.db.list_tables(), THROTTLES)
        self.assertError(lambda: self.db.transact_write_items(**add(self.prefix + "t", 1)), THROTTLES)
        self.assertEqual(self.injected(), {"throttle": 14})
        self.faults()
        for i in range(12):
            self.assertIsNone(self.item(self.prefix + str(i)))
        self.assertEqual(self.counter(self.prefix + "t"), 0)

    def test_transaction_conflict_cancels_in_moto_shape_and_applies_nothing(self):
        pks = [self.prefix + c for c in "abc"]
        self.faults(conflict=1.0)
        err = self.assertError(lambda: self.db.transact_write_items(TransactItems=[put(pk) for pk in pks]),
                               "TransactionCanceledException")
        reasons = err["CancellationReasons"]
        self.assertEqual(len(reasons), 3)
        conflicts = [r for r in reasons if r["Code"] == "TransactionConflict"]
        self.assertEqual(conflicts, [{"Code": "TransactionConflict", "Message": CONFLICT}])
        self.assertEqual([r for r in reasons if r not in conflicts], [{"Code": "None"}] * 2)
        self.assertEqual(err["Error"]["Message"], "Transaction cancelled, please refer cancellation reasons "
                         "for specific reasons [" + ", ".join(r["Code"] for r in reasons) + "]")
        self.assertEqual(self.injected(), {"conflict_transaction": 1})
        self.faults()
        self.assertEqual([self.item(pk) for pk in pks], [None] * 3)

        # The same wire shape as moto's own cancellation (a failed condition).
        self.faults(conflict=1.0)
        status, headers, body = self.server.raw("TransactWriteItems", {"TransactItems": [put(pks[0])]})
        self.assertEqual(status, 400)
        self.assertEqual(int(headers["x-amz-crc32"]), zlib.crc32(body))
        injected = json.loads(body)
        self.faults()
        self.db.put_item(TableName=TABLE, Item=key(pks[0]))
        status, _, body = self.server.raw("TransactWriteItems", {"TransactItems": [
            {"ConditionCheck": {"TableName": TABLE, "Key": key(pks[0]), "ConditionExpression": "attribute_not_exists(pk)"}}]})
        self.assertEqual(status, 400)
        moto = json.loads(body)
        self.assertEqual(set(injected), set(moto))
        self.assertEqual(injected["__type"], moto["__type"])
        self.assertEqual(injected["CancellationReasons"], [{"Code": "TransactionConflict", "Message": CONFLICT}])

    def test_single_write_conflicts_with_a_recent_transaction(self):
        k, other = self.prefix + "k", self.prefix + "other"
        self.faults(window_ms=5000)
        self.db.transact_write_items(TransactItems=[put(k, v=1)])
        self.faults(conflict=1.0, window_ms=5000)
        self.assertError(lambda: self.db.put_item(TableName=TABLE, Item={**key(k), "v": {"N": "2"}}),
                         "TransactionConflictException")
        self.assertError(lambda: self.db.update_item(TableName=TABLE, Key=key(k), UpdateExpression="SET v = :v",
                                                     ExpressionAttributeValues={":v": {"N": "3"}}),
                         "TransactionConflictException")
        err = self.assertError(lambda: self.db.delete_item(TableName=TABLE, Key=key(k)), "TransactionConflictException")
        self.assertEqual(err["Error"]["Message"], CONFLICT)
        self.db.put_item(TableName=TABLE, Item=key(other))  # not in a transaction: no conflict
        self.db.put_item(TableName=TABLE, Item=key(k, sk="2"))  # same hash key, other item
        self.assertEqual(self.injected(), {"conflict_single": 3})
        self.assertEqual(self.item(k)["v"], {"N": "1"})
        # Once the window has passed, the item is free.
        self.faults(conflict=1.0, window_ms=50)
        time.sleep(0.1)
        self.db.put_item(TableName=TABLE, Item={**key(k), "v": {"N": "4"}})
        self.assertEqual(self.item(k)["v"], {"N": "4"})

    def test_after_commit_500_is_answered_but_applied(self):
        k = self.prefix + "k"
        self.faults(after_commit=1.0, drop=0)
        err = self.assertError(lambda: self.db.put_item(TableName=TABLE, Item=key(k)), "InternalServerError", 500)
        self.assertEqual(err["Error"]["Message"], "Internal server error")
        self.assertError(lambda: self.db.transact_write_items(**add(k, 5)), "InternalServerError", 500)
        self.db.get_item(TableName=TABLE, Key=key(k))  # reads are never after-commit faulted
        self.assertEqual(self.injected(), {"after_commit_500": 2})
        self.faults()
        self.assertEqual(self.counter(k), 5)

    def test_after_commit_drop_closes_the_connection_but_applies(self):
        self.faults(after_commit=1.0, drop=1.0)
        for i in range(3):
            with self.assertRaises(ConnectionClosedError):
                self.db.put_item(TableName=TABLE, Item=key(self.prefix + str(i)))
        self.assertEqual(self.injected(), {"after_commit_drop": 3})
        self.faults()
        self.assertIsNone(self.server.proc.poll())
        for i in range(3):
            self.assertIsNotNone(self.item(self.prefix + str(i)))

    def rule(self, **spec):
        req = urllib.request.Request(self.server.url + "/_faults/rules", data=json.dumps(spec).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())["id"]

    def rules_left(self):
        with urllib.request.urlopen(self.server.url + "/_faults/rules", timeout=5) as resp:
            return {r["id"]: r["times"] for r in json.loads(resp.read())["rules"]}

    def test_a_targeted_rule_faults_only_matching_requests_and_only_so_often(self):
        mine, other = self.prefix + "mine", self.prefix + "other"
        rule = self.rule(op="PutItem", match=mine, fault="after_commit", times=1)
        self.db.put_item(TableName=TABLE, Item=key(other))  # not matching: untouched
        self.assertError(lambda: self.db.put_item(TableName=TABLE, Item=key(mine)), "InternalServerError", 500)
        self.assertIsNotNone(self.item(mine), "applied before the 500")
        self.db.put_item(TableName=TABLE, Item=key(mine))  # spent: untouched
        self.assertEqual(self.rules_left()[rule], 0)
        conflict = self.rule(op="UpdateItem", match=mine, fault="conflict", times=1)
        self.assertError(lambda: self.db.update_item(TableName=TABLE, Key=key(mine), UpdateExpression="SET a = :a",
                                                     ExpressionAttributeValues={":a": {"N": "1"}}),
                         "TransactionConflictException")
        self.assertEqual(self.rules_left()[conflict], 0)
        with self.assertRaises(urllib.error.HTTPError):
            self.rule(op="PutItem", match="", fault="after_commit", times=1)

    def test_a_targeted_after_commit_rule_also_loses_the_answers_of_replays(self):
        k, token = self.prefix + "k", str(uuid.uuid4())
        rule = self.rule(op="TransactWriteItems", match=k, fault="after_commit", times=3)
        for _ in range(3):
            self.assertError(lambda: self.db.transact_write_items(**add(k, 1, token)), "InternalServerError", 500)
        self.db.transact_write_items(**add(k, 1, token))  # the rule is spent: the replay is answered
        self.assertEqual(self.rules_left()[rule], 0)
        self.assertEqual(self.counter(k), 1, "applied once, whatever the answers")
        self.assertEqual(self.injected(), {"after_commit_500": 3, "idempotent_replay": 3})

    def test_client_request_token_applies_a_transaction_once(self):
        k, token = self.prefix + "k", str(uuid.uuid4())
        first = self.db.transact_write_items(**add(k, 1, token))
        again = self.db.transact_write_items(**add(k, 1, token))
        self.assertEqual(self.counter(k), 1)
        self.assertEqual({x: y for x, y in first.items() if x != "ResponseMetadata"},
                         {x: y for x, y in again.items() if x != "ResponseMetadata"})
        self.assertError(lambda: self.db.transact_write_items(**add(k, 2, token)),
                         "IdempotentParameterMismatchException")
        self.assertEqual(self.counter(k), 1)
        self.db.transact_write_items(**add(k, 1, str(uuid.uuid4())))  # a new token is a new transaction
        self.assertEqual(self.counter(k), 2)
        self.assertEqual(self.injected(), {"idempotent_replay": 1, "idempotent_mismatch": 1})

    def test_retrying_a_transaction_after_a_500_does_not_apply_it_twice(self):
        k, token = self.prefix + "k", str(uuid.uuid4())
        self.faults(after_commit=1.0, drop=0)
        self.assertError(lambda: self.db.transact_write_items(**add(k, 1, token)), "InternalServerError", 500)
        self.faults(conflict=1.0)  # a replay touches no item: it cannot conflict
        self.db.transact_write_items(**add(k, 1, token))
        self.assertEqual(self.injected(), {"idempotent_replay": 1})
        self.faults()
        self.assertEqual(self.counter(k), 1)
        # A failed transaction leaves no token behind: its retry is applied.
        self.db.put_item(TableName=TABLE, Item=key(k + "x"))
        guarded, token = add(k + "x", 1), str(uuid.uuid4())
        guarded["TransactItems"][0]["Update"]["ConditionExpression"] = "attribute_not_exists(pk)"
        self.assertError(lambda: self.db.transact_write_items(**guarded, ClientRequestToken=token),
                         "TransactionCanceledException", injected=False)
        self.db.delete_item(TableName=TABLE, Key=key(k + "x"))
        self.db.transact_write_items(**guarded, ClientRequestToken=token)
        self.assertEqual(self.counter(k + "x"), 1)

    def run_sequence(self, config, tag):
        self.server.faults(config)
        outcomes = []
        for i in range(30):
            try:
                self.db.put_item(TableName=TABLE, Item=key(f"{self.prefix}{tag}{i}"))
                outcomes.append("ok")
            except ClientError as e:
                outcomes.append(e.response["Error"]["Code"])
            except ConnectionClosedError:
                outcomes.append("drop")
        return outcomes, self.server.faults()["injected"]

    def test_same_seed_same_faults_and_counts_match(self):
        config = {"throttle": 0.3, "after_commit": 0.4, "drop": 0.5, "seed": 7}
        first, counts = self.run_sequence(config, "a")
        second, _ = self.run_sequence(config, "b")
        other, _ = self.run_sequence({**config, "seed": 8}, "c")
        self.assertEqual(first, second)
        self.assertNotEqual(first, other)
        self.assertGreaterEqual(len(set(first)), 4, first)
        self.assertEqual(counts["throttle"], sum(o in THROTTLES for o in first))
        self.assertEqual(counts["after_commit_500"], first.count("InternalServerError"))
        self.assertEqual(counts["after_commit_drop"], first.count("drop"))

    def test_sqs_is_never_faulted(self):
        self.faults(throttle=1.0, after_commit=1.0, conflict=1.0)
        sqs = self.server.client("sqs")
        url = sqs.create_queue(QueueName=self.prefix.strip("-"))["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        self.assertEqual(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"], "hello")
        self.assertEqual(self.injected(), {})

    def test_runtime_config(self):
        self.assertEqual(self.faults(throttle=0.25)["config"],
                         {"conflict": 0.0, "throttle": 0.25, "after_commit": 0.0, "drop": 0.5,
                          "window_ms": 200.0, "seed": 0, "index_lag_ms": 0.0})
        self.assertEqual(self.server.faults("conflict=0.5, seed=3")["config"]["seed"], 3)  # the env var's form
        for bad in ({"throttle": 2}, {"nope": 1}, {"seed": "x"}, {"index_lag_ms": -1}, "throttle", "[1]"):
            with self.assertRaises(urllib.error.HTTPError) as cm:
                self.server.faults(bad)
            self.assertEqual(cm.exception.code, 400)
        self.assertEqual(self.server.faults()["config"]["conflict"], 0.5)  # a bad POST changes nothing
        self.faults(throttle=1.0)
        self.assertEqual(self.server.faults({})["config"], {})
        self.db.put_item(TableName=TABLE, Item=key(self.prefix))
        meter = json.loads(urllib.request.urlopen(self.server.url + "/_meter").read())
        self.assertGreater(meter["PutItem"]["requests"], 0)  # the meter still counts


    def test_the_meter_counts_the_writes_each_item_took(self):
        hot, cold = self.prefix + "hot", self.prefix + "cold"
        urllib.request.urlopen(urllib.request.Request(self.server.url + "/_meter", data=b"", method="POST"))
        for _ in range(3):
            self.db.update_item(TableName=TABLE, Key=key(hot), UpdateExpression="ADD n :n",
                                ExpressionAttributeValues={":n": {"N": "1"}})
        self.db.transact_write_items(TransactItems=[add(hot, 1)["TransactItems"][0], put(cold),
                                                    {"ConditionCheck": {"TableName": TABLE, "Key": key(hot + "x"),
                                                                        "ConditionExpression": "attribute_not_exists(pk)"}}])
        self.db.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": key(cold, sk="2")}}]})
        self.db.get_item(TableName=TABLE, Key=key(hot))  # a read writes nothing
        items = json.loads(urllib.request.urlopen(self.server.url + "/_meter/items").read())
        self.assertEqual(items["writes"], 6, "4 on the hot item, 2 elsewhere; a condition check is no write")
        self.assertEqual(items["hottest"][0], {"table": TABLE, "key": key(hot), "writes": 4})


VALIDATION = "com.amazonaws.dynamodb.v20120810#ValidationException"
SLOTS = "slots"  # a table with a global secondary index, as the queue table's BySlot
KB = 1024


def item_of_size(pk, size, sk="1"):
    """An item of `pk`/`sk` plus a string attribute `b`, exactly `size` bytes by AWS's rules."""
    item = key(pk, sk)
    fixed = len("pk") + len(pk.encode()) + len("sk") + len(sk.encode()) + len("b")
    item["b"] = {"S": "x" * (size - fixed)}
    return item


class LimitTests(unittest.TestCase):
    """DynamoDB's documented limits (scripts/moto_server.py cites each): a request just within
    a limit is applied, one just over it is refused as AWS refuses it and changes nothing."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.stop)
        cls.server.wait_ready()
        cls.db = cls.server.client("dynamodb")
        cls.db.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])
        cls.db.create_table(
            TableName=SLOTS, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "concertId", "AttributeType": "S"},
                                  {"AttributeName": "slotUntil", "AttributeType": "N"}],
            GlobalSecondaryIndexes=[{"IndexName": "BySlot", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                     "KeySchema": [{"AttributeName": "concertId", "KeyType": "HASH"},
                                                   {"AttributeName": "slotUntil", "KeyType": "RANGE"}]}])

    def setUp(self):
        self.assertEqual(self.server.faults({})["config"], {})
        self.prefix = f"{self._testMethodName[:40]}-{uuid.uuid4().hex[:6]}-"

    def item(self, pk, sk="1"):
        return self.db.get_item(TableName=TABLE, Key=key(pk, sk), ConsistentRead=True).get("Item")

    def assertRefused(self, call, message):
        """`call` is answered HTTP 400 ValidationException with exactly `message`."""
        with self.assertRaises(ClientError) as cm:
            call()
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["Error"]["Message"], message)

    def test_an_expression_over_4_kb_is_refused(self):
        k = self.prefix + "k"
        self.db.put_item(TableName=TABLE, Item={**key(k), "a": {"N": "1"}})
        update = lambda pad, v: dict(TableName=TABLE, Key=key(k), UpdateExpression="SET" + " " * pad + "a = :v",
                                     ExpressionAttributeValues={":v": {"N": str(v)}})
        self.db.update_item(**update(4087, 2))  # 4096 bytes
        self.assertRefused(lambda: self.db.update_item(**update(4088, 3)),
                           "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")
        self.assertEqual(self.item(k)["a"], {"N": "2"})
        # The wire shape, as AWS answers it.
        status, headers, body = self.server.raw("UpdateItem", update(4088, 3))
        self.assertEqual(status, 400)
        self.assertEqual(headers["Content-Type"], "application/x-amz-json-1.0")
        self.assertEqual(json.loads(body), {"__type": VALIDATION, "message": "Invalid UpdateExpression: Expression "
                                            "size has exceeded the maximum allowed size; expression size: 4097"})

        condition = lambda pad: dict(TableName=TABLE, Item={**key(k), "a": {"N": "9"}},
                                     ConditionExpression="a" + " " * pad + "= :v",
                                     ExpressionAttributeValues={":v": {"N": "2"}})
        self.assertRefused(lambda: self.db.put_item(**condition(4092)),
                           "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")
        self.assertEqual(self.item(k)["a"], {"N": "2"})
        self.db.put_item(**condition(4091))
        self.assertEqual(self.item(k)["a"], {"N": "9"})

        query = lambda pad, filter_pad: dict(
            TableName=TABLE, KeyConditionExpression="pk" + " " * pad + "= :p",
            FilterExpression="a" + " " * filter_pad + "= :a",
            ExpressionAttributeValues={":p": {"S": k}, ":a": {"N": "9"}}, ConsistentRead=True)
        self.assertEqual(len(self.db.query(**query(4090, 4091))["Items"]), 1)  # 4096 bytes each
        self.assertRefused(lambda: self.db.query(**query(4091, 1)),
                           "Invalid KeyConditionExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")
        self.assertRefused(lambda: self.db.query(**query(1, 4092)),
                           "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")

        self.db.get_item(TableName=TABLE, Key=key(k), ProjectionExpression="x" * 4096)
        self.assertRefused(lambda: self.db.get_item(TableName=TABLE, Key=key(k), ProjectionExpression="x" * 4097),
                           "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")

        # Inside a transaction: the action over the limit refuses the whole transaction.
        other = self.prefix + "other"
        transaction = lambda pad: [put(other), {"Update": update(pad, 5)}]
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=transaction(4088)),
                           "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; "
                           "expression size: 4097")
        self.assertIsNone(self.item(other))
        self.assertEqual(self.item(k)["a"], {"N": "9"})
        self.db.transact_write_items(TransactItems=transaction(4087))
        self.assertEqual(self.item(k)["a"], {"N": "5"})

    def test_an_expression_attribute_placeholder_over_255_bytes_is_refused(self):
        k = self.prefix + "k"
        name, value = "#" + "n" * 254, ":" + "v" * 254  # 255 bytes each
        self.db.update_item(TableName=TABLE, Key=key(k), UpdateExpression=f"SET {name} = {value}",
                            ExpressionAttributeNames={name: "a"}, ExpressionAttributeValues={value: {"N": "1"}})
        self.assertEqual(self.item(k)["a"], {"N": "1"})
        self.assertRefused(lambda: self.db.update_item(
            TableName=TABLE, Key=key(k), UpdateExpression=f"SET {name}n = {value}",
            ExpressionAttributeNames={name + "n": "a"}, ExpressionAttributeValues={value: {"N": "2"}}),
            "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is "
            "too long; size of key: 256")
        self.assertRefused(lambda: self.db.update_item(
            TableName=TABLE, Key=key(k), UpdateExpression=f"SET {name} = {value}v",
            ExpressionAttributeNames={name: "a"}, ExpressionAttributeValues={value + "v": {"N": "2"}}),
            "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is "
            "too long; size of key: 256")
        self.assertEqual(self.item(k)["a"], {"N": "1"})

    def test_expression_attribute_names_and_values_over_2_mb_are_refused(self):
        # What counts: every placeholder, name and value ("#b", "b", ":big" and the string).
        total = 2 * KB * KB

        def put_if(pk, length, names=True):
            args = dict(TableName=TABLE, Item=key(pk), ConditionExpression="attribute_not_exists(pk) OR b = :big",
                        ExpressionAttributeValues={":big": {"S": "x" * length}})
            if names:
                args.update(ConditionExpression="attribute_not_exists(pk) OR #b = :big",
                            ExpressionAttributeNames={"#b": "b"})
            return args

        fits = total - len("#b") - len("b") - len(":big")
        self.db.put_item(**put_if(self.prefix + "in", fits))
        self.assertIsNotNone(self.item(self.prefix + "in"))
        self.assertRefused(lambda: self.db.put_item(**put_if(self.prefix + "over", fits + 1)),
                           "Combined size of ExpressionAttributeNames and ExpressionAttributeValues exceeds max size")
        self.assertRefused(lambda: self.db.put_item(**put_if(self.prefix + "over", total - len(":big") + 1, False)),
                           "ExpressionAttributeValues exceeds max size")
        self.assertIsNone(self.item(self.prefix + "over"))

    def test_an_expression_of_over_300_operators_is_refused(self):
        # NOT and the function are 2, each " OR a < :v" is 2 more (OR and <): 300.
        self.db.put_item(TableName=TABLE, Item=key(self.prefix + "in"),
                         ConditionExpression="NOT attribute_exists(pk)" + " OR a < :v" * 149,
                         ExpressionAttributeValues={":v": {"N": "1"}})
        self.assertIsNotNone(self.item(self.prefix + "in"))
        self.assertRefused(lambda: self.db.put_item(
            TableName=TABLE, Item=key(self.prefix + "over"),
            ConditionExpression="attribute_not_exists(pk)" + " OR a < :v" * 150,
            ExpressionAttributeValues={":v": {"N": "1"}}),
            "Invalid ConditionExpression: The expression contains too many operators; operator count: 301")
        self.assertIsNone(self.item(self.prefix + "over"))
        # An update's + and - (its = is an assignment) and its functions.
        k = self.prefix + "in"
        self.db.update_item(TableName=TABLE, Key=key(k), UpdateExpression="SET a = :v" + " + :v" * 300,
                            ExpressionAttributeValues={":v": {"N": "1"}})
        self.assertEqual(self.item(k)["a"], {"N": "301"})
        self.assertRefused(lambda: self.db.update_item(
            TableName=TABLE, Key=key(k), UpdateExpression="SET a = if_not_exists(a, :v)" + " + :v" * 300,
            ExpressionAttributeValues={":v": {"N": "1"}}),
            "Invalid UpdateExpression: The expression contains too many operators; operator count: 301")
        self.assertEqual(self.item(k)["a"], {"N": "301"})

    def test_an_in_of_over_100_operands_is_refused(self):
        def put_if(pk, operands):
            values = {f":v{i}": {"N": str(i)} for i in range(operands)}
            return dict(TableName=TABLE, Item=key(pk), ExpressionAttributeValues=values,
                        ConditionExpression=f"attribute_not_exists(pk) OR a IN ({', '.join(values)})")
        self.db.put_item(**put_if(self.prefix + "in", 100))
        self.assertIsNotNone(self.item(self.prefix + "in"))
        self.assertRefused(lambda: self.db.put_item(**put_if(self.prefix + "over", 101)),
                           "Invalid ConditionExpression: The IN operator is provided with too many operands; "
                           "number of operands: 101")
        self.assertIsNone(self.item(self.prefix + "over"))

    def test_an_item_over_400_kb_is_refused(self):
        limit = 400 * KB
        # Sized by AWS's rules, not by the text: a number is about half its digits, a map
        # 3 bytes plus 1 per element.
        exact = item_of_size(self.prefix + "in", limit - 12)
        exact["m"] = {"M": {"k": {"N": "12345.000"}}}  # 1 + 3 + (1 + 1 + 4) = 10 bytes
        exact["t"] = {"BOOL": True}  # 2 bytes
        self.db.put_item(TableName=TABLE, Item=exact)
        self.assertEqual(self.item(self.prefix + "in"), exact)
        over = item_of_size(self.prefix + "over", limit + 1)
        self.assertRefused(lambda: self.db.put_item(TableName=TABLE, Item=over),
                           "Item size has exceeded the maximum allowed size")
        small = key(self.prefix + "small")
        self.assertRefused(lambda: self.db.batch_write_item(RequestItems={TABLE: [
            {"PutRequest": {"Item": small}}, {"PutRequest": {"Item": over}}]}),
            "Item size has exceeded the maximum allowed size")
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=[
            put(self.prefix + "small"), {"Put": {"TableName": TABLE, "Item": over}}]),
            "Item size has exceeded the maximum allowed size")
        self.assertIsNone(self.item(self.prefix + "over"))
        self.assertIsNone(self.item(self.prefix + "small"))
        self.db.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": small}},
                                                       {"PutRequest": {"Item": item_of_size(self.prefix + "b", limit)}}]})
        self.db.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE,
                                                             "Item": item_of_size(self.prefix + "t", limit)}}])
        self.assertIsNotNone(self.item(self.prefix + "b"))
        self.assertIsNotNone(self.item(self.prefix + "t"))

    def test_an_update_that_grows_an_item_over_400_kb_is_refused(self):
        k, other = self.prefix + "k", self.prefix + "other"
        start = item_of_size(k, 300 * KB)
        self.db.put_item(TableName=TABLE, Item=start)
        grow = lambda name, length: dict(TableName=TABLE, Key=key(k), UpdateExpression=f"SET {name} = :c",
                                         ExpressionAttributeValues={":c": {"S": "y" * length}})
        self.db.update_item(**grow("c", 100 * KB - 1))  # "c" and its value: exactly 400 KB
        grown = self.item(k)
        self.assertRefused(lambda: self.db.update_item(**grow("d", 0)),  # 1 byte more
                           "Item size to update has exceeded the maximum allowed size")
        self.assertEqual(self.item(k), grown)
        # In a transaction: cancelled, with AWS's ValidationError reason; nothing applied.
        with self.assertRaises(ClientError) as cm:
            self.db.transact_write_items(TransactItems=[put(other), {"Update": grow("d", 0)}])
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual(err["CancellationReasons"], [
            {"Code": "None"},
            {"Code": "ValidationError", "Message": "Item size to update has exceeded the maximum allowed size"}])
        self.assertEqual(self.item(k), grown)
        self.assertIsNone(self.item(other))
        # Shrinking it back makes room again.
        self.db.update_item(TableName=TABLE, Key=key(k), UpdateExpression="REMOVE c")
        self.db.transact_write_items(TransactItems=[put(other), {"Update": grow("d", 0)}])
        self.assertEqual(self.item(k)["d"], {"S": ""})

    def test_a_partition_key_over_2048_bytes_is_refused(self):
        message = ("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
                   "limit of2048 bytes")
        longest = "é" * 1024  # 2048 bytes: the limit is on UTF-8 bytes
        self.db.put_item(TableName=TABLE, Item={**key(longest), "a": {"N": "1"}})
        self.assertEqual(self.item(longest)["a"], {"N": "1"})
        over = longest + "x"
        self.assertRefused(lambda: self.db.put_item(TableName=TABLE, Item=key(over)), message)
        self.assertRefused(lambda: self.db.get_item(TableName=TABLE, Key=key(over)), message)
        self.assertRefused(lambda: self.db.update_item(TableName=TABLE, Key=key(over), UpdateExpression="SET a = :a",
                                                       ExpressionAttributeValues={":a": {"N": "1"}}), message)
        self.assertRefused(lambda: self.db.delete_item(TableName=TABLE, Key=key(longest[:-1] + "xyz")), message)
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=[put(over)]), message)
        self.assertEqual(self.item(longest), {**key(longest), "a": {"N": "1"}})

    def test_a_sort_key_over_1024_bytes_is_refused(self):
        message = ("One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
                   "the size limit of 1024 bytes")
        k = self.prefix + "k"
        self.db.put_item(TableName=TABLE, Item=key(k, "s" * 1024))
        self.assertIsNotNone(self.item(k, "s" * 1024))
        self.assertRefused(lambda: self.db.put_item(TableName=TABLE, Item=key(k, "s" * 1025)), message)
        self.assertRefused(lambda: self.db.batch_get_item(RequestItems={TABLE: {"Keys": [key(k, "s" * 1025)]}}),
                           message)
        self.assertRefused(lambda: self.db.batch_write_item(RequestItems={TABLE: [
            {"PutRequest": {"Item": key(k, "t")}}, {"DeleteRequest": {"Key": key(k, "s" * 1025)}}]}), message)
        self.assertIsNone(self.item(k, "t"))
        self.assertEqual(self.db.query(TableName=TABLE, KeyConditionExpression="pk = :p", ConsistentRead=True,
                                       ExpressionAttributeValues={":p": {"S": k}})["Count"], 1)

    def test_an_attribute_name_over_64_kb_is_refused(self):
        message = "Attribute name is too large, must be less than 65536 bytes"
        k = self.prefix + "k"
        self.db.put_item(TableName=TABLE, Item={**key(k), "a" * 65535: {"N": "1"}})
        self.assertEqual(self.item(k)["a" * 65535], {"N": "1"})
        self.assertRefused(lambda: self.db.put_item(TableName=TABLE, Item={**key(k), "a" * 65536: {"N": "2"}}),
                           message)
        self.assertRefused(lambda: self.db.update_item(
            TableName=TABLE, Key=key(k), UpdateExpression="SET #n = :v",
            ExpressionAttributeNames={"#n": "a" * 65536}, ExpressionAttributeValues={":v": {"N": "2"}}), message)
        self.assertEqual(set(self.item(k)), {"pk", "sk", "a" * 65535})

    def test_a_key_attribute_name_over_255_bytes_is_refused(self):
        def create(name, key_name, index_key_name="g"):
            self.db.create_table(
                TableName=name, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": key_name, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key_name, "AttributeType": "S"},
                                      {"AttributeName": index_key_name, "AttributeType": "S"}],
                GlobalSecondaryIndexes=[{"IndexName": "ByG", "Projection": {"ProjectionType": "ALL"},
                                         "KeySchema": [{"AttributeName": index_key_name, "KeyType": "HASH"}]}])
        create(self.prefix + "in", "k" * 255, "g" * 255)
        long_key, long_index_key = "k" * 256, "g" * 256
        self.assertRefused(lambda: create(self.prefix + "over", long_key),
                           f"1 validation error detected: Value '{long_key}' at 'keySchema.1.member.attributeName' "
                           "failed to satisfy constraint: Member must have length less than or equal to 255")
        self.assertRefused(lambda: create(self.prefix + "over", "k", long_index_key),
                           f"1 validation error detected: Value '{long_index_key}' at "
                           "'globalSecondaryIndexes.1.member.keySchema.1.member.attributeName' failed to satisfy "
                           "constraint: Member must have length less than or equal to 255")
        tables = self.db.list_tables()["TableNames"]
        self.assertIn(self.prefix + "in", tables)
        self.assertNotIn(self.prefix + "over", tables)

    def test_a_transaction_of_over_100_items_is_refused(self):
        pks = [f"{self.prefix}{i}" for i in range(101)]
        members = ", ".join(f"com.amazonaws.dynamodb.v20120810.TransactWriteItem@{0x10000001 + i:x}" for i in range(101))
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=[put(pk) for pk in pks]),
                           f"1 validation error detected: Value '[{members}]' at 'transactItems' failed to satisfy "
                           "constraint: Member must have length less than or equal to 100")
        self.assertIsNone(self.item(pks[0]))
        self.db.transact_write_items(TransactItems=[put(pk) for pk in pks[:100]])
        self.assertIsNotNone(self.item(pks[99]))
        self.assertIsNone(self.item(pks[100]))

    def test_a_transaction_over_4_mb_is_refused(self):
        limit = 4 * KB * KB
        def puts(tag, total):
            sizes = [400 * KB] * 10 + [total - 10 * 400 * KB]
            return [{"Put": {"TableName": TABLE, "Item": item_of_size(f"{self.prefix}{tag}{i:02}", size)}}
                    for i, size in enumerate(sizes)]
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=puts("over", limit + 1)),
                           "The aggregate size of the items in the transaction exceeds 4 MB")
        self.assertIsNone(self.item(self.prefix + "over00"))
        self.db.transact_write_items(TransactItems=puts("in", limit))
        self.assertIsNotNone(self.item(self.prefix + "in10"))

    def test_a_transaction_naming_one_item_twice_is_refused(self):
        k, other = self.prefix + "k", self.prefix + "other"
        check = lambda pk: {"ConditionCheck": {"TableName": TABLE, "Key": key(pk),
                                               "ConditionExpression": "attribute_not_exists(pk)"}}
        self.assertRefused(lambda: self.db.transact_write_items(TransactItems=[put(k), put(other), check(k)]),
                           "Transaction request cannot include multiple operations on one item")
        self.assertIsNone(self.item(k))
        self.assertIsNone(self.item(other))
        self.db.transact_write_items(TransactItems=[put(k), check(other), {"Put": {
            "TableName": TABLE, "Item": key(k, sk="2")}}])  # the same partition, another item
        self.assertIsNotNone(self.item(k))

    def test_a_batch_write_of_over_25_requests_is_refused(self):
        requests = lambda tag, n: [{"PutRequest": {"Item": key(f"{self.prefix}{tag}{i}")}} for i in range(n)]
        members = ", ".join(f"com.amazonaws.dynamodb.v20120810.WriteRequest@{0x10000001 + i:x}" for i in range(26))
        self.assertRefused(lambda: self.db.batch_write_item(RequestItems={TABLE: requests("a", 26)}),
                           f"1 validation error detected: Value '{{{TABLE}=[{members}]}}' at 'requestItems' failed "
                           "to satisfy constraint: Map value must satisfy constraint: [Member must have length less "
                           "than or equal to 25, Member must have length greater than or equal to 1]")
        slots = [{"PutRequest": {"Item": {"pk": {"S": f"{self.prefix}s{i}"}}}} for i in range(13)]
        self.assertRefused(lambda: self.db.batch_write_item(RequestItems={TABLE: requests("b", 13), SLOTS: slots}),
                           "Too many items requested for the BatchWriteItem call")
        self.assertIsNone(self.item(self.prefix + "a0"))
        self.assertIsNone(self.item(self.prefix + "b0"))
        self.db.batch_write_item(RequestItems={TABLE: requests("c", 12), SLOTS: slots})
        self.db.batch_write_item(RequestItems={TABLE: requests("d", 25)})
        self.assertIsNotNone(self.item(self.prefix + "c11"))
        self.assertIsNotNone(self.item(self.prefix + "d24"))

    def test_a_batch_get_of_over_100_keys_is_refused(self):
        keys = [key(f"{self.prefix}{i}") for i in range(101)]
        self.db.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": k}} for k in keys[:25]]})
        self.assertRefused(lambda: self.db.batch_get_item(RequestItems={TABLE: {"Keys": keys}}),
                           f"1 validation error detected: Value at 'requestItems.{TABLE}.member.keys' failed to "
                           "satisfy constraint: Member must have length less than or equal to 100")
        slots = [{"pk": {"S": f"{self.prefix}s{i}"}} for i in range(50)]
        self.assertRefused(lambda: self.db.batch_get_item(RequestItems={TABLE: {"Keys": keys[:51]},
                                                                        SLOTS: {"Keys": slots}}),
                           "Too many items requested for the BatchGetItem call")
        out = self.db.batch_get_item(RequestItems={TABLE: {"Keys": keys[:50]}, SLOTS: {"Keys": slots}})
        self.assertEqual(len(out["Responses"][TABLE]), 25)
        self.assertEqual(len(self.db.batch_get_item(RequestItems={TABLE: {"Keys": keys[:100]}})["Responses"][TABLE]),
                         25)

    def test_a_batch_get_over_16_mb_answers_the_rest_as_unprocessed(self):
        # 40 items of 400 KB fit in 16 MB of answer, a 41st does not: it is left unprocessed
        # (no error), for the caller to ask again.
        keys = []
        for i in range(41):
            item = item_of_size(f"{self.prefix}{i:02}", 400 * KB)
            self.db.put_item(TableName=TABLE, Item=item)
            keys.append(key(item["pk"]["S"]))
        out = self.db.batch_get_item(RequestItems={TABLE: {"Keys": keys, "ConsistentRead": True}})
        self.assertEqual(len(out["Responses"][TABLE]), 40)
        self.assertEqual(len(out["UnprocessedKeys"][TABLE]["Keys"]), 1)
        left = out["UnprocessedKeys"][TABLE]["Keys"]
        self.assertEqual(len(self.db.batch_get_item(RequestItems={TABLE: {"Keys": left}})["Responses"][TABLE]), 1)

    def slot(self, pk, until, concert):
        return {"pk": {"S": pk}, "concertId": {"S": concert}, "slotUntil": {"N": str(until)}}

    def by_slot(self, concert):
        """The BySlot index's entries of one concert: {pk: slotUntil}."""
        out = self.db.query(TableName=SLOTS, IndexName="BySlot", KeyConditionExpression="concertId = :c",
                            ExpressionAttributeValues={":c": {"S": concert}})
        return {i["pk"]["S"]: int(i["slotUntil"]["N"]) for i in out["Items"]}

    def test_a_global_index_sees_writes_only_after_the_lag(self):
        lag = 2.0  # seconds: room for the requests that must all fall within it
        self.assertEqual(self.server.faults({"index_lag_ms": lag * 1000})["config"]["index_lag_ms"], lag * 1000)
        concert, a, b = self.prefix + "c", self.prefix + "a", self.prefix + "b"

        def within_lag(since, check):
            check()
            self.assertLess(time.monotonic() - since, lag, "too slow to observe the lag")

        def after_lag(since, check):
            time.sleep(max(0.0, since + lag + 0.1 - time.monotonic()))
            check()

        written = time.monotonic()
        self.db.put_item(TableName=SLOTS, Item=self.slot(a, 5, concert))
        self.db.transact_write_items(TransactItems=[{"Put": {"TableName": SLOTS, "Item": self.slot(b, 7, concert)}}])
        within_lag(written, lambda: self.assertEqual(self.by_slot(concert), {}))
        # The table itself is never behind: reads that are not of the index see the writes.
        got = self.db.get_item(TableName=SLOTS, Key={"pk": {"S": a}}, ConsistentRead=True)["Item"]
        self.assertEqual(got, self.slot(a, 5, concert))
        self.assertEqual(self.db.query(TableName=SLOTS, KeyConditionExpression="pk = :p",
                                       ExpressionAttributeValues={":p": {"S": b}})["Count"], 1)
        after_lag(written, lambda: self.assertEqual(self.by_slot(concert), {a: 5, b: 7}))

        # An update is seen with the old values, a delete still seen, until the lag has passed.
        written = time.monotonic()
        self.db.update_item(TableName=SLOTS, Key={"pk": {"S": a}}, UpdateExpression="SET slotUntil = :u",
                            ExpressionAttributeValues={":u": {"N": "9"}})
        self.db.update_item(TableName=SLOTS, Key={"pk": {"S": a}}, UpdateExpression="SET slotUntil = :u",
                            ExpressionAttributeValues={":u": {"N": "11"}})
        self.db.delete_item(TableName=SLOTS, Key={"pk": {"S": b}})
        within_lag(written, lambda: self.assertEqual(self.by_slot(concert), {a: 5, b: 7}))
        scan = self.db.scan(TableName=SLOTS, IndexName="BySlot", FilterExpression="concertId = :c",
                            ExpressionAttributeValues={":c": {"S": concert}})
        self.assertEqual(scan["Count"], 2)
        self.assertIsNone(self.db.get_item(TableName=SLOTS, Key={"pk": {"S": b}}, ConsistentRead=True).get("Item"))
        after_lag(written, lambda: self.assertEqual(self.by_slot(concert), {a: 11}))

        # Off again: the index is current at once.
        self.server.faults({})
        self.db.put_item(TableName=SLOTS, Item=self.slot(b, 3, concert))
        self.assertEqual(self.by_slot(concert), {a: 11, b: 3})

    def test_index_lag_is_off_by_default(self):
        concert = self.prefix + "c"
        self.db.put_item(TableName=SLOTS, Item=self.slot(self.prefix + "a", 5, concert))
        self.assertEqual(self.by_slot(concert), {self.prefix + "a": 5})
        self.assertEqual(self.server.faults("index_lag_ms=250")["config"]["index_lag_ms"], 250.0)


class EnvironmentTests(unittest.TestCase):
    def test_faults_from_the_environment_and_summary_on_exit(self):
        server = Server("throttle=1.0, seed=3")
        try:
            state = server.wait_ready()
            self.assertEqual(state["config"]["throttle"], 1.0)
            self.assertEqual(state["config"]["seed"], 3)
            with self.assertRaises(ClientError):
                server.client("dynamodb").list_tables()
        finally:
            out = server.stop()
        self.assertRegex(out, r"injected: .*throttle=1\b")

    def test_off_without_the_variable(self):
        server = Server()
        try:
            self.assertEqual(server.wait_ready()["config"], {})
            server.client("dynamodb").list_tables()
        finally:
            server.stop()

    def test_unreadable_config_is_a_startup_error(self):
        server = Server("throttle=lots")
        try:
            self.assertNotEqual(server.proc.wait(timeout=20), 0)
        finally:
            out = server.stop()
        self.assertIn("LOCAL_AWS_FAULTS: fault config: throttle='lots' is not a number", out)


if __name__ == "__main__":
    unittest.main()
