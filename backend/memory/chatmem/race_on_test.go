//go:build race

package chatmem

// raceEnabled: the race detector is on (race_on_test.go and race_off_test.go).
const raceEnabled = true
