# tgmux: the two commands are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
# scripts/install-deps' mode: empty for everything, --build for only what building needs.
DEPS ?=
PREFIX ?= /opt/tgmux

.PHONY: all deps configure build install run test test-postgres bench demo cluster-demo clean sanitize fuzz

all: build

deps:
	@./scripts/install-deps $(DEPS)

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The binaries and the pinned libtdjson under PREFIX (bin/, lib/tgmux/); see docs/deployment.md.
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

run: build
	./$(BUILD_DIR)/tgmux serve

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 300 -j $$(( $(JOBS) * 2 ))

# The same suite with every tgmux the end-to-end tests start on PostgreSQL
# (a database of its own on the suite's private server).
test-postgres: build
	cd $(BUILD_DIR) && TGMUX_TEST_STORE=postgres ctest --output-on-failure --timeout 300 -j $$(( $(JOBS) * 2 ))

bench: build
	./scripts/run-benches $(BUILD_DIR)

demo: build
	BUILD_DIR=$(BUILD_DIR) ./scripts/demo

# Three nodes on one PostgreSQL and tgsim (docs/cluster.md); --check runs it as a test does.
cluster-demo: build
	BUILD_DIR=$(BUILD_DIR) ./scripts/cluster-demo

sanitize:
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0 \
	  $(MAKE) test BUILD_DIR=build-asan CMAKE_FLAGS=-DTGMUX_SANITIZE=ON BUILD_TYPE=Debug

# libFuzzer targets (fuzz/) built with clang-14 into build-fuzz, each run FUZZ_SECONDS.
fuzz: deps
	FUZZ_JOBS=$(JOBS) ./fuzz/run $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR)
