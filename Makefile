# Thin wrapper over CMake. `make demo` and `make test` are all a fresh Debian 12 machine needs:
# both install missing system packages (scripts/install-deps.sh), configure, and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
XSTILTS = $(BUILD_DIR)/cli/xstilts

.PHONY: all deps build test demo bench clean

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

clean:
	rm -rf $(BUILD_DIR)
