"""Create the tables and queues of template.yaml on a local endpoint (moto), and write
what the local stack needs from the same template: the functions' environment and the
HttpApi routes. template.yaml is the one definition; nothing here repeats it.

usage: provision.py ENDPOINT OUT_DIR
writes OUT_DIR/env (shell `export` lines) and OUT_DIR/routes.json
"""
import json
import os
import sys

import boto3
import yaml


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short tags (!Ref X) as {"Ref": X} and the like."""


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
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


def main() -> None:
    endpoint, out_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(os.path.dirname(__file__), "..", "template.yaml")) as f:
        template = yaml.load(f, Loader=CfnLoader)
    region = os.environ.get("AWS_REGION", "us-east-1")
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
    resources = template["Resources"]
    refs = {}

    existing_tables = set(dynamodb.list_tables()["TableNames"])
    for name, res in resources.items():
        if res["Type"] != "AWS::DynamoDB::Table":
            continue
        p = res["Properties"]
        refs[name] = name
        if name in existing_tables:
            continue
        args = {
            "TableName": name,
            "AttributeDefinitions": p["AttributeDefinitions"],
            "KeySchema": p["KeySchema"],
            "BillingMode": p.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in p:
            args["GlobalSecondaryIndexes"] = p["GlobalSecondaryIndexes"]
        dynamodb.create_table(**args)
        ttl = p.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)

    queues = [(n, r) for n, r in resources.items() if r["Type"] == "AWS::SQS::Queue"]
    # Dead-letter queues first: a redrive policy names its target's ARN.
    queues.sort(key=lambda nr: "RedrivePolicy" in nr[1].get("Properties", {}))
    arns = {}
    for name, res in queues:
        attrs = {}
        for key, value in (res.get("Properties") or {}).items():
            if key == "RedrivePolicy":
                target = value["deadLetterTargetArn"]["Fn::GetAtt"][0]
                value = json.dumps({"deadLetterTargetArn": arns[target], "maxReceiveCount": str(value["maxReceiveCount"])})
            attrs[key] = str(value)
        url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        refs[name] = url

    params = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}

    def resolve(value):
        if isinstance(value, dict) and "Ref" in value:
            return refs.get(value["Ref"], params.get(value["Ref"]))
        return str(value)

    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "env"), "w") as f:
        for key, value in variables.items():
            f.write(f"export {key}='{resolve(value)}'\n")

    routes = []
    for name, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        binary = res["Metadata"]["BuildProperties"]["Binary"]
        for event in (res["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                routes.append({"method": event["Properties"]["Method"].upper(),
                               "path": event["Properties"]["Path"], "function": binary})
    with open(os.path.join(out_dir, "routes.json"), "w") as f:
        json.dump(routes, f, indent=1)


if __name__ == "__main__":
    main()
