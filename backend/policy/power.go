package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SysfsPower reads the power state from a Linux power_supply class directory (normally
// /sys/class/power_supply): on battery when a system battery is discharging and no mains or
// USB supply is online. A machine without supplies is a desktop, on mains.
func SysfsPower(root string) PowerSource { return sysfsPower(root) }

type sysfsPower string

func (root sysfsPower) OnBattery() (bool, error) {
	entries, err := os.ReadDir(string(root))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read power supplies: %w", err)
	}
	mains, discharging := false, false
	for _, e := range entries {
		dir := filepath.Join(string(root), e.Name())
		switch typ := attr(dir, "type"); {
		case typ == "Mains" || strings.HasPrefix(typ, "USB"): // USB, and USB_C, USB_PD… on older kernels
			if attr(dir, "online") == "1" {
				mains = true
			}
		case typ == "Battery":
			// A wireless mouse's or keyboard's battery has scope "Device": not ours.
			if attr(dir, "scope") != "Device" && attr(dir, "status") == "Discharging" {
				discharging = true
			}
		}
	}
	return discharging && !mains, nil
}

// attr reads one sysfs attribute; an unreadable one reads as "" (a supply may vanish while
// we look, e.g. a charger unplugged).
func attr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
