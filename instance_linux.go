//go:build desktop && cgo && linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// findRunning asks an ARIA already running with instance id to show its window. It speaks the
// protocol of Wails' single-instance lock on Linux (its internal/frontend/desktop/linux
// single_instance.go, Wails v2.16.0): the first instance owns a D-Bus name and takes the second
// one's arguments through its SendMessage method. Wails itself checks only once the window's
// startup has begun, after this app has started its node.
func findRunning(id string) (running, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return notRunning, nil // no session bus: no lock to find, as for Wails
	}
	defer conn.Close()
	w := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(id)
	name, path := "org."+w+".SingleInstance", dbus.ObjectPath("/org/"+w+"/SingleInstance")
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
		return notRunning, fmt.Errorf("look for %s on the session bus: %w", name, err)
	}
	if !has {
		return notRunning, nil
	}
	data := options.SecondInstanceData{Args: os.Args[1:]}
	data.WorkingDirectory, _ = os.Getwd()
	msg, err := json.Marshal(data)
	if err != nil {
		return notRunning, fmt.Errorf("second launch message: %w", err)
	}
	if err := conn.Object(name, path).Call(name+".SendMessage", 0, string(msg)).Err; err != nil {
		return notRunning, fmt.Errorf("ask the running ARIA to show its window: %w", err)
	}
	return shownRunning, nil
}
