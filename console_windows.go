package main

import (
	"os"
	"syscall"
)

// The Windows build is a GUI program (linked with -H windowsgui, so that a double-click opens no
// console window), and Windows gives a GUI program no console. Started from a terminal with a
// subcommand (`aria --version`, `aria serve`), it attaches to that terminal's console so that
// its output shows there; streams already redirected to a file or pipe are left alone.
func init() {
	if len(os.Args) < 2 {
		return
	}
	// os.NewFile gives nil for INVALID_HANDLE_VALUE; a GUI program without redirection has 0.
	missing := func(f *os.File) bool {
		return f == nil || f.Fd() == 0 || syscall.Handle(f.Fd()) == syscall.InvalidHandle
	}
	out, errs, in := missing(os.Stdout), missing(os.Stderr), missing(os.Stdin)
	if !out && !errs && !in {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if attach.Find() != nil {
		return
	}
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // no parent console (started from Explorer): nowhere to show output
	}
	reopen := func(need bool, name string, flag int, f **os.File) {
		if !need {
			return
		}
		if c, err := os.OpenFile(name, flag, 0); err == nil {
			*f = c
		}
	}
	reopen(out, "CONOUT$", os.O_WRONLY, &os.Stdout)
	reopen(errs, "CONOUT$", os.O_WRONLY, &os.Stderr)
	reopen(in, "CONIN$", os.O_RDONLY, &os.Stdin)
}
