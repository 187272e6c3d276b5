//go:build race

package convo_test

// raceEnabled: the race detector is on (race_on_test.go and race_off_test.go).
const raceEnabled = true
