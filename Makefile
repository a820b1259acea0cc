# privscan — the two commands that matter: `make demo` and `make test`.
# Both install what they need first: Chromium from Debian's packages and the
# pinned consent rule set (DuckDuckGo's autoconsent, into the user's cache).

GO      ?= go
BIN     ?= bin/privscan
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test test-reliability demo bench bench-workers chromium autoconsent vet clean

all: build

## chromium: install Debian's Chromium when no browser is found
chromium:
	@scripts/ensure-chromium.sh

## autoconsent: fetch the pinned autoconsent package into the cache when it
## is not there (integrity-checked; `privscan rules update` does the work)
autoconsent:
	@GO=$(GO) scripts/ensure-autoconsent.sh

## build: compile the binary into bin/
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/privscan

vet:
	$(GO) vet ./...

## test: vet and run every test against real Chromium, the fixture internet,
## SQLite and PostgreSQL (started on loopback by scripts/ensure-postgres.sh
## unless PRIVSCAN_TEST_POSTGRES names one). Packages run one at a time:
## browser tests of two packages at once on 2 cores would measure each
## other's load, not the code.
test: chromium autoconsent vet
	PRIVSCAN_TEST_POSTGRES="$${PRIVSCAN_TEST_POSTGRES:-$$(bash scripts/ensure-postgres.sh)}" \
	PRIVSCAN_TEST_POSTGRES_RESTART="$${PRIVSCAN_TEST_POSTGRES_RESTART:-bash $(CURDIR)/scripts/ensure-postgres.sh restart}" \
	$(GO) test -p 1 -count=1 -timeout 90m ./...

## demo: scan the fixture internet's demo site; print the findings and write
## demo-report.html (the client report), demo-report.json and demo-report.pdf
demo: chromium autoconsent build
	$(BIN) demo -o demo-report.html -o demo-report.json -o demo-report.pdf -o demo-report.txt
	@cat demo-report.txt

## test-reliability: only the multi-process worker tests (kill a worker
## mid-scan, restart PostgreSQL, ten sites across three workers), verbose
test-reliability: chromium
	PRIVSCAN_TEST_POSTGRES="$${PRIVSCAN_TEST_POSTGRES:-$$(bash scripts/ensure-postgres.sh)}" \
	PRIVSCAN_TEST_POSTGRES_RESTART="$${PRIVSCAN_TEST_POSTGRES_RESTART:-bash $(CURDIR)/scripts/ensure-postgres.sh restart}" \
	$(GO) test -count=1 -timeout 60m -run 'KillWorker|TenSites|PostgresRestart' -v ./internal/monitor/

## bench: page visits per second, CPU seconds per visit and peak browser memory
## (PSS over the browser's processes) at concurrency 1, 2, 4, the time of a
## 5-page scan (BenchmarkScanSmall), the scan time of the never-idle site
## (BenchmarkScanNeverIdle), then the per-page classification cost
## and policies analysed per second; bench-workers: sites per minute with 1, 2
## and 3 worker processes sharing a PostgreSQL queue
bench: chromium
	$(GO) test -run '^$$' -bench BenchmarkScan -benchtime 2x -timeout 30m ./internal/scan/
	$(GO) test -run '^$$' -bench . ./detectors/ ./internal/policy/

bench-workers: chromium
	CI=true PRIVSCAN_TEST_POSTGRES="$${PRIVSCAN_TEST_POSTGRES:-$$(bash scripts/ensure-postgres.sh)}" \
	$(GO) test -run '^$$' -bench BenchmarkWorkers -benchtime 1x -timeout 60m ./internal/monitor/

clean:
	rm -rf bin demo-report.*
