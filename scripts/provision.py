"""Create the tables and queues of template.yaml on a local endpoint (moto), and write
what the local stack needs from the same template: the functions' environment and the
HttpApi routes. template.yaml is the one definition; nothing here repeats it.

usage: provision.py ENDPOINT OUT_DIR
writes OUT_DIR/env (shell `export` lines) and OUT_DIR/routes.json

Only tables, queues, function environments and HttpApi routes matter here; every other
resource (roles, log groups, alarms, SNS, Cognito, ...) exists only on AWS and is ignored.
Intrinsic functions are evaluated with the parameters' defaults; an environment variable
whose value cannot be known locally (e.g. an attribute of a Cognito resource) is left out
with a note on stderr.

routes.json: [{"method", "path", "function", "public", "throttle", "timeoutSeconds"}].
`public` is true exactly when API Gateway runs no authorizer for the route (its event says
`Auth: {Authorizer: NONE}`, or its API has no default authorizer and the event names none):
the local gateway requires a JWT on every other route, as the HTTP API's JWT authorizer
does. `throttle` ({"rate", "burst"}, or null) is the route's RouteSettings or the stage's
DefaultRouteSettings; `timeoutSeconds` is the function's Timeout (Globals included): the
local gateway throttles and times out each route as API Gateway and Lambda do.
"""
import json
import urllib.request
import os
import re
import sys

import boto3
import yaml


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short tags (!Ref X) as {"Ref": X} and the like."""


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else "Condition" if suffix == "Condition" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)

ACCOUNT_ID = "123456789012"  # moto's default account
NO_VALUE = object()  # AWS::NoValue: the property (or variable) is absent


class Unresolvable(Exception):
    """A value that exists only once deployed to AWS."""


class Template:
    def __init__(self, template, region):
        self.resources = template.get("Resources") or {}
        self.conditions = template.get("Conditions") or {}
        self.globals = template.get("Globals") or {}
        self.params = {k: v.get("Default") for k, v in (template.get("Parameters") or {}).items()}
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "local",
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/local/local",
            "AWS::NoValue": NO_VALUE,
        }
        self.refs = {}  # logical id -> what Ref returns locally
        self.attrs = {}  # (logical id, attribute) -> what GetAtt returns locally
        self._condition_cache = {}

    def condition(self, name):
        if name not in self._condition_cache:
            if name not in self.conditions:
                raise Unresolvable(f"unknown condition {name}")
            self._condition_cache[name] = bool(self.resolve(self.conditions[name]))
        return self._condition_cache[name]

    def exists(self, res):
        """A resource whose Condition is false is not created."""
        return "Condition" not in res or self.condition(res["Condition"])

    def resolve(self, value):
        """The local value of a template expression; raises Unresolvable."""
        if isinstance(value, list):
            return [v for v in (self.resolve(x) for x in value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: v for k, v in ((k, self.resolve(x)) for k, x in value.items()) if v is not NO_VALUE}
        (fn, arg), = value.items()
        if fn == "Ref":
            if arg in self.pseudo:
                return self.pseudo[arg]
            if arg in self.refs:
                return self.refs[arg]
            if arg in self.params:
                if self.params[arg] is None:
                    raise Unresolvable(f"parameter {arg} has no default")
                return self.params[arg]
            raise Unresolvable(f"Ref {arg}")
        if fn == "Fn::GetAtt":
            logical, attr = arg if isinstance(arg, list) else arg.split(".", 1)
            if (logical, attr) in self.attrs:
                return self.attrs[(logical, attr)]
            raise Unresolvable(f"GetAtt {logical}.{attr}")
        if fn == "Condition":
            return self.condition(arg)
        if fn == "Fn::If":
            name, then, otherwise = arg
            return self.resolve(then if self.condition(name) else otherwise)
        if fn == "Fn::Equals":
            a, b = (self.resolve(x) for x in arg)
            return str(a) == str(b)
        if fn == "Fn::Not":
            return not self.resolve(arg[0])
        if fn == "Fn::And":
            return all(self.resolve(x) for x in arg)
        if fn == "Fn::Or":
            return any(self.resolve(x) for x in arg)
        if fn == "Fn::Join":
            sep, items = arg
            return str(sep).join(str(x) for x in self.resolve(items))
        if fn == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if fn == "Fn::Split":
            sep, text = arg
            return str(self.resolve(text)).split(sep)
        if fn == "Fn::Sub":
            text, names = (arg, {}) if isinstance(arg, str) else arg

            def var(m):
                name = m.group(1)
                if name.startswith("!"):
                    return "${" + name[1:] + "}"
                if name in names:
                    return str(self.resolve(names[name]))
                if "." in name and name not in self.pseudo:
                    return str(self.resolve({"Fn::GetAtt": name.split(".", 1)}))
                return str(self.resolve({"Ref": name}))

            return re.sub(r"\$\{([^}]+)\}", var, text)
        if fn.startswith("Fn::"):
            raise Unresolvable(fn)
        return {k: self.resolve(x) for k, x in value.items()}


def create_tables(t, dynamodb):
    existing = set(dynamodb.list_tables()["TableNames"])
    for logical, res in t.resources.items():
        if res.get("Type") != "AWS::DynamoDB::Table" or not t.exists(res):
            continue
        # Only what shapes the data; deletion protection, backups, encryption and the like
        # are AWS-side settings (and may name resources that exist only there).
        shape = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes",
                 "LocalSecondaryIndexes", "ProvisionedThroughput", "TimeToLiveSpecification")
        props = res.get("Properties") or {}
        p = {k: t.resolve(props[k]) for k in shape if k in props}
        name = p.get("TableName") or logical
        if name not in existing:
            args = {
                "TableName": name,
                "AttributeDefinitions": p["AttributeDefinitions"],
                "KeySchema": p["KeySchema"],
                "BillingMode": p.get("BillingMode", "PAY_PER_REQUEST"),
            }
            for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
                if key in p:
                    args[key] = p[key]
            dynamodb.create_table(**args)
            ttl = p.get("TimeToLiveSpecification")
            if ttl:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        t.refs[logical] = name
        t.attrs[(logical, "Arn")] = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]


# CloudFormation properties of AWS::SQS::Queue that are queue attributes locally.
SQS_ATTRIBUTES = {
    "ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue", "FifoThroughputLimit",
    "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "RedriveAllowPolicy",
    "RedrivePolicy", "VisibilityTimeout",
}


def _queue_dependencies(res):
    """Logical ids of the queues a queue's properties refer to (its dead-letter queue)."""
    found = set()

    def walk(v):
        if isinstance(v, dict):
            if "Fn::GetAtt" in v:
                arg = v["Fn::GetAtt"]
                found.add(arg[0] if isinstance(arg, list) else arg.split(".", 1)[0])
            if "Ref" in v:
                found.add(v["Ref"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(res.get("Properties") or {})
    return found


def create_queues(t, sqs):
    pending = {n: r for n, r in t.resources.items() if r.get("Type") == "AWS::SQS::Queue" and t.exists(r)}
    # A queue after the queues it names (a redrive policy names its dead-letter queue's ARN).
    while pending:
        ready = [n for n, r in pending.items() if not (_queue_dependencies(r) & set(pending) - {n})]
        if not ready:
            sys.exit(f"provision: queues refer to each other in a cycle: {sorted(pending)}")
        for logical in ready:
            res = pending.pop(logical)
            p = {}
            for key, expr in (res.get("Properties") or {}).items():
                if key not in SQS_ATTRIBUTES and key != "QueueName":
                    continue  # Tags, encryption settings: AWS-side only
                try:
                    p[key] = t.resolve(expr)
                except Unresolvable as e:
                    print(f"provision: {logical}.{key} is left out locally: {e} exists only on AWS", file=sys.stderr)
            name = p.pop("QueueName", None) or (logical + (".fifo" if p.get("FifoQueue") in (True, "true") else ""))
            attrs = {}
            for key, value in p.items():
                if value is NO_VALUE:
                    continue
                if isinstance(value, dict):
                    value = json.dumps({k: str(v) if isinstance(v, int) else v for k, v in value.items()})
                elif isinstance(value, bool):
                    value = str(value).lower()
                attrs[key] = str(value)
            url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            t.refs[logical] = url
            t.attrs[(logical, "Arn")] = arn
            t.attrs[(logical, "QueueName")] = name
            t.attrs[(logical, "QueueUrl")] = url


def _str(value):
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def environment(t):
    """The functions' variables: Globals, then each function's own (one process hosts them
    all locally, so a name must mean the same everywhere)."""
    sources = [("Globals", ((t.globals.get("Function") or {}).get("Environment") or {}).get("Variables") or {})]
    for logical, res in t.resources.items():
        if res.get("Type") == "AWS::Serverless::Function" and t.exists(res):
            env = ((res.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
            sources.append((logical, env))
    out = {}
    for origin, variables in sources:
        for key, expr in variables.items():
            try:
                value = t.resolve(expr)
            except Unresolvable as e:
                print(f"provision: {key} ({origin}) is left out locally: {e} exists only on AWS", file=sys.stderr)
                continue
            if value is NO_VALUE:
                continue
            if key in out and out[key] != _str(value):
                print(f"provision: {key} differs between functions; keeping {out[key]!r}", file=sys.stderr)
                continue
            out[key] = _str(value)
    return out


def routes(t):
    apis = {n: r for n, r in t.resources.items() if r.get("Type") == "AWS::Serverless::HttpApi"}
    global_auth = (t.globals.get("HttpApi") or {}).get("Auth") or {}
    out = []
    for logical, res in t.resources.items():
        if res.get("Type") != "AWS::Serverless::Function" or not t.exists(res):
            continue
        binary = res["Metadata"]["BuildProperties"]["Binary"]
        for event_name, event in ((res.get("Properties") or {}).get("Events") or {}).items():
            if event.get("Type") != "HttpApi":
                continue
            p = event.get("Properties") or {}
            api_id = p.get("ApiId")
            if api_id is None:
                default = global_auth.get("DefaultAuthorizer")  # the implicit API
            else:
                api_name = api_id.get("Ref") if isinstance(api_id, dict) else None
                if api_name not in apis:
                    sys.exit(f"provision: {logical}.{event_name}: ApiId must be !Ref of an AWS::Serverless::HttpApi")
                api_auth = (apis[api_name].get("Properties") or {}).get("Auth") or global_auth
                default = api_auth.get("DefaultAuthorizer")
            authorizer = (p.get("Auth") or {}).get("Authorizer", default)
            method = p["Method"].upper()
            api_props = (apis[api_name].get("Properties") or {}) if api_id is not None else {}
            out.append({
                "method": method,
                "path": p["Path"],
                "function": binary,
                "public": authorizer in (None, "NONE"),
                "throttle": throttle(t, api_props, f"{method} {p['Path']}"),
                "timeoutSeconds": int(t.resolve(function_props(t, res).get("Timeout", 3))),
            })
    return out


def function_props(t, res):
    """A function's properties over the Globals' (what SAM deploys)."""
    return {**(t.globals.get("Function") or {}), **(res.get("Properties") or {})}


def throttle(t, api_props, route_key):
    """The route's throttle as API Gateway applies it: its RouteSettings entry, else the
    stage's DefaultRouteSettings; None when neither sets one (the account's own limit)."""
    settings = ((api_props.get("RouteSettings") or {}).get(route_key)
                or api_props.get("DefaultRouteSettings") or {})
    if "ThrottlingRateLimit" not in settings and "ThrottlingBurstLimit" not in settings:
        return None
    return {
        "rate": float(t.resolve(settings.get("ThrottlingRateLimit", 10000))),
        "burst": int(t.resolve(settings.get("ThrottlingBurstLimit", 5000))),
    }


def policies(t):
    """Each function's IAM statements as the local DynamoDB and SQS enforce them:
    {binary: [{"effect", "actions": [...], "resources": [...]}]}, with every resource
    resolved to its local ARN (template.yaml is the one definition)."""
    out = {}
    for logical, res in t.resources.items():
        if res.get("Type") != "AWS::Serverless::Function" or not t.exists(res):
            continue
        binary = res["Metadata"]["BuildProperties"]["Binary"]
        statements = []
        for policy in (res.get("Properties") or {}).get("Policies") or []:
            if not isinstance(policy, dict) or "Statement" not in policy:
                sys.exit(f"provision: {logical}: only inline policy documents are supported locally")
            for st in policy["Statement"]:
                as_list = lambda v: v if isinstance(v, list) else [v]
                statements.append({
                    "effect": st.get("Effect", "Allow"),
                    "actions": [str(a) for a in as_list(st.get("Action", []))],
                    "resources": [str(t.resolve(r)) for r in as_list(st.get("Resource", []))],
                })
        out[binary] = statements
    return out


def main() -> None:
    endpoint, out_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(os.path.dirname(__file__), "..", "template.yaml")) as f:
        template = yaml.load(f, Loader=CfnLoader)
    region = os.environ.get("AWS_REGION", "us-east-1")
    t = Template(template, region)
    create_tables(t, boto3.client("dynamodb", endpoint_url=endpoint, region_name=region))
    create_queues(t, boto3.client("sqs", endpoint_url=endpoint, region_name=region))

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "env"), "w") as f:
        for key, value in environment(t).items():
            quoted = value.replace("'", "'\"'\"'")
            f.write(f"export {key}='{quoted}'\n")
    with open(os.path.join(out_dir, "routes.json"), "w") as f:
        json.dump(routes(t), f, indent=1)
    # The functions' policies, for the local DynamoDB and SQS to enforce (moto enforces no
    # IAM): a function's calls carry the access key `fn-<binary>` (edge::wiring).
    iam = policies(t)
    with open(os.path.join(out_dir, "iam.json"), "w") as f:
        json.dump(iam, f, indent=1)
    request = urllib.request.Request(f"{endpoint}/_iam", data=json.dumps(iam).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


if __name__ == "__main__":
    main()
