//go:build desktop

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"unsafe"

	"github.com/wailsapp/wails/v2/pkg/options"
	"golang.org/x/sys/windows"
)

var (
	user32         = windows.NewLazySystemDLL("user32.dll")
	procFindWindow = user32.NewProc("FindWindowExW")
	procSendMsg    = user32.NewProc("SendMessageW")
)

// copyData is Win32's COPYDATASTRUCT.
type copyData struct {
	data uintptr
	size uint32
	ptr  uintptr
}

// findRunning asks an ARIA already running with instance id to show its window. It speaks the
// protocol of Wails' single-instance lock on Windows (its internal/frontend/desktop/windows
// single_instance.go, Wails v2.16.0): the first instance has a message-only window that takes
// the second one's arguments as WM_COPYDATA. Wails looks for it with FindWindowW, which does
// not see message-only windows; FindWindowExW under HWND_MESSAGE does.
func findRunning(id string) (running, error) {
	const (
		hwndMessage  = ^uintptr(2) // HWND_MESSAGE, (HWND)-3
		wmCopyData   = 0x004A
		wailsMessage = 1542 // Wails' WMCOPYDATA_SINGLE_INSTANCE_DATA
	)
	class, err := windows.UTF16PtrFromString("wails-app-" + id + "-sic")
	if err != nil {
		return notRunning, fmt.Errorf("window class: %w", err)
	}
	title, err := windows.UTF16PtrFromString("wails-app-" + id + "-siw")
	if err != nil {
		return notRunning, fmt.Errorf("window name: %w", err)
	}
	hwnd, _, _ := procFindWindow.Call(hwndMessage, 0, uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)))
	if hwnd == 0 {
		return notRunning, nil
	}
	data := options.SecondInstanceData{Args: os.Args[1:]}
	data.WorkingDirectory, _ = os.Getwd()
	msg, err := json.Marshal(data)
	if err != nil {
		return notRunning, fmt.Errorf("second launch message: %w", err)
	}
	text, err := windows.UTF16FromString(string(msg))
	if err != nil {
		return notRunning, fmt.Errorf("second launch message: %w", err)
	}
	cd := copyData{data: wailsMessage, size: uint32(len(text) * 2), ptr: uintptr(unsafe.Pointer(&text[0]))}
	procSendMsg.Call(hwnd, wmCopyData, 0, uintptr(unsafe.Pointer(&cd)))
	return shownRunning, nil
}
