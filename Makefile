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
TEST_TIMEOUT ?= 80m
FILE ?=

.PHONY: all run build headless deps assets gpu test vet bench bench-batch eval fuzz package clean

all: build

# deps installs the Debian packages the build and the GUI tests need.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "could not install:$$missing (run as root, or install them with apt-get)"; exit 1; }; \
	fi
	@command -v npm >/dev/null || { echo "npm is needed to fetch the model: apt-get install nodejs npm"; exit 1; }

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

run: assets
	$(GO) run -tags $(TAGS) ./cmd/cutout $(FILE)

vet: deps
	$(GO) vet ./...
	$(GO) vet -tags nogui ./cmd/...
	@out=$$(gofmt -l cmd ui inference refine assets models); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# test runs every test: refine without cgo, everything under a virtual X
# display with the real model and runtime, then the editor and the
# matting code again under the race detector with Fyne's migrated threading.
test: assets vet
	CGO_ENABLED=0 $(GO) test -count=1 ./refine/...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -race -short -tags $(TAGS) -timeout $(TEST_TIMEOUT) ./ui/... ./refine/...

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

# eval prints the evaluation table of the automatic cutout on the
# developer sets beside the repository (../shared/testdata): per image and
# as mean and median rows, IoU against reference masks and SAD, MSE and
# gradient error against hair mattes, for the model's matte, the
# automatic cutout, rembg's trimap through our solver and the set's own
# trimap. EVAL_FLAGS passes flags (-run REGEXP, -scale N, -dump DIR,
# -cache DIR).
EVAL_FLAGS ?=
eval: assets
	$(GO) run ./cmd/evaluate $(EVAL_FLAGS)

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
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./refine/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzEncodePNG$$' -fuzztime $(FUZZTIME) ./refine/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzRunDeflater$$' -fuzztime $(FUZZTIME) ./refine/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzWiden$$' -fuzztime $(FUZZTIME) ./models
	$(GO) test -run '^$$' -fuzz '^FuzzAutoGuide$$' -fuzztime $(FUZZTIME) ./refine
	$(GO) test -run '^$$' -fuzz '^FuzzSolveAlpha$$' -fuzztime $(FUZZTIME) ./refine

clean:
	rm -rf build dist

# bench-batch times a CPU batch of N 12 MP photos one by one against one
# process, sequential and overlapped, and checks the outputs are the same bytes.
bench-batch: assets headless
	.ci/bench-batch.sh build/cutout-headless $(or $(N),50)
