##@ Benchmarks
# Speed and memory live here, never in timed unit tests: every number is reported as a ratio against a
# baseline measured in the same run (reports/bench.json + tables on stdout; docs/bench.md explains).
# Not part of `make test`. About 4-5 minutes on 2 cores; knobs: see bench/run.ts
# (e.g. `make bench BENCH_SECTIONS=store`, BENCH_E2E_CPU_PROFILE=1 for a CPU breakdown by code area).
BENCH_SECTIONS ?=

.PHONY: bench
bench: install ## Benchmarks: kit HTTP overhead, store throughput, stack orders/s (ratios; reports/bench.json)
	node bench/run.ts $(BENCH_SECTIONS)
