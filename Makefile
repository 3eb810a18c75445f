# The two commands a new user needs (see README.md):
#   make run   install dependencies, build, run the hub on the embedded demo
#   make test  install dependencies, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: deps build run test clean bench

deps:
	bash deploy/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/simpul run -c examples/demo/simpul.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD)
