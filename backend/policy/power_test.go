package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/backend/policy"
)

func TestSysfsPower(t *testing.T) {
	type attrs = map[string]string
	ac := func(online string) attrs { return attrs{"type": "Mains", "online": online} }
	bat := func(status string) attrs { return attrs{"type": "Battery", "status": status, "scope": "System"} }
	for _, tc := range []struct {
		name     string
		supplies map[string]attrs // nil: the directory does not exist
		battery  bool
	}{
		{"no power_supply directory (desktop, VM)", nil, false},
		{"no supplies", map[string]attrs{}, false},
		{"desktop with mains only", map[string]attrs{"AC": ac("1")}, false},
		{"laptop plugged in, charging", map[string]attrs{"AC": ac("1"), "BAT0": bat("Charging")}, false},
		{"laptop plugged in, full", map[string]attrs{"AC": ac("1"), "BAT0": bat("Full")}, false},
		{"laptop plugged in, reports discharging", map[string]attrs{"AC": ac("1"), "BAT0": bat("Discharging")}, false},
		{"laptop unplugged", map[string]attrs{"AC": ac("0"), "BAT0": bat("Discharging")}, true},
		{"second battery discharging", map[string]attrs{"AC": ac("0"), "BAT0": bat("Unknown"), "BAT1": bat("Discharging")}, true},
		{"battery without a mains entry", map[string]attrs{"BAT0": bat("Discharging")}, true},
		{"battery not charging, mains offline", map[string]attrs{"AC": ac("0"), "BAT0": bat("Not charging")}, false},
		{"USB-C charger online", map[string]attrs{"ucsi-source-psy-USBC000:001": {"type": "USB", "online": "1"}, "BAT0": bat("Discharging")}, false},
		{"USB-C port without a charger", map[string]attrs{"ucsi-source-psy-USBC000:001": {"type": "USB", "online": "0"}, "BAT0": bat("Discharging")}, true},
		{"wireless mouse battery on a desktop", map[string]attrs{"hidpp_battery_0": {"type": "Battery", "status": "Discharging", "scope": "Device"}}, false},
		{"battery without status", map[string]attrs{"AC": ac("0"), "BAT0": {"type": "Battery"}}, false},
		{"entry without type", map[string]attrs{"weird": {"online": "1"}, "BAT0": bat("Discharging")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "power_supply")
			if tc.supplies != nil {
				if err := os.Mkdir(root, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, a := range tc.supplies {
					supply(t, root, name, a)
				}
			}
			got, err := policy.SysfsPower(root).OnBattery()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.battery {
				t.Fatalf("OnBattery() = %v, want %v", got, tc.battery)
			}
		})
	}
}

func TestSysfsPowerUnreadable(t *testing.T) {
	root := filepath.Join(t.TempDir(), "power_supply")
	if err := os.WriteFile(root, nil, 0o644); err != nil { // a file where a directory should be
		t.Fatal(err)
	}
	if _, err := policy.SysfsPower(root).OnBattery(); err == nil {
		t.Fatal("OnBattery on a non-directory gave no error")
	}
}

// The real machine's supplies read without error (CI machines are VMs: usually none).
func TestSystemPower(t *testing.T) {
	if _, err := policy.SystemPower().OnBattery(); err != nil {
		t.Fatal(err)
	}
}
