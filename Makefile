# Mosaic build, run and test entry points. The README's first two commands are
# `make run` and `make test`; .ci/run runs `make test`.

SHELL := /bin/bash
GO ?= go
# Debian packages that Fyne's desktop driver needs (cgo, OpenGL and X11 headers).
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Fyne reads the language from LANG and complains about C/POSIX locales.
ifneq ($(filter-out C C.UTF-8 C.utf8 POSIX,$(LANG)),$(LANG))
export LANG := en_US.UTF-8
endif
ifeq ($(LANG),)
export LANG := en_US.UTF-8
endif
# Brief fuzzing per target in `make test`.
FUZZTIME ?= 8s

.PHONY: deps run build cli test vet unit race fuzz kernels bench package clean

## deps: install the missing Debian packages and download the Go modules.
deps:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is required: install it from https://go.dev/dl and put it on PATH" >&2; exit 1; }
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	$(GO) mod download

## run: open the desktop app on its embedded default data.
run: deps
	$(GO) run ./cmd/mosaic

## build: build both programs into bin/.
build: deps
	$(GO) build -o bin/mosaic ./cmd/mosaic
	CGO_ENABLED=0 $(GO) build -o bin/mosaic-cli ./cmd/mosaic-cli

## cli: build the headless command line without cgo.
cli:
	CGO_ENABLED=0 $(GO) build -o bin/mosaic-cli ./cmd/mosaic-cli

## test: the whole test suite (what CI runs).
test: deps vet unit race fuzz
	@echo "make test: all checks passed"

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/mosaic-cli

unit:
	$(GO) test -count=1 ./...

## race: the packages that run goroutines, under the race detector.
race:
	$(GO) test -count=1 -race ./model/machine/... ./model/sampler/... ./model/gaussian/... ./model/network/... ./app/... ./widgets/...

## fuzz: run every fuzz target briefly. A run that fails with nothing but
## "context deadline exceeded" and writes no failing input is Go 1.26's
## fuzz coordinator racing its own -fuzztime deadline (go.dev/issue/75804,
## fixed in Go 1.27), not a finding: it is reported and not counted.
fuzz:
	@set -eo pipefail; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			if ! $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s $$pkg 2>&1 | tee $$log; then \
				if grep -q '^    context deadline exceeded$$' $$log && ! grep -q 'Failing input written' $$log && \
					[ "$$(grep -c '^--- FAIL' $$log)" = 1 ]; then \
					echo "fuzz $$f: the fuzz coordinator's own deadline (go.dev/issue/75804), no failing input: not a failure"; \
				else \
					exit 1; \
				fi; \
			fi; \
		done; \
	done

## bench: the speed table of the README (mosaic-cli bench) and the go benchmarks.
bench:
	$(GO) run ./cmd/mosaic-cli bench
	$(GO) test -run='^$$' -bench=. -benchmem ./model/machine/... ./model/gaussian/... ./model/network/...

## package: an installable Linux bundle (Mosaic.tar.xz) with `fyne package`,
## run from the root so that it reads FyneApp.toml (name, id, version, icon).
## fyne rewrites FyneApp.toml to bump Build; the target restores it.
package: deps
	$(GO) build -o bin/mosaic ./cmd/mosaic
	cp FyneApp.toml bin/FyneApp.toml.orig
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --os linux --executable bin/mosaic --release
	mv bin/FyneApp.toml.orig FyneApp.toml

clean:
	rm -rf bin
