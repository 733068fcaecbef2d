# hallq — make run starts the default hall on :8080; make test runs every test.
GO       ?= go
BENCHDIR ?= .bench
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test bench check fmt vet staticcheck clean

run:
	$(GO) run ./cmd/hallq

build:
	$(GO) build -o bin/hallq ./cmd/hallq

test:
	$(GO) test -race -count=1 ./...

# Durable ticket issue, measured on the disk the database would live on
# (this directory), not on a tmpfs.
bench:
	@mkdir -p $(BENCHDIR)
	@df -PT $(BENCHDIR) | awk 'NR==2 {print "file system of $(CURDIR)/$(BENCHDIR): " $$2 " on " $$1}'
	HALLQ_BENCH_DIR=$(CURDIR)/$(BENCHDIR) $(GO) test -run '^$$' -bench . -benchtime 3s -count 1 ./store ./cmd/hallq
	@rm -rf $(BENCHDIR)

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

check: fmt vet staticcheck test

clean:
	rm -rf bin $(BENCHDIR)
