; ARIA's Windows installer, built on Linux by `make dist` with makensis (Debian's nsis package):
;
;   makensis -DVERSION=0.1.0 -DVIVERSION=0.1.0.0 -DEXE=aria.exe -DICON=aria.ico \
;            -DOUTFILE=ARIA-setup.exe [-DWEBVIEW2=MicrosoftEdgeWebview2Setup.exe] installer.nsi
;
; - Per user, without administrator rights: %LOCALAPPDATA%\Programs\ARIA, a Start menu entry, an
;   optional desktop shortcut, an uninstaller listed in Apps & features (HKCU).
; - The uninstaller keeps the user's data (%APPDATA%\ARIA: models, ledger, keys, memory; and the
;   window's WebView2 profile %APPDATA%\aria.exe) unless "My ARIA data" is ticked, or /PURGE is
;   given to a silent uninstall (uninstall.exe /S /PURGE).
; - The window needs the Microsoft Edge WebView2 runtime (part of Windows 11, not always of
;   Windows 10): when the registry says it is missing, the installer runs Microsoft's Evergreen
;   bootstrapper (WEBVIEW2), which downloads and installs it for this user.

; A 64-bit installer: ARIA runs on 64-bit Windows only, and the registry it reads and writes is
; then the native view, without WOW6432Node redirection.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"

!macro need NAME
	!ifndef ${NAME}
		!error "define ${NAME} (makensis -D${NAME}=…): see the top of this file"
	!endif
!macroend
!insertmacro need VERSION
!insertmacro need VIVERSION
!insertmacro need EXE
!insertmacro need ICON
!insertmacro need OUTFILE

!define PRODUCT "ARIA"
!define PUBLISHER "ARIA developers"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ARIA"
; Where the window's Evergreen WebView2 runtime registers itself (Microsoft's distribution guide).
!define WEBVIEW2_KEY "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; Written by the app's "Start at login" setting; removed with the app so it starts nothing missing.
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\aria.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open ARIA"
!define MUI_UNCOMPONENTSPAGE_TEXT_TOP "ARIA's program files are removed. Your data (downloaded models, the ledger, keys, memory, settings) stays unless you tick it."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Function .onInit
	${IfNot} ${RunningX64}
	${OrIfNot} ${AtLeastWin10}
		IfSilent +2
		MessageBox MB_OK|MB_ICONSTOP "ARIA needs 64-bit Windows 10 or later."
		SetErrorLevel 64
		Abort
	${EndIf}
	SetShellVarContext current
FunctionEnd

; webview2Present sets $0 to "1" when the WebView2 runtime is installed for the machine or this
; user: a "pv" (version) value that is neither empty nor 0.0.0.0.
Function webview2Present
	StrCpy $0 "0"
	SetRegView 64
	ReadRegStr $1 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_KEY}" "pv"
	${If} $1 == ""
		ReadRegStr $1 HKLM "SOFTWARE\${WEBVIEW2_KEY}" "pv"
	${EndIf}
	${If} $1 == ""
	${OrIf} $1 == "0.0.0.0"
		ReadRegStr $1 HKCU "Software\${WEBVIEW2_KEY}" "pv"
	${EndIf}
	SetRegView lastused
	${If} $1 != ""
	${AndIf} $1 != "0.0.0.0"
		StrCpy $0 "1"
	${EndIf}
FunctionEnd

Section "-WebView2 runtime"
	Call webview2Present
	${If} $0 == "1"
		DetailPrint "Microsoft Edge WebView2 runtime: already installed"
		Return
	${EndIf}
!ifdef WEBVIEW2
	DetailPrint "Installing the Microsoft Edge WebView2 runtime (ARIA's window needs it)…"
	InitPluginsDir
	File "/oname=$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2}"
	ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
	${If} $1 != 0
		DetailPrint "The WebView2 installer failed (code $1)"
		IfSilent +2
		MessageBox MB_OK|MB_ICONEXCLAMATION "The Microsoft Edge WebView2 runtime could not be installed (code $1). ARIA's window needs it: install it from Microsoft's WebView2 page, then open ARIA. Until then 'aria serve' works from a terminal."
	${EndIf}
!else
	DetailPrint "The Microsoft Edge WebView2 runtime is missing"
	IfSilent +2
	MessageBox MB_OK|MB_ICONEXCLAMATION "ARIA's window needs the Microsoft Edge WebView2 runtime, which is missing: install it from Microsoft's WebView2 page, then open ARIA."
!endif
SectionEnd

Section "ARIA (required)" SecApp
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "/oname=aria.exe" "${EXE}"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\aria.exe" "" "$INSTDIR\aria.exe" 0 SW_SHOWNORMAL "" "Run language models on this computer, shared peer to peer"

	WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\aria.exe,0"
	WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	IntFmt $0 "0x%08X" $0
	WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Desktop shortcut" SecDesktop
	CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\aria.exe"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
	!insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "The ARIA app and its Start menu entry."
	!insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "An ARIA shortcut on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ---- uninstaller ----

Section "un.ARIA (program files)" SecUnApp
	SectionIn RO
	; Only what the installer wrote: a folder the user picked may hold other files.
	Delete "$INSTDIR\aria.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${PRODUCT}.lnk"
	Delete "$DESKTOP\${PRODUCT}.lnk"
	DeleteRegKey HKCU "${UNINST_KEY}"
	ReadRegStr $0 HKCU "${RUN_KEY}" "${PRODUCT}"
	${If} $0 != ""
		DeleteRegValue HKCU "${RUN_KEY}" "${PRODUCT}"
	${EndIf}
SectionEnd

Section /o "un.My ARIA data (models, ledger, keys, memory, settings)" SecUnData
	${If} $APPDATA != ""
		RMDir /r "$APPDATA\${PRODUCT}"
		RMDir /r "$APPDATA\aria.exe"
	${EndIf}
SectionEnd

Function un.onInit
	SetShellVarContext current
	; A silent uninstall removes the data only when asked: uninstall.exe /S /PURGE
	${GetParameters} $R0
	ClearErrors
	${GetOptions} $R0 "/PURGE" $R1
	${IfNot} ${Errors}
		SectionSetFlags ${SecUnData} ${SF_SELECTED}
	${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
	!insertmacro MUI_DESCRIPTION_TEXT ${SecUnApp} "The app, its Start menu entry and its Apps & features entry."
	!insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "Deletes %APPDATA%\ARIA (downloaded models, the signed ledger, the node's keys, memory, settings) and the window's WebView2 profile. Left unticked, reinstalling ARIA finds them again."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
