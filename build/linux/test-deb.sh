#!/usr/bin/env bash
# Checks the Debian package that `make dist` built as a user meets it: `apt-get install ./….deb`
# installs it, `aria --version` runs from /usr/bin and names the build's version and commit, the
# desktop entry is valid and finds its icon and program, every library the program needs is
# there, and `apt-get purge` leaves nothing behind. It installs and purges the package `aria` on
# this machine, and refuses to start if an `aria` package is installed already.
#   build/linux/test-deb.sh dist/aria_VERSION_amd64.deb VERSION COMMIT
set -euo pipefail
deb=$(realpath "$1") version=$2 commit=$3
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

[ "$(dpkg-deb -f "$deb" Package)" = aria ] || fail "$deb is not the package aria"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libc6 libgtk-3-0 libwebkit2gtk-4.1-0; do
	grep -Eq "(^|, )$d(,|$| )" <<<"$depends" || fail "Depends ($depends) lacks $d"
done

if dpkg-query -W -f='${Status}' aria 2>/dev/null | grep -q 'install\|config-files'; then
	fail "a package aria is installed here already: purge it first (this test installs and purges its own)"
fi
purge() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq aria >/dev/null 2>&1 || true; }
trap purge EXIT

$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null || fail "apt-get install $deb"
files=$(dpkg -L aria)

[ "$(command -v aria)" = /usr/bin/aria ] || fail "aria on PATH is $(command -v aria), not /usr/bin/aria"
out=$(/usr/bin/aria --version) || fail "aria --version exited $?"
want="aria version $version (commit $commit"
[[ $out == "$want"* ]] || fail "aria --version printed '$out', want it to start with '$want'"
[ "$(/usr/bin/aria version)" = "$out" ] || fail "aria version and aria --version differ"

missing=$(ldd /usr/bin/aria | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries missing after installing the package's dependencies: $missing"
ldd /usr/bin/aria | grep -q libwebkit2gtk-4.1 || fail "/usr/bin/aria is not the desktop build (no WebKitGTK 4.1)"

app=/usr/share/applications/aria.desktop
[ -f "$app" ] || fail "no $app"
desktop-file-validate "$app" || fail "desktop-file-validate $app"
exec_=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$app") icon=$(sed -n 's/^Icon=//p' "$app")
[ "$(command -v "$exec_")" = /usr/bin/aria ] || fail "Exec=$exec_ does not start /usr/bin/aria"
for n in 16 22 24 32 48 64 128 256 512; do
	png=/usr/share/icons/hicolor/${n}x${n}/apps/$icon.png
	[ -f "$png" ] || fail "no icon $png"
	file -b "$png" | grep -q "PNG image data, $n x $n," || fail "$png is not a ${n}x$n PNG: $(file -b "$png")"
done

purge
trap - EXIT
if dpkg-query -W -f='${Status}' aria >/dev/null 2>&1; then
	fail "dpkg still knows aria after purge: $(dpkg-query -W -f='${Status}' aria)"
fi
if left=$(dpkg -L aria 2>/dev/null) && [ -n "$left" ]; then fail "dpkg -L aria after purge: $left"; fi
while read -r f; do
	[ -e "$f" ] || continue
	# A folder shared with other packages (/usr/bin, the hicolor tree) stays; nothing of ours may.
	if [ -d "$f" ] && { dpkg -S "$f" >/dev/null 2>&1 || [ -n "$(ls -A "$f")" ]; }; then continue; fi
	fail "$f is left after apt-get purge"
done <<<"$files"

echo "test-deb: ok: $(basename "$deb") installs, runs ($out), validates and purges cleanly"
