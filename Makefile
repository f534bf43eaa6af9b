# Cutout: build, set-up and test entry points.
#
#   make run       install what is missing, then open the editor (FILE=photo.jpg to open a photo)
#   make test      install what is missing, then run every test
#   make package   the Linux and Windows packages in dist/ (make package-darwin on a Mac)
#
# Debian packages are installed with apt-get when missing (as root, or via
# sudo). The model and ONNX Runtime are fetched with npm into the cache
# ($CUTOUT_CACHE or ~/.cache/cutout) once; later runs do not touch the network.

SHELL := /bin/bash
GO ?= go
DEB_PACKAGES := gcc libgl1-mesa-dev xorg-dev xvfb xauth x11-apps imagemagick xdotool
# The Windows build's C compiler, and wine for its smoke test.
WINDOWS_PACKAGES := gcc-mingw-w64-x86-64
WINE_PACKAGES := wine wine64
MINGW_CC := x86_64-w64-mingw32-gcc
TEST_TIMEOUT ?= 80m
FILE ?=
FYNE_VERSION := v1.7.4
FYNE := $(CURDIR)/build/bin/fyne

.PHONY: all run build headless deps windows-deps wine-deps assets gpu test vet windows bench bench-batch eval eval-strokes fuzz \
	package package-linux package-windows package-darwin package-check clean

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
# with Fyne's migrated threading model. Builds that are shipped or timed
# add nodynamic: the HEIC and AVIF decoders are then the WebAssembly ones
# Cutout carries, never a system libheif or libavif found at start.
TAGS := migrated_fynedo
SHIP_TAGS := $(TAGS),nodynamic
HEADLESS_TAGS := nogui,nodynamic

build: deps
	$(GO) build -tags $(TAGS) -o build/cutout ./cmd/cutout

# headless is the command-line tool alone: no GUI libraries, stripped.
headless:
	$(GO) build -tags $(HEADLESS_TAGS) -trimpath -ldflags "-s -w" -o build/cutout-headless ./cmd/cutout

# windows cross-compiles the editor (build/windows/cutout.exe, a windowed
# program) and the command-line tool (build/windows/cutout-cli.exe) for
# Windows x64 with mingw-w64, after vetting the runtime and asset code for
# Windows.
WINDOWS_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(MINGW_CC)
windows: windows-deps
	$(WINDOWS_ENV) $(GO) vet ./inference/ ./models/
	$(WINDOWS_ENV) $(GO) build -tags $(SHIP_TAGS) -ldflags "-H=windowsgui" -o build/windows/cutout.exe ./cmd/cutout
	$(WINDOWS_ENV) $(GO) build -tags $(HEADLESS_TAGS) -o build/windows/cutout-cli.exe ./cmd/cutout

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
# detector with Fyne's migrated threading; then it checks the Linux package
# on a machine without Go, npm or a cache. The Windows build is compiled too.
test: assets vet windows wine-deps
	CGO_ENABLED=0 $(GO) test -count=1 ./refine/...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	xvfb-run -a -s "-screen 0 1600x1000x24" $(GO) test -count=1 -race -short -tags $(TAGS) -timeout $(TEST_TIMEOUT) ./ui/... ./refine/...
	$(MAKE) package-check

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

# eval-strokes runs the simulated user of interactive segmentation on
# both developer sets: from the automatic cutout, up to ten clicks on the
# largest error region, with the default tools and with the plain brush;
# a tab-separated table of the clicks to IoU 0.90 and 0.95 (NoC), with
# mean and median rows. STROKES_FLAGS passes flags (-run REGEXP, -cache
# DIR).
STROKES_FLAGS ?=
eval-strokes: assets
	$(GO) run ./cmd/evaluate strokes $(STROKES_FLAGS) ../shared/testdata/portraits ../shared/testdata/people

# package builds the packages for Linux and Windows into dist/. Each
# carries ONNX Runtime beside the program and the default model, so an
# installed Cutout runs offline, without Go, npm or a cache; it checks them
# against their SHA-256 on first use and derives the model's fp32 form into
# the user's cache then. The macOS package needs Apple's SDK: run
# "make package-darwin" on a Mac.
package: package-linux package-windows
	@echo "Linux x64:   dist/Cutout-linux-amd64.tar.xz  ($$(du -h dist/Cutout-linux-amd64.tar.xz | cut -f1); tar xf, then make user-install or sudo make install)"
	@echo "Windows x64: dist/Cutout-windows-amd64.zip   ($$(du -h dist/Cutout-windows-amd64.zip | cut -f1); unzip, then run Cutout\\Cutout.exe)"
	@echo "macOS arm64: dist/Cutout-darwin-arm64.zip    (make package-darwin, on a Mac)"

# The fyne tool is built once for this machine; its own builds may then
# cross-compile with another C compiler.
$(FYNE):
	GOBIN=$(CURDIR)/build/bin $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

# fyne-package runs the fyne tool in folder $(1) for --os $(2), with the
# environment $(3) (for the builds it runs; it sets GOOS itself) and more
# flags $(4). The tool wants the main package as
# its source folder and rewrites the FyneApp.toml it finds there (it counts
# builds), so it is given a copy there for the run.
define fyne-package
	cp FyneApp.toml cmd/cutout/FyneApp.toml
	cd $(1) && $(3) $(FYNE) package --os $(2) --src $(CURDIR)/cmd/cutout --icon $(CURDIR)/assets/icon.png --release $(4); \
	  status=$$?; rm -f $(CURDIR)/cmd/cutout/FyneApp.toml; exit $$status
endef

# package-linux: dist/Cutout-linux-amd64.tar.xz, the fyne tool's bundle
# (desktop file, icon, a Makefile that installs under /usr/local or
# ~/.local) plus lib/cutout/ (ONNX Runtime), share/cutout/models/ and
# THIRD-PARTY-NOTICES.txt (the licences cutout version --licences prints).
package-linux: deps $(FYNE)
	rm -rf build/pkg-linux && mkdir -p build/pkg-linux/root dist
	$(GO) build -tags $(SHIP_TAGS) -trimpath -ldflags "-s -w" -o build/pkg-linux/cutout ./cmd/cutout
	$(call fyne-package,build/pkg-linux,linux,,--exe $(CURDIR)/build/pkg-linux/cutout)
	tar -xJf build/pkg-linux/Cutout.tar.xz -C build/pkg-linux/root
	$(GO) run -tags nogui ./cmd/cutout fetch --platform linux/amd64 --model medium --bundle build/pkg-linux/root/cutout/usr/local/bin
	$(GO) run -tags nogui ./cmd/cutout version --licences > build/pkg-linux/root/cutout/THIRD-PARTY-NOTICES.txt
	sed -i -E -e 's@^(\tinstall -Dm00755 usr/local/bin/\$$\(Exec\) (.*)/bin/\$$\(Exec\))$$@\1\n\tinstall -Dm00644 -t \2/lib/cutout usr/local/lib/cutout/*\n\tinstall -Dm00644 -t \2/share/cutout/models usr/local/share/cutout/models/*@' \
	  -e 's@^(\t-rm (.*)/bin/\$$\(Exec\))$$@\1\n\t-rm -r \2/lib/cutout \2/share/cutout@' build/pkg-linux/root/cutout/Makefile
	@test $$(grep -c 'lib/cutout' build/pkg-linux/root/cutout/Makefile) = 4 || { echo "the fyne tool's Makefile changed: install lines for lib/cutout not added"; exit 1; }
	tar -C build/pkg-linux/root -cf - cutout | xz -T0 -6 > dist/Cutout-linux-amd64.tar.xz.tmp
	mv dist/Cutout-linux-amd64.tar.xz.tmp dist/Cutout-linux-amd64.tar.xz

# package-windows: dist/Cutout-windows-amd64.zip, a Cutout folder with the
# editor (Cutout.exe, with its icon and version), the command-line tool
# (cutout-cli.exe), onnxruntime.dll and DirectML.dll beside them, models\
# and THIRD-PARTY-NOTICES.txt.
# The fyne tool builds the editor itself here, to embed the icon, in the
# main package's folder, and renames it there.
package-windows: windows-deps $(FYNE)
	rm -rf build/pkg-windows && mkdir -p build/pkg-windows/Cutout dist
	$(call fyne-package,build/pkg-windows/Cutout,windows,CC=$(MINGW_CC) GOARCH=amd64,--exe Cutout.exe)
	mv cmd/cutout/Cutout.exe build/pkg-windows/Cutout/
	$(WINDOWS_ENV) $(GO) build -tags $(HEADLESS_TAGS) -trimpath -ldflags "-s -w" -o build/pkg-windows/Cutout/cutout-cli.exe ./cmd/cutout
	$(GO) run -tags nogui ./cmd/cutout fetch --platform windows/amd64 --model medium --bundle build/pkg-windows/Cutout
	$(GO) run -tags nogui ./cmd/cutout version --licences > build/pkg-windows/Cutout/THIRD-PARTY-NOTICES.txt
	rm -f dist/Cutout-windows-amd64.zip && cd build/pkg-windows && zip -q -r -X ../../dist/Cutout-windows-amd64.zip Cutout

# package-darwin: dist/Cutout-darwin-arm64.zip, Cutout.app with ONNX Runtime
# in Contents/Frameworks and the model in Contents/Resources/models, signed
# ad hoc. It runs on a Mac with Go and Xcode's command-line tools.
package-darwin: $(FYNE)
	@[ "$$(uname -s)/$$(uname -m)" = Darwin/arm64 ] || { echo "package-darwin runs on an Apple silicon Mac (cgo needs Apple's SDK)"; exit 1; }
	rm -rf build/pkg-darwin && mkdir -p build/pkg-darwin dist
	$(GO) build -tags $(SHIP_TAGS) -trimpath -ldflags "-s -w" -o build/pkg-darwin/cutout ./cmd/cutout
	$(call fyne-package,build/pkg-darwin,darwin,,--exe $(CURDIR)/build/pkg-darwin/cutout)
	$(GO) run -tags nogui ./cmd/cutout fetch --platform darwin/arm64 --model medium --bundle build/pkg-darwin/Cutout.app/Contents/MacOS
	$(GO) run -tags nogui ./cmd/cutout version --licences > build/pkg-darwin/Cutout.app/Contents/Resources/THIRD-PARTY-NOTICES.txt
	codesign --force --deep --sign - build/pkg-darwin/Cutout.app
	rm -f dist/Cutout-darwin-arm64.zip && ditto -c -k --keepParent build/pkg-darwin/Cutout.app dist/Cutout-darwin-arm64.zip

# package-check unpacks the Linux package into a clean folder and cuts out
# the sample portrait with it, in place and installed with its Makefile,
# with an empty home, no Go or npm on PATH and, where the system allows,
# no network; the cutout must equal the development build's.
package-check: package-linux headless
	.ci/bundle-check.sh dist/Cutout-linux-amd64.tar.xz build/cutout-headless assets/sample/astronaut.png

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
	rm -f cmd/cutout/FyneApp.toml cmd/cutout/Cutout.exe

# bench-batch times a CPU batch of N 12 MP photos one by one against one
# process, sequential and overlapped, and checks the outputs are the same bytes.
bench-batch: assets headless
	.ci/bench-batch.sh build/cutout-headless $(or $(N),50)
