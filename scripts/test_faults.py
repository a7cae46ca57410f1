"""Tests of the DynamoDB fault injector in scripts/moto_server.py.

Each test starts from faults off, turns on the faults it needs through POST /_faults and
checks, with boto3 and no client retries, what the client sees and what was applied.

    .local/venv/bin/python scripts/test_faults.py
"""
import json
import os
import socket
import subprocess
import sys
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

    def wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("moto_server.py exited:\n" + self.proc.stdout.read())
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
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out

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
                          "window_ms": 200.0, "seed": 0})
        self.assertEqual(self.server.faults("conflict=0.5, seed=3")["config"]["seed"], 3)  # the env var's form
        for bad in ({"throttle": 2}, {"nope": 1}, {"seed": "x"}, "throttle", "[1]"):
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
