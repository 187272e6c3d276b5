package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedIsCurrent fails when frontend/src/api/generated.ts is not what the Go types
// give now.
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "..", filepath.FromSlash(Output))
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the committed types: %v", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	i := 0
	for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
		i++
	}
	line := func(ls []string) string {
		if i < len(ls) {
			return ls[i]
		}
		return "(end of file)"
	}
	t.Fatalf("%s is stale (the Go contract types changed, or it was edited by hand).\nfirst difference at line %d:\n  committed: %s\n  generated: %s\nregenerate it with: go run ./backend/api/tsgen (or go generate ./backend/api), then commit it",
		Output, i+1, line(gl), line(wl))
}

func TestGenerateRefusesUnlistedStructs(t *testing.T) {
	saved := contract
	defer func() { contract = saved }()
	var without []named
	for _, c := range contract {
		if c.ts != "Usage" {
			without = append(without, c)
		}
	}
	contract = without
	if _, err := Generate(); err == nil || !strings.Contains(err.Error(), "api.Usage") {
		t.Fatalf("err %v, want one naming api.Usage", err)
	}
}
