#!/usr/bin/env bash
# Checks that the Linux package works on a machine with neither Go, npm nor
# Cutout's cache: it unpacks the package into a clean folder and cuts out a
# photo with the packaged program, first in place, then installed into an
# empty home with the package's own Makefile ("make user-install"). Each
# run has an empty HOME, a PATH with nothing on it and, where the system
# lets an unprivileged user make a namespace, no network. The cutouts must
# equal, byte for byte, the one the development build makes from the cache.
#
#   .ci/bundle-check.sh dist/Cutout-linux-amd64.tar.xz build/cutout-headless photo.png
set -euo pipefail

package=$1 devbuild=$2 photo=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/unpacked" "$work/home" "$work/bin" "$work/ref"

echo "package: $package ($(du -h "$package" | cut -f1))"
tar -xJf "$package" -C "$work/unpacked"
app=$work/unpacked/cutout
for part in '^ONNX Runtime [0-9.]*: ' '^ISNet weights' '^libheif: ' '^libavif: '; do
	grep -q "$part" "$app/THIRD-PARTY-NOTICES.txt" 2>/dev/null || { echo "FAIL: the package's THIRD-PARTY-NOTICES.txt has no notice matching $part"; exit 1; }
done
if find "$app" -name '.*.verified' | grep -q .; then
	echo "FAIL: the package carries checksum stamps, so nothing would be checked on first use"
	exit 1
fi

# The reference: the development build, with the model and runtime of the cache.
"$devbuild" remove --cpu -q -o "$work/ref" "$photo" >"$work/ref.log" 2>&1 || { cat "$work/ref.log"; echo "FAIL: the development build made no cutout"; exit 1; }

isolate=(env -i HOME="$work/home" PATH="$work/bin" LANG=C.UTF-8)
if unshare -rn true 2>/dev/null; then
	isolate=(unshare -rn "${isolate[@]}")
	echo "runs without network"
else
	echo "runs with the network on (this system does not let unshare cut it)"
fi

# cut NAME EXE: cuts the photo out with EXE, isolated, and compares.
cut() {
	local name=$1 exe=$2 out=$work/out-$1
	mkdir -p "$out"
	echo "== $name: $exe"
	if ! "${isolate[@]}" "$exe" remove --cpu -o "$out" "$photo" >"$work/$name.log" 2>&1; then
		cat "$work/$name.log"
		echo "FAIL: $name: cutout remove failed"
		exit 1
	fi
	cat "$work/$name.log"
	grep -q '1 ok, 0 failed' "$work/$name.log" || { echo "FAIL: $name: no cutout"; exit 1; }
	grep -q 'model medium (fp32) on CPU' "$work/$name.log" || { echo "FAIL: $name: not the fp32 model on the CPU"; exit 1; }
	local png
	png=$(basename "${photo%.*}").png
	cmp "$out/$png" "$work/ref/$png" || { echo "FAIL: $name: the cutout differs from the development build's"; exit 1; }
}

cut in-place "$app/usr/local/bin/cutout"
test -f "$work/home/.cache/cutout/models/isnet-medium-fp32.onnx" ||
	{ echo "FAIL: the fp32 form was not derived into the user's cache"; exit 1; }

make -s -C "$app" user-install HOME="$work/home" DESTDIR=
for f in bin/cutout lib/cutout/libonnxruntime.so.1.30.0 share/cutout/models/isnet-medium.onnx share/applications/io.github.cutout.Cutout.desktop; do
	test -f "$work/home/.local/$f" || { echo "FAIL: make user-install did not install $f"; exit 1; }
done
cut installed "$work/home/.local/bin/cutout"

echo "ok: the package cuts out $(basename "$photo") offline, in place and installed, as the development build does"
