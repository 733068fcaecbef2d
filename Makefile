# hallq — make run starts the default hall on :8080; make test runs every test.
GO          ?= go
BENCHDIR    ?= .bench
SCREENSHOTS ?= bin/screenshots
STATICCHECK  = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test screenshots bench check fmt vet staticcheck clean

run:
	$(GO) run ./cmd/hallq

build:
	$(GO) build -o bin/hallq ./cmd/hallq

test:
	$(GO) test -race -count=1 ./...

# The browser tests, saving a PNG of each page state they reach in
# $(SCREENSHOTS), for a person to look at.
screenshots:
	@mkdir -p $(SCREENSHOTS)
	HALLQ_SCREENSHOTS=$(abspath $(SCREENSHOTS)) HALLQ_BROWSER_TESTS=required $(GO) test -count=1 -run Browser ./cmd/hallq
	@echo "screenshots in $(SCREENSHOTS)"

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
