# Cutout: build, set-up and test entry points.
#
#   make run     install what is missing, then open the editor (FILE=photo.jpg to open a photo)
#   make test    install what is missing, then run every test
#
# Debian packages are installed with apt-get when missing (as root, or via
# sudo). The model and ONNX Runtime are fetched with npm into the cache
# ($CUTOUT_CACHE or ~/.cache/cutout) once; later runs do not touch the network.

SHELL := /bin/bash
GO ?= go
DEB_PACKAGES := gcc libgl1-mesa-dev xorg-dev xvfb xauth x11-apps imagemagick
# The Windows build's C compiler, and wine for its smoke test.
WINDOWS_PACKAGES := gcc-mingw-w64-x86-64
WINE_PACKAGES := wine wine64
MINGW_CC := x86_64-w64-mingw32-gcc
TEST_TIMEOUT ?= 80m
FILE ?=

.PHONY: all run build headless deps windows-deps wine-deps assets gpu test vet windows bench bench-batch fuzz package clean

all: build

# apt-install installs the Debian packages named in $(1) that are missing.
define apt-install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "could not install:$$missing (run as root, or install them with apt-get)"; exit 1; }; \
	fi
endef

# deps installs the Debian packages the build and the GUI tests need.
deps:
	$(call apt-install,$(DEB_PACKAGES))
	@command -v npm >/dev/null || { echo "npm is needed to fetch the model: apt-get install nodejs npm"; exit 1; }

# windows-deps installs mingw-w64, the C compiler cgo needs for Windows.
windows-deps:
	$(call apt-install,$(WINDOWS_PACKAGES))

# wine-deps installs wine, which runs the Windows build in the tests.
wine-deps:
	$(call apt-install,$(WINE_PACKAGES))

# assets fetches and verifies the ISNet models and the CPU ONNX Runtime, and
# the CUDA build too where an NVIDIA driver is present.
assets: deps
	$(GO) run -tags nogui ./cmd/cutout fetch $$([ -e /proc/driver/nvidia/version ] && echo --gpu)

# gpu also fetches the CUDA build of ONNX Runtime (ORT 1.29, CUDA 13, cuDNN 9).
gpu: deps
	$(GO) run -tags nogui ./cmd/cutout fetch --gpu

# FyneApp.toml declares the fyne.Do migration, so the editor is built
# with Fyne's migrated threading model.
TAGS := migrated_fynedo

build: deps
	$(GO) build -tags $(TAGS) -o build/cutout ./cmd/cutout

# headless is the command-line tool alone: no GUI libraries, stripped.
headless:
	$(GO) build -tags nogui -trimpath -ldflags "-s -w" -o build/cutout-headless ./cmd/cutout

# windows cross-compiles the editor (build/windows/cutout.exe, a windowed
# program) and the command-line tool (build/windows/cutout-cli.exe) for
# Windows x64 with mingw-w64, after vetting the runtime and asset code for
# Windows.
WINDOWS_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(MINGW_CC)
windows: windows-deps
	$(WINDOWS_ENV) $(GO) vet ./inference/ ./models/
	$(WINDOWS_ENV) $(GO) build -tags $(TAGS) -ldflags "-H=windowsgui" -o build/windows/cutout.exe ./cmd/cutout
	$(WINDOWS_ENV) $(GO) build -tags nogui -o build/windows/cutout-cli.exe ./cmd/cutout

run: assets
	$(GO) run -tags $(TAGS) ./cmd/cutout $(FILE)

# vet also type-checks the macOS build (editor and command line): cgo for
# macOS needs Apple's SDK, so .ci/typecheck.go checks the Go code without it.
vet: deps
	$(GO) vet ./...
	$(GO) vet -tags nogui ./cmd/...
	$(GO) run .ci/typecheck.go -os darwin -arch arm64 -tags nogui ./cmd/...
	$(GO) run .ci/typecheck.go -os darwin -arch arm64 -tags $(TAGS) ./cmd/...
	@out=$$(gofmt -l cmd ui inference refine assets models .ci); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# test runs every test: refine without cgo, everything under a virtual X
# display with the real model and runtime (with the Windows build under
# wine), then the editor and the matting code again under the race
# detector with Fyne's migrated threading. The Windows build is compiled too.
test: assets vet windows wine-deps
	CGO_ENABLED=0 $(GO) test -count=1 ./refine/...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -race -short -tags $(TAGS) -timeout $(TEST_TIMEOUT) ./ui/... ./refine/... ./inference/imageio/...

# bench prints the benchmark table: pre/post-processing, PNG encoding,
# matting, and whole cutouts at 1 MP and 12 MP split by stage; then the
# command line end to end with its peak memory.
bench: assets headless
	@mkdir -p build/bench
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./inference/... ./refine/... | tee build/bench.txt
	@for size in 1280x800 4000x3000; do \
	  convert assets/sample/astronaut.png -resize $$size! -quality 92 build/bench/portrait-$$size.jpg; \
	  rm -f build/bench/out/*; \
	  build/cutout-headless remove --cpu --no-refine -o build/bench/out build/bench/portrait-$$size.jpg; \
	  rm -f build/bench/out/*; \
	  build/cutout-headless remove --cpu -o build/bench/out build/bench/portrait-$$size.jpg; \
	done

# package builds the Linux desktop bundle (binary, .desktop file, icon)
# into dist/Cutout.tar.xz with the fyne tool.
package: deps
	$(GO) build -tags $(TAGS) -trimpath -o build/cutout ./cmd/cutout
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --os linux --src . --exe build/cutout --release
	mkdir -p dist && mv Cutout.tar.xz dist/

# fuzz runs each fuzz target for FUZZTIME (default 60s); crashers are kept
# as seeds under the package's testdata/fuzz.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./inference/imageio
	$(GO) test -run '^$$' -fuzz '^FuzzEncodePNG$$' -fuzztime $(FUZZTIME) ./inference/imageio
	$(GO) test -run '^$$' -fuzz '^FuzzRunDeflater$$' -fuzztime $(FUZZTIME) ./inference/imageio
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./inference/imageio/jpegdec
	$(GO) test -run '^$$' -fuzz '^FuzzWiden$$' -fuzztime $(FUZZTIME) ./models
	$(GO) test -run '^$$' -fuzz '^FuzzAutoTrimap$$' -fuzztime $(FUZZTIME) ./refine
	$(GO) test -run '^$$' -fuzz '^FuzzSolveAlpha$$' -fuzztime $(FUZZTIME) ./refine

clean:
	rm -rf build dist

# bench-batch times a CPU batch of N 12 MP photos one by one against one
# process, sequential and overlapped, and checks the outputs are the same bytes.
bench-batch: assets headless
	.ci/bench-batch.sh build/cutout-headless $(or $(N),50)
