#!/usr/bin/env bash
# Runs the Windows installer under Wine (64-bit) in a throwaway prefix and checks what it does for
# a user: a silent install writes aria.exe and the uninstaller into %LOCALAPPDATA%\Programs\ARIA,
# a Start menu entry and an Apps & features entry (HKCU); it starts the WebView2 bootstrapper
# only when the registry says the runtime is missing; the uninstaller removes all of that but
# keeps %APPDATA%\ARIA, and with /PURGE removes that and the window's WebView2 profile too; it
# removes the "start at login" entry (HKCU Run value ARIA).
# aria.exe itself does not start under Wine 8 (Go needs bcryptprimitives.dll): the release
# workflow runs it on Windows. Needs a display for Wine: run it under xvfb-run.
#   build/windows/test-installer-wine.sh dist/aria-VERSION-windows-amd64-setup.exe VERSION
set -euo pipefail
setup=$(realpath "$1") version=$2
fail() { echo "test-installer-wine: FAIL: $*" >&2; exit 1; }

WINEPREFIX=$(mktemp -d)
export WINEPREFIX WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES='mscoree,mshtml='
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"' EXIT
log=$WINEPREFIX/log.txt

timeout 300 wineboot -i >/dev/null 2>&1 || fail "wineboot"
wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
winpath() { winepath -u "$(wine cmd /c "echo $1" 2>/dev/null | tr -d '\r')" 2>/dev/null; }
dir=$(winpath '%LOCALAPPDATA%')/Programs/ARIA
data=$(winpath '%APPDATA%')/ARIA
profile=$(winpath '%APPDATA%')/aria.exe
menu=$(winpath '%APPDATA%')/Microsoft/Windows/Start\ Menu/Programs/ARIA.lnk
uninst='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ARIA'
run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
webview2='HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}'

# install runs the installer silently and records the processes it starts in $log.
install() {
	WINEDEBUG=+process timeout 300 wine "$setup" /S >"$log" 2>&1 || fail "the installer exited with $? (log: $(tail -5 "$log"))"
	for f in "$dir/aria.exe" "$dir/uninstall.exe" "$menu"; do [ -f "$f" ] || fail "the installer did not write $f"; done
	cmp -s "$dir/aria.exe" <(7z e -so "$setup" aria.exe) || fail "the installed aria.exe is not the one in the installer"
	entry=$(wine reg query "$uninst" 2>/dev/null | tr -d '\r') || fail "no Apps & features entry $uninst"
	grep -Eq "DisplayName +REG_SZ +ARIA$" <<<"$entry" || fail "Apps & features entry without DisplayName ARIA: $entry"
	grep -Fqx "    DisplayVersion    REG_SZ    $version" <<<"$entry" || fail "DisplayVersion is not $version: $entry"
	grep -Eq 'UninstallString +REG_SZ +".*\\Programs\\ARIA\\uninstall\.exe"$' <<<"$entry" || fail "UninstallString: $entry"
}
# uninstall runs the uninstaller, which copies itself to %TEMP% and returns at once, and waits.
uninstall() {
	timeout 120 wine "$dir/uninstall.exe" /S "$@" >/dev/null 2>&1 || fail "the uninstaller exited with $?"
	for _ in $(seq 60); do [ -e "$dir" ] || break; sleep 1; done
	[ ! -e "$dir" ] || fail "$dir is left after uninstalling: $(ls "$dir")"
	[ ! -e "$menu" ] || fail "the Start menu entry is left after uninstalling"
	if wine reg query "$uninst" >/dev/null 2>&1; then fail "the Apps & features entry is left after uninstalling"; fi
}

# WebView2 present (as on Windows 11): the bootstrapper is not started.
wine reg add "$webview2" /v pv /d 120.0.2210.91 /f >/dev/null 2>&1
install
if grep -q MicrosoftEdgeWebview2Setup "$log"; then fail "the WebView2 bootstrapper ran although the runtime is installed"; fi
mkdir -p "$data" "$profile"
echo model >"$data/keep.gguf"
echo cache >"$profile/keep"
# What the app's "Start at login" writes; an uninstalled app must not be started at login.
wine reg add "$run" /v ARIA /d "\"$(winepath -w "$dir/aria.exe")\"" /f >/dev/null 2>&1
uninstall
if wine reg query "$run" /v ARIA >/dev/null 2>&1; then fail "the uninstaller left the Run entry ARIA"; fi
{ [ -f "$data/keep.gguf" ] && [ -f "$profile/keep" ]; } || fail "the uninstaller removed the user's data without being asked"

# WebView2 missing: the installer runs the bootstrapper; /PURGE removes the user's data.
wine reg delete "$webview2" /f >/dev/null 2>&1
install
grep -q 'MicrosoftEdgeWebview2Setup.exe' "$log" || fail "the WebView2 bootstrapper did not run although the runtime is missing"
uninstall /PURGE
{ [ ! -e "$data" ] && [ ! -e "$profile" ]; } || fail "uninstall /PURGE left $data or $profile"

echo "test-installer-wine: ok: per-user install, Start menu and Apps & features entries, WebView2 only when missing, uninstall keeps data, /PURGE removes it"
