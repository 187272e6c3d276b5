#!/usr/bin/env bash
# Builds ARIA's AppImage from the desktop binary and icons `make dist` made. Run by
# .github/workflows/release.yml on Ubuntu 22.04 (its glibc is the oldest the AppImage then needs);
# it downloads linuxdeploy and its GTK plugin at pinned versions, which this repository's own
# machines cannot reach, so `make dist` does not run it.
#   build/linux/appimage.sh BIN ICONS_DIR VERSION OUT_DIR
set -euo pipefail
bin=$(realpath "$1") icons=$(realpath "$2") version=$3 out=$(realpath "$4")
here=$(dirname "$(realpath "$0")")
: "${LINUXDEPLOY_VERSION:=1-alpha-20251107-1}"
: "${GTK_PLUGIN_COMMIT:=3b67a1d1c1b0c8268f57f2bce40fe2d33d409cea}"
: "${GTK_PLUGIN_SHA256:=b0f4cbc684a0103a9651f0955b635eaea0096b3a66c0f5a2c2aa337960375171}"
arch=$(uname -m)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

curl -fsSL -o linuxdeploy "https://github.com/linuxdeploy/linuxdeploy/releases/download/$LINUXDEPLOY_VERSION/linuxdeploy-$arch.AppImage"
curl -fsSL -o linuxdeploy-plugin-gtk.sh "https://raw.githubusercontent.com/linuxdeploy/linuxdeploy-plugin-gtk/$GTK_PLUGIN_COMMIT/linuxdeploy-plugin-gtk.sh"
echo "$GTK_PLUGIN_SHA256  linuxdeploy-plugin-gtk.sh" | sha256sum --check --strict
chmod +x linuxdeploy linuxdeploy-plugin-gtk.sh
# No FUSE on CI runners: the AppImages unpack themselves instead.
export APPIMAGE_EXTRACT_AND_RUN=1

appdir=$work/ARIA.AppDir
mkdir -p "$appdir/usr/bin"
install -m 0755 "$bin" "$appdir/usr/bin/aria"
mkdir -p "$appdir/usr/share/icons"
cp -r "$icons" "$appdir/usr/share/icons/hicolor"

# WebKitGTK's helper processes and injected bundle, from where the library looks for them.
webkit=$(pkg-config --variable=libdir webkit2gtk-4.1)/webkit2gtk-4.1
[ -x "$webkit/WebKitWebProcess" ] || { echo "no WebKitWebProcess in $webkit" >&2; exit 1; }
mkdir -p "$appdir$(dirname "$webkit")"
cp -a "$webkit" "$appdir$webkit"
rm -f "$appdir$webkit/MiniBrowser" # a test browser, not needed

DEPLOY_GTK_VERSION=3 OUTPUT="ARIA-$version-$arch.AppImage" ./linuxdeploy --appdir "$appdir" \
	--desktop-file "$here/aria.desktop" --icon-file "$icons/256x256/apps/aria.png" \
	--custom-apprun "$here/appimage/AppRun" \
	--deploy-deps-only "$appdir$webkit" --deploy-deps-only "$appdir$webkit/injected-bundle" --plugin gtk

# Point the bundled WebKitGTK at its bundled helpers: same-length rewrite of the absolute /usr
# (see appimage/AppRun). Check it took, or the AppImage would run the host's helpers, if any.
lib=$(find "$appdir/usr/lib" -name 'libwebkit2gtk-4.1.so*' -type f | head -1)
[ -n "$lib" ] || { echo "linuxdeploy did not bundle libwebkit2gtk-4.1" >&2; exit 1; }
strings "$lib" | grep -qF "$webkit" || { echo "$lib does not name $webkit" >&2; exit 1; }
find "$appdir/usr/lib" -name 'libwebkit2gtk-4.1.so*' -type f -exec sed -i -e 's|/usr|././|g' {} +
strings "$lib" | grep -qF "././${webkit#/usr}" || { echo "the helper path in $lib was not rewritten" >&2; exit 1; }

# Packing in a second run: linuxdeploy copies no file over one already in the AppDir.
DEPLOY_GTK_VERSION=3 OUTPUT="ARIA-$version-$arch.AppImage" ./linuxdeploy --appdir "$appdir" --output appimage
mv "ARIA-$version-$arch.AppImage" "$out/"
echo "built $out/ARIA-$version-$arch.AppImage"
