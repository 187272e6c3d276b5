package policy

// SystemPower is this machine's power source.
func SystemPower() PowerSource { return SysfsPower("/sys/class/power_supply") }
