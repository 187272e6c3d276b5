#!/usr/bin/env bash
# Checks the Windows installer that `make dist` built, without running it: it is a 64-bit Windows
# program (PE32+) of at most 40 MB that asks for no administrator rights, and its NSIS archive
# holds aria.exe (the very file the build made, a 64-bit GUI program) and the WebView2
# bootstrapper. test-installer-wine.sh runs it.
#   build/windows/test-installer.sh dist/aria-VERSION-windows-amd64-setup.exe bin/dist/aria.exe
set -euo pipefail
setup=$1 built=$2
fail() { echo "test-installer: FAIL: $*" >&2; exit 1; }

# The PE layout: "MZ" at 0, the offset of "PE\0\0" at 0x3c.
[ "$(head -c 2 "$setup")" = MZ ] || fail "$setup does not start with MZ"
pe=$(od -An -tu4 -j 60 -N 4 "$setup" | tr -d ' ')
[ "$(od -An -c -j "$pe" -N 4 "$setup" | tr -d ' ')" = 'PE\0\0' ] || fail "$setup has no PE header at $pe"
file -b "$setup" | grep -q '^PE32+ executable (GUI) x86-64' || fail "file(1) does not see a 64-bit Windows program: $(file -b "$setup")"

size=$(stat -c %s "$setup")
[ "$size" -le 40000000 ] || fail "$setup is $size bytes, over 40 MB"

# RequestExecutionLevel user: the stub's manifest asks to run as the invoking user.
grep -aq 'level="asInvoker"' "$setup" || fail "the installer's manifest does not run it as the user (asInvoker)"

listing=$(7z l "$setup")
grep -q '^Type = Nsis$' <<<"$listing" || fail "7z does not see an NSIS installer"
grep -Eq ' aria\.exe$' <<<"$listing" || { echo "$listing"; fail "7z l does not list aria.exe"; }
grep -q 'MicrosoftEdgeWebview2Setup.exe' <<<"$listing" || fail "7z l does not list the WebView2 bootstrapper"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
7z e -y -o"$tmp" "$setup" aria.exe >/dev/null
cmp -s "$tmp/aria.exe" "$built" || fail "the aria.exe inside the installer differs from $built"
file -b "$tmp/aria.exe" | grep -q 'PE32+ executable (GUI) x86-64' || fail "aria.exe is not a 64-bit Windows GUI program: $(file -b "$tmp/aria.exe")"

echo "test-installer: ok: $setup ($((size / 1024 / 1024)) MB) holds aria.exe and the WebView2 bootstrapper"
