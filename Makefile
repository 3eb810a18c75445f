# The two commands a new user needs (see README.md):
#   make run   install dependencies, build, run the hub on the embedded demo
#   make test  install dependencies, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: deps build run test test-parsers-asan clean bench

deps:
	bash deploy/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/simpul run -c examples/demo/simpul.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600
	$(MAKE) --no-print-directory test-parsers-asan

# The parser tests (JSONata lexer/parser/evaluator and picture strings, JSON,
# XML, CSV and NDJSON readers/writers, domain parsers, mapping files) once more
# under AddressSanitizer + UndefinedBehaviorSanitizer, in their own build tree
# (-O0: it builds in about two minutes on two cores).
ASAN_BUILD ?= build-asan
PARSER_TESTS = jsonata_test jsonata_picture_test mappings_formats_domain_test mapping_file_test
test-parsers-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" \
	  -DSIMPUL_SANITIZE=ON -DSIMPUL_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(PARSER_TESTS)
	set -e; for t in $(PARSER_TESTS); do \
	  echo "== $$t (ASan + UBSan)"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$$(find $(ASAN_BUILD)/tests -type f -name $$t)" --gtest_brief=1; \
	done

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
