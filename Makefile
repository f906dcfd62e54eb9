# hdfsd: Apache Hadoop's HDFS daemons in Go. `make run` and `make test` are
# all a fresh Debian machine needs (see README.md).

GO           ?= go
BIN          := bin/hdfsd
TOOLS        := $(CURDIR)/.tools/bin
STOCK_HDFS   := $(TOOLS)/hdfs
SHARED       ?= $(CURDIR)/../shared
SCHEMA_CHECK := $(SHARED)/tools/wire-schema-check/check
FUZZTIME     ?= 20s
BENCHTIME    ?= 1s
TEST_TIMEOUT ?= 18m
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests use: protoc, the older stock Go HDFS CLI, and
# bats for the upstream CLI tests.
DEBS         := protobuf-compiler hdfs-cli bats

.PHONY: bench-namenode bench-qjm all build run test test-go schema-check protos bench fuzz soak lint deps tools clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/hdfsd
	$(GO) build -o bin/hdfsd-dfsio ./bench/dfsio/cmd/hdfsd-dfsio

run: build
	$(BIN) minicluster

test: deps tools lint schema-check test-go

test-go: build
	$(GO) test -race -timeout $(TEST_TIMEOUT) ./...

schema-check:
	$(SCHEMA_CHECK) -scope all protos

# Regenerate the Go code from protos/*.proto (protoc-gen-go is pinned in go.mod).
protos:
	rm -f protos/*/*.pb.go
	protoc --plugin=protoc-gen-go=$$($(GO) tool -n protoc-gen-go) \
		--go_out=. --go_opt=module=github.com/hdfsd/hdfsd \
		-Iprotos $$(cd protos && ls *.proto)

bench: build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	$(MAKE) bench-namenode
	$(MAKE) bench-qjm

# The NameNode as a process: memory per file and startup on NNMEM_FILES
# empty files, then NNThroughputBenchmark's ops against a fresh NameNode.
NNMEM_FILES ?= 1000000
bench-namenode: build
	$(BIN) bench nnmem -files $(NNMEM_FILES)
	@set -e; d=$$(mktemp -d); port=18520; \
	printf '<?xml version="1.0"?><configuration><property><name>dfs.namenode.name.dir</name><value>%s/name</value></property><property><name>dfs.namenode.rpc-address</name><value>127.0.0.1:%s</value></property><property><name>dfs.namenode.http-address</name><value>127.0.0.1:0</value></property><property><name>dfs.namenode.fs-limits.min-block-size</name><value>16</value></property></configuration>' $$d $$port > $$d/hdfs-site.xml; \
	$(BIN) --config $$d --loglevel WARN namenode -format -nonInteractive; \
	$(BIN) --config $$d --loglevel WARN namenode & pid=$$!; sleep 1; \
	$(BIN) bench namenode -fs hdfs://127.0.0.1:$$port -op all -threads 16 -files 100000 | grep -E 'stats|Ops per sec'; \
	$(BIN) bench namenode -fs hdfs://127.0.0.1:$$port -op mkdirs -threads 16 -dirs 100000 | grep -E 'stats|Ops per sec'; \
	kill $$pid; wait $$pid || true; rm -rf $$d

# A short campaign: every Fuzz target in the module for FUZZTIME each.
# Long runs of the randomized fault tests: NameNode kill -9 rounds under
# load, and the seeded QJM fault simulation.
SOAK_KILL_ROUNDS ?= 200
SOAK_QJM_ITERS   ?= 200000
soak: build
	HDFSD_KILL_ROUNDS=$(SOAK_KILL_ROUNDS) $(GO) test -count=1 -timeout 60m -run Durability ./compat-tests/
	HDFSD_QJM_FAULT_ITERS=$(SOAK_QJM_ITERS) $(GO) test -count=1 -timeout 60m -run TestQJMWithFaults ./qjournal/core/

# Journal throughput and latency through three local JournalNodes, with
# the disk's fsync latency measured beside it.
bench-qjm: build
	@set -e; d=$$(mktemp -d); pids=""; trap 'kill $$pids 2>/dev/null; rm -rf $$d; true' EXIT; \
	  for i in 0 1 2; do mkdir -p $$d/c$$i; \
	    printf '<?xml version="1.0"?><configuration><property><name>dfs.journalnode.edits.dir</name><value>%s</value></property><property><name>dfs.journalnode.rpc-address</name><value>127.0.0.1:0</value></property><property><name>dfs.journalnode.http-address</name><value>127.0.0.1:0</value></property></configuration>' $$d/e$$i > $$d/c$$i/hdfs-site.xml; \
	    $(BIN) --config $$d/c$$i journalnode 2> $$d/jn$$i.log & pids="$$pids $$!"; \
	  done; sleep 2; \
	  addrs=$$(grep -ho 'rpc=[0-9.:]*' $$d/jn*.log | cut -d= -f2 | paste -sd,); \
	  $(BIN) bench qjm -journals $$addrs -clients 1,4,16,64 -duration 5s -diskdir $$d

fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

lint:
	@bad=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go' | grep -v '\.pb\.go$$')); \
	  if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	$(GO) vet ./...

# System packages the tests need (Debian; as root, or with sudo).
deps:
	@missing=""; \
	  command -v protoc >/dev/null || missing="$$missing protobuf-compiler"; \
	  [ -x /usr/bin/hdfs ] || missing="$$missing hdfs-cli"; \
	  command -v bats >/dev/null || missing="$$missing bats"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; \
	  fi

# The stock Go client CLI, pinned, from the Go module proxy.
tools: $(STOCK_HDFS)

$(STOCK_HDFS):
	GOBIN=$(TOOLS) $(GO) install github.com/colinmarc/hdfs/v2/cmd/hdfs@v2.4.0

clean:
	rm -rf bin .tools
