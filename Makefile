# The two commands a new engineer needs: `make run` and `make test`.
.PHONY: run test bench lint tools

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

lint:
	scripts/check-layers.py
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

tools:
	scripts/install-tools.sh
