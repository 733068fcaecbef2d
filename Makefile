# hallq — make run starts the default hall on :8080; make test runs every test.
GO          ?= go
BENCHDIR    ?= .bench
SCREENSHOTS ?= bin/screenshots
STATICCHECK  = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test fuzz screenshots bench bench-full bench-go soak check fmt vet staticcheck clean

run:
	$(GO) run ./cmd/hallq

build:
	$(GO) build -o bin/hallq ./cmd/hallq

test:
	$(GO) test -race -count=1 ./...

# Each fuzz target for a few seconds, or FUZZTIME=3000x inputs (go runs one
# -fuzz pattern per package at a time). Not part of test; CI runs it with a
# count (see .ci/run).
FUZZTIME ?= 5s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeJSON$$' -fuzztime $(FUZZTIME) ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime $(FUZZTIME) ./web
	$(GO) test -run '^$$' -fuzz '^FuzzLogin$$' -fuzztime $(FUZZTIME) ./web
	$(GO) test -run '^$$' -fuzz '^FuzzSocketInput$$' -fuzztime $(FUZZTIME) ./web
	$(GO) test -run '^$$' -fuzz '^FuzzParseCardCSV$$' -fuzztime $(FUZZTIME) ./manager
	$(GO) test -run '^$$' -fuzz '^FuzzNormalizeCardNumber$$' -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEventRecord$$' -fuzztime $(FUZZTIME) ./store

# The browser tests, saving a PNG of each page state they reach in
# $(SCREENSHOTS), for a person to look at.
screenshots:
	@mkdir -p $(SCREENSHOTS)
	HALLQ_SCREENSHOTS=$(abspath $(SCREENSHOTS)) HALLQ_BROWSER_TESTS=required $(GO) test -count=1 -run Browser ./cmd/hallq
	@echo "screenshots in $(SCREENSHOTS)"

# The figures of issue 13 in one table: cmd/hallbench builds the hub, starts
# it on a database in $(BENCHDIR) (the disk the database would live on, not
# a tmpfs), measures that disk, then the hub. bench is the standard profile
# (under a minute); bench-full adds the million tickets of history and the
# 10,000 websocket clients (several minutes).
bench:
	$(GO) run ./cmd/hallbench -profile standard -dir $(BENCHDIR)
	@rm -rf $(BENCHDIR)

bench-full:
	$(GO) run ./cmd/hallbench -profile full -dir $(BENCHDIR)
	@rm -rf $(BENCHDIR)

# The go test benchmarks of the store and the hub (durable issue, fsync,
# a start on a million tickets, sockets), on the same disk.
bench-go:
	@mkdir -p $(BENCHDIR)
	@df -PT $(BENCHDIR) | awk 'NR==2 {print "file system of $(CURDIR)/$(BENCHDIR): " $$2 " on " $$1}'
	HALLQ_BENCH_DIR=$(CURDIR)/$(BENCHDIR) $(GO) test -run '^$$' -bench . -benchtime 3s -count 1 ./store ./cmd/hallq
	@rm -rf $(BENCHDIR)

# A hundred SIGKILLs of a hub process under mixed load, then 1,000
# websocket clients on one while tickets are issued at full speed; the
# figures are in the test output (rounds, requests acknowledged, clients
# held, RSS, tickets/s).
soak:
	HALLQ_CRASH_ROUNDS=100 HALLQ_SOAK=1 $(GO) test -race=false -count=1 -run 'TestCrashMixed|TestOverload' -timeout 30m -v ./cmd/hallq

# Issue 14's simulated halls: each scenario's estimates at issue against
# the waits that followed, beside a naive estimate's and an oracle's
# (docs/ESTIMATES.md). A few minutes.
.PHONY: simulate
simulate:
	$(GO) run ./cmd/hallsim -seed 1 -days 30 -oracle-runs 50

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

check: fmt vet staticcheck test

clean:
	rm -rf bin $(BENCHDIR)
