"""IAM for the local stack: each function's DynamoDB and SQS calls held to exactly the
policy template.yaml gives that function, as AWS holds a Lambda's role (moto enforces no
IAM at all, so a missing permission would otherwise pass every local test and fail on AWS).

The functions sign their calls with the access key `fn-<binary>` (edge::wiring::Services::
connect_as); scripts/provision.py resolves every function's policy statements to local
ARNs and POSTs them to `/_iam` as {binary: [{"effect", "actions", "resources"}]}. A call
signed by any other key (provisioning, a test's own setup) is the account's administrator
and is not checked, as on AWS.

What a call needs, from AWS's documentation:
- DynamoDB: `dynamodb:<Operation>` on the table's ARN, or on `<table ARN>/index/<name>` for
  a Query or Scan of an index; BatchGetItem and BatchWriteItem need their action on every
  table they name; TransactWriteItems needs, for each of its items, the action of that item
  (PutItem, UpdateItem, DeleteItem, ConditionCheckItem) on its table, and TransactGetItems
  GetItem.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
- SQS: `sqs:<Action>` on the queue's ARN.
  https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
- An explicit Deny wins over any Allow; without an Allow, the call is refused.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
A refused call changes nothing and answers as AWS does: HTTP 400 AccessDeniedException
with the sentence AWS writes.
"""

import fnmatch
import json
import re

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/")

# TransactWriteItems' item kinds and the action each needs.
_TRANSACT_WRITE = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


class Policies:
    def __init__(self):
        self.by_function = {}

    def load(self, document):
        """Replace every function's statements; {} turns the check off."""
        self.by_function = {str(k): list(v) for k, v in (document or {}).items()}

    def state(self):
        return self.by_function

    @staticmethod
    def caller(authorization):
        """(function binary or None, region) from a SigV4 Authorization header."""
        m = _CREDENTIAL.search(authorization or "")
        if not m:
            return None, "us-east-1"
        key, region = m.group(1), m.group(2)
        return (key[3:] if key.startswith("fn-") else None), region

    def _account(self):
        for statements in self.by_function.values():
            for st in statements:
                for r in st.get("resources", []):
                    parts = r.split(":")
                    if len(parts) > 4 and parts[4].isdigit():
                        return parts[4]
        return "123456789012"

    def allows(self, function, action, resource):
        statements = self.by_function.get(function, [])
        matches = [
            st for st in statements
            if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in st.get("actions", []))
            and any(fnmatch.fnmatchcase(resource, r) for r in st.get("resources", []))
        ]
        if any(st.get("effect", "Allow") == "Deny" for st in matches):
            return False
        return any(st.get("effect", "Allow") == "Allow" for st in matches)

    def dynamodb_needs(self, op, request, region):
        """[(action, resource ARN)] a DynamoDB request needs."""
        account = self._account()
        table = lambda name: f"arn:aws:dynamodb:{region}:{account}:table/{name}"
        needs = []
        if op in ("BatchGetItem", "BatchWriteItem"):
            for name in (request.get("RequestItems") or {}):
                needs.append((f"dynamodb:{op}", table(name)))
        elif op == "TransactWriteItems":
            for item in request.get("TransactItems") or []:
                for kind, action in _TRANSACT_WRITE.items():
                    if kind in item:
                        needs.append((f"dynamodb:{action}", table(item[kind].get("TableName", ""))))
        elif op == "TransactGetItems":
            for item in request.get("TransactItems") or []:
                needs.append(("dynamodb:GetItem", table((item.get("Get") or {}).get("TableName", ""))))
        elif request.get("TableName"):
            resource = table(request["TableName"])
            if op in ("Query", "Scan") and request.get("IndexName"):
                resource += f"/index/{request['IndexName']}"
            needs.append((f"dynamodb:{op}", resource))
        return needs

    def sqs_needs(self, action, queue_url, region):
        name = (queue_url or "").rstrip("/").rsplit("/", 1)[-1]
        return [(f"sqs:{action}", f"arn:aws:sqs:{region}:{self._account()}:{name}")] if name else []

    def refusal(self, authorization, needs):
        """None if the caller may do all of `needs`, else (status, headers, body) as AWS
        answers an unauthorised call."""
        function, _ = self.caller(authorization)
        if function is None or not self.by_function:
            return None
        for action, resource in needs:
            if not self.allows(function, action, resource):
                role = f"arn:aws:sts::{self._account()}:assumed-role/{function}-role/{function}"
                message = (f"User: {role} is not authorized to perform: {action} on resource: {resource} "
                           f"because no identity-based policy allows the {action} action")
                body = json.dumps({"__type": "com.amazon.coral.service#AccessDeniedException", "Message": message,
                                   "message": message})
                headers = [("Content-Type", "application/x-amz-json-1.0"),
                           ("x-amzn-query-error", "AccessDenied;Sender")]
                return 400, headers, body
        return None
