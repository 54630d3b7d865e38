# Thin wrapper over CMake. `make demo` and `make test` are all a fresh Debian 12 machine needs:
# both install missing system packages (scripts/install-deps.sh), configure, and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
XSTILTS = $(BUILD_DIR)/cli/xstilts

# Sanitizer and fuzzing builds live in folders of their own (docs/testing.md).
SANITIZE_FLAGS = -G Ninja -DXSTILTS_WITH_TORCH=OFF -DXSTILTS_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
# The tests TSan runs: the executor, the store, locks, the processes that share a cache, and the
# tokenizer's pipelines (libtbb is not instrumented: tests/tsan.supp says which of its orders are
# suppressed and why; history_size keeps the workers' stacks restorable).
TSAN_TESTS = Executor|ArtifactStore|FileLock|CliRun|CacheIntegrity|ParallelEncoder|TokenizeStream|ExpectedContent
# Not Ctrl-C: TSan runs a signal handler only when the thread next enters instrumented code, and
# the main thread then waits inside libtbb, so SIGINT is handled after the running node ended.
TSAN_EXCLUDE = CliRun.CtrlC
FUZZ_SECONDS ?= 60

.PHONY: all deps build test demo bench clean check-sanitize check-asan check-tsan fuzz

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

demo: build
	$(XSTILTS) run pipelines/demo.yaml

bench: build
	@scripts/install-deps.sh --bench
	scripts/run-benchmarks.sh $(BUILD_DIR)

# ASan+UBSan over the LibTorch-free suite, then TSan over the concurrency tests.
check-sanitize: check-asan check-tsan

check-asan: deps
	cmake -S . -B build-asan $(SANITIZE_FLAGS) -DXSTILTS_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  scripts/check-sanitize.sh build-asan

check-tsan: deps
	cmake -S . -B build-tsan $(SANITIZE_FLAGS) -DXSTILTS_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	TSAN_OPTIONS="halt_on_error=1 history_size=7 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  scripts/check-sanitize.sh build-tsan '$(TSAN_TESTS)' '$(TSAN_EXCLUDE)'

# libFuzzer targets (clang), each run FUZZ_SECONDS from a seeded corpus.
fuzz: deps
	@scripts/install-deps.sh --fuzz
	CC=clang CXX=clang++ cmake -S . -B build-fuzz $(SANITIZE_FLAGS) -DXSTILTS_FUZZ=ON -DXSTILTS_BUILD_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz
