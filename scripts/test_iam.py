"""Unit tests of scripts/local_iam.py: what each call needs, and who may make it."""

import json
import unittest

from local_iam import Policies

ACCOUNT = "123456789012"
CATALOG = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/local-catalog"
QUEUE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/local-queue"
EVENTS = f"arn:aws:sqs:us-east-1:{ACCOUNT}:local-events"


def signed(key):
    return f"AWS4-HMAC-SHA256 Credential={key}/20261207/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x"


def policies():
    p = Policies()
    p.load({
        "operator": [
            {"effect": "Allow", "actions": ["dynamodb:GetItem", "dynamodb:PutItem"], "resources": [CATALOG]},
        ],
        "admitter": [
            {"effect": "Allow", "actions": ["dynamodb:Query"], "resources": [f"{QUEUE}/index/*"]},
            {"effect": "Allow", "actions": ["dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"], "resources": [QUEUE]},
            {"effect": "Allow", "actions": ["sqs:SendMessage"], "resources": [EVENTS]},
            {"effect": "Deny", "actions": ["dynamodb:*"], "resources": [CATALOG]},
        ],
    })
    return p


class LocalIam(unittest.TestCase):
    def test_a_function_may_make_the_calls_its_policy_allows_and_no_other(self):
        p = policies()
        allowed = p.dynamodb_needs("PutItem", {"TableName": "local-catalog"}, "us-east-1")
        self.assertIsNone(p.refusal(signed("fn-operator"), allowed))
        update = p.dynamodb_needs("UpdateItem", {"TableName": "local-catalog"}, "us-east-1")
        status, headers, body = p.refusal(signed("fn-operator"), update)
        self.assertEqual(status, 400)
        doc = json.loads(body)
        self.assertEqual(doc["__type"], "com.amazon.coral.service#AccessDeniedException")
        self.assertIn(f"is not authorized to perform: dynamodb:UpdateItem on resource: {CATALOG}", doc["Message"])

    def test_the_administrator_and_an_unloaded_stack_are_not_checked(self):
        p = policies()
        update = p.dynamodb_needs("UpdateItem", {"TableName": "local-catalog"}, "us-east-1")
        self.assertIsNone(p.refusal(signed("testing"), update), "provisioning and test setup")
        self.assertIsNone(p.refusal("", update), "unsigned")
        p.load({})
        self.assertIsNone(p.refusal(signed("fn-operator"), update), "no policies loaded: off")

    def test_a_transaction_needs_each_items_own_action_on_its_table(self):
        p = policies()
        request = {"TransactItems": [
            {"Update": {"TableName": "local-queue"}},
            {"ConditionCheck": {"TableName": "local-queue"}},
        ]}
        needs = p.dynamodb_needs("TransactWriteItems", request, "us-east-1")
        self.assertEqual([a for a, _ in needs], ["dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"])
        self.assertIsNone(p.refusal(signed("fn-admitter"), needs))
        request["TransactItems"].append({"Put": {"TableName": "local-queue"}})
        needs = p.dynamodb_needs("TransactWriteItems", request, "us-east-1")
        self.assertIsNotNone(p.refusal(signed("fn-admitter"), needs), "PutItem is not in its policy")

    def test_an_index_query_needs_the_index_and_a_deny_wins(self):
        p = policies()
        by_slot = p.dynamodb_needs("Query", {"TableName": "local-queue", "IndexName": "BySlot"}, "us-east-1")
        self.assertEqual(by_slot, [("dynamodb:Query", f"{QUEUE}/index/BySlot")])
        self.assertIsNone(p.refusal(signed("fn-admitter"), by_slot))
        base = p.dynamodb_needs("Query", {"TableName": "local-queue"}, "us-east-1")
        self.assertIsNotNone(p.refusal(signed("fn-admitter"), base), "the table itself is not the index")
        p.by_function["admitter"].append({"effect": "Allow", "actions": ["dynamodb:*"], "resources": [CATALOG]})
        read = p.dynamodb_needs("GetItem", {"TableName": "local-catalog"}, "us-east-1")
        self.assertIsNotNone(p.refusal(signed("fn-admitter"), read), "an explicit Deny wins over an Allow")

    def test_sqs_needs_its_action_on_the_queue(self):
        p = policies()
        url = f"http://127.0.0.1:5000/{ACCOUNT}/local-events"
        self.assertIsNone(p.refusal(signed("fn-admitter"), p.sqs_needs("SendMessage", url, "us-east-1")))
        self.assertIsNotNone(p.refusal(signed("fn-admitter"), p.sqs_needs("DeleteMessage", url, "us-east-1")))
        self.assertIsNotNone(p.refusal(signed("fn-operator"), p.sqs_needs("SendMessage", url, "us-east-1")))


if __name__ == "__main__":
    unittest.main()
