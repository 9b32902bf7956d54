# Normalizer targets; included from the top-level Makefile.

# How long `make fuzz` runs the normalizer fuzzer, in seconds.
FUZZ_SECONDS ?= 60

.PHONY: fuzz
## fuzz: run the normalizer fuzzer for $(FUZZ_SECONDS) s, seeded with the recorded fixtures (needs nightly and cargo-fuzz)
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p fuzz/corpus/normalize
	cp tests/fixtures/normalize/*.txt fuzz/corpus/normalize/
	cargo +nightly fuzz run normalize fuzz/corpus/normalize -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10
