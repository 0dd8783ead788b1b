# CustomsRisk — the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
DEMO_DIR ?= demo-output
DEMO_ROWS ?= 60000
RISKCTL = .build/release/riskctl

.PHONY: deps build test test-kernels demo compare bench bench-check bench-smoke bench-update fuzz sanitize clean

## Install the Debian packages the build needs, if they are missing (root or sudo).
deps:
	@if ! pkg-config --exists openblas lapacke 2>/dev/null; then \
		echo "Installing libopenblas-dev liblapacke-dev pkg-config…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libopenblas-dev liblapacke-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build -c release --product riskctl

## Run the whole test suite (what CI runs).
test: deps
	$(SWIFT) test

## Kernel independence: the BLAS-related suites again under every OpenBLAS kernel this CPU runs (CI).
test-kernels: deps
	Scripts/test-kernels.sh

## End to end on generated declarations: generate, train, evaluate, score with reasons, explain.
demo: build
	@mkdir -p $(DEMO_DIR)
	$(RISKCTL) synth --rows $(DEMO_ROWS) --seed 1 --out $(DEMO_DIR)/declarations.csv --force
	$(RISKCTL) split --data $(DEMO_DIR)/declarations.csv --schema $(DEMO_DIR)/declarations.schema.json \
		--test-fraction 0.25 --out-train $(DEMO_DIR)/train.csv --out-test $(DEMO_DIR)/test.csv --force
	$(RISKCTL) train --data $(DEMO_DIR)/train.csv --schema $(DEMO_DIR)/declarations.schema.json \
		--model gbt --seed 1 --out $(DEMO_DIR)/model.json --force
	$(RISKCTL) evaluate --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/test.csv \
		--report $(DEMO_DIR)/report.html --force
	$(RISKCTL) score --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/test.csv \
		--out $(DEMO_DIR)/scores.csv --reasons 3 --inspection-rate 0.05 --force
	@echo "First scored declarations ($(DEMO_DIR)/scores.csv):"
	@head -n 6 $(DEMO_DIR)/scores.csv
	$(RISKCTL) explain --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/test.csv \
		--id "$$(awk -F, '$$4==1{print $$1}' $(DEMO_DIR)/scores.csv)"
	$(RISKCTL) inspect --model $(DEMO_DIR)/model.json
	@echo "Officer rules beside the model (Docs/examples/rules.json):"
	$(RISKCTL) rules check --rules Docs/examples/rules.json --schema $(DEMO_DIR)/declarations.schema.json
	$(RISKCTL) rules evaluate --rules Docs/examples/rules.json --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/test.csv
	@echo "Drift: the test months against the training data, then the same months with a new scheme from November:"
	$(RISKCTL) monitor --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/test.csv --window month
	$(RISKCTL) synth --rows $(DEMO_ROWS) --seed 1 --drift-from 2025-11-01 --out $(DEMO_DIR)/drifted.csv --force
	$(RISKCTL) split --data $(DEMO_DIR)/drifted.csv --schema $(DEMO_DIR)/drifted.schema.json \
		--test-fraction 0.25 --out-train $(DEMO_DIR)/drifted-train.csv --out-test $(DEMO_DIR)/drifted-test.csv --force
	$(RISKCTL) monitor --model $(DEMO_DIR)/model.json --data $(DEMO_DIR)/drifted-test.csv --window month \
		--report $(DEMO_DIR)/monitor.html --force || [ $$? -eq 3 ]
	@echo "Replay: monthly targeting over the second half of the year, with and without exploration:"
	$(RISKCTL) replay --data $(DEMO_DIR)/declarations.csv --start 2025-07-01 --period month --budget 0.05 \
		--exploration 0,0.1 --retrain-every 3 --iterations 100 --seed 1 --out $(DEMO_DIR)/replay.json \
		--report $(DEMO_DIR)/replay.html --force

## Side-by-side comparison with LightGBM, XGBoost and scikit-learn (installs them in a venv).
compare: build
	bash Benchmarks/compare/run.sh $(ARGS)

## Performance regression benchmarks (nested package).
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

bench-check: deps
	cd Benchmarks && $(SWIFT) package benchmark thresholds check

## Refresh the committed thresholds after a deliberate performance change.
bench-update: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark thresholds update

## A few-second smoke run of the benchmark commands (what CI runs; uses the debug build).
bench-smoke: deps
	$(SWIFT) build --product riskctl
	RISKCTL=.build/debug/riskctl bash Benchmarks/smoke.sh

FUZZ_SECONDS ?= 60

## Fuzz the CSV reader, schema parser and bundle loader for FUZZ_SECONDS each (nested package Fuzz/, libFuzzer + ASan).
fuzz: deps
	Scripts/fuzz.sh $(FUZZ_SECONDS)

## The test suite under AddressSanitizer, then ThreadSanitizer (.build-asan, .build-tsan).
sanitize: deps
	Scripts/sanitize.sh all

clean:
	rm -rf .build $(DEMO_DIR)
