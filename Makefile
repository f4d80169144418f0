# The two commands a new machine needs (see README.md):
#   make demo   installs what is missing, builds, starts display :0 and xdemo
#   make test   installs what is missing, then checks formatting, go mod
#               tidy, go vet and staticcheck, and runs every test
export PATH := /usr/local/go/bin:$(PATH)

GO ?= go
BIN := bin

.PHONY: demo test deps build bench clean

deps:
	./scripts/deps.sh

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# Runs the display server with its demo: the server prints its viewer URL,
# xdemo draws the seed program's line; Ctrl-C ends both.
demo: deps build
	./scripts/demo.sh

STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck

test: deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) test -race -timeout 40m ./...

# Reproduces BENCHMARKS.md: xbench against Xvfb, then xbench --peers
# (xfar beside Xpra and noVNC, whose packages deps.sh bench installs).
bench: build
	./scripts/deps.sh bench
	$(BIN)/xbench --out BENCHMARKS.md
	$(BIN)/xbench --peers --out BENCHMARKS.md

clean:
	rm -rf $(BIN)
