//go:build !race

package chatmem

const raceEnabled = false
