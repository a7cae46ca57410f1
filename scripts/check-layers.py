#!/usr/bin/env python3
"""The library's shape, checked (ADR 0011). The crates' dependencies are the compiler's to
enforce; what it cannot see, this does:

1. no import circle between the library's files: a file names another through `use
   crate::...` or an inline `crate::a::b::Item` path, and no file reaches itself again by
   following those names (a `mod.rs` only declares its children and is left out: declaring
   is not importing);
2. no library source file over 500 lines, test files (`tests.rs`, `tests/`) aside;
3. the domain crate names no AWS, Lambda or HTTP-server crate in any of its files.

Exit status 1 and one line per finding when any fails. Run by `make lint` and `make test`.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRATES = ["lib/domain/src", "lib/adapters/src", "lib/edge/src"]
MAX_LINES = 500
FORBIDDEN_IN_DOMAIN = re.compile(r"\b(aws_sdk_\w+|aws_config|aws_lambda_events|lambda_http|lambda_runtime|hyper)::")


def module_of(src_root: str, path: str) -> list[str]:
    rel = os.path.relpath(path, src_root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return rel


def is_test(path: str) -> bool:
    return path.endswith("tests.rs") or f"{os.sep}tests{os.sep}" in path


def rust_files(src_root: str):
    for d, _, files in os.walk(src_root):
        for f in sorted(files):
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def file_graph(src_root: str) -> dict[str, set[str]]:
    """Each non-test file's module path -> the module paths (of files) it names."""
    modules = {}
    for path in rust_files(src_root):
        if is_test(path):
            continue
        modules[tuple(module_of(src_root, path))] = path
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        if os.path.basename(path) in ("mod.rs", "lib.rs"):
            continue
        text = open(path, encoding="utf-8").read()
        # Test modules inside the file are test code: cut from `#[cfg(test)]\nmod tests {`.
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests\s*\{", text)[0]
        named = set()
        # `super::` paths, made absolute: a file's `super` is its parent module.
        def absolute(m):
            ups = m.group(0).count("super::")
            base = list(mod[: len(mod) - ups]) if ups <= len(mod) else []
            return "crate::" + "".join(p + "::" for p in base)

        text = re.sub(r"\b(?:super::)+", absolute, text)
        for m in re.finditer(r"crate::((?:\w+::)*\w+)(?:::\{([^;]*?)\})?", text):
            parts = m.group(1).split("::")
            # the longest prefix that is a file's module
            for k in range(len(parts), 0, -1):
                if tuple(parts[:k]) in modules:
                    named.add(tuple(parts[:k]))
                    break
            if m.group(2):
                for inner in re.findall(r"(\w+)(?:::\w+)*", m.group(2)):
                    cand = tuple(parts + [inner])
                    if cand in modules:
                        named.add(cand)
        named.discard(mod)
        graph["::".join(mod)] = {"::".join(n) for n in named if os.path.basename(modules[n]) not in ("mod.rs", "lib.rs")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def main() -> int:
    problems = []
    for crate in CRATES:
        src_root = os.path.join(ROOT, crate)
        for loop in cycles(file_graph(src_root)):
            problems.append(f"{crate}: import circle: {' -> '.join(loop)}")
        for path in rust_files(src_root):
            rel = os.path.relpath(path, ROOT)
            text = open(path, encoding="utf-8").read()
            lines = text.count("\n")
            if not is_test(path) and lines > MAX_LINES:
                problems.append(f"{rel}: {lines} lines (at most {MAX_LINES} outside tests)")
            if crate == "lib/domain/src" and FORBIDDEN_IN_DOMAIN.search(text):
                problems.append(f"{rel}: the domain names an AWS, Lambda or HTTP-server crate")
    for p in problems:
        print(p)
    if not problems:
        print("layers: no import circle, no file over 500 lines, the domain free of AWS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
