//go:build !linux

package policy

// SystemPower is this machine's power source. Outside Linux it reports mains: reading the
// battery there needs OS APIs (GetSystemPowerStatus, IOKit) not wired up yet, and refusing
// all peer work on every such machine would be worse than ignoring PauseOnBattery.
func SystemPower() PowerSource { return mainsPower{} }

type mainsPower struct{}

func (mainsPower) OnBattery() (bool, error) { return false, nil }
