package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/update"
)

func TestSignMakesAFeedTheAppAccepts(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := update.Release{Version: "1.2.0", Notes: "Faster decode.", URL: "https://example.org/v1.2.0", Published: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)}
	doc, err := sign(priv, pub, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := update.Verify(pub, doc)
	if err != nil || got.Version != "1.2.0" || got.Notes != r.Notes {
		t.Fatalf("verify: %+v, %v", got, err)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := sign(priv, other, r); err == nil || !strings.Contains(err.Error(), "update.ReleaseKey") {
		t.Errorf("a key the binaries do not trust signed a feed: %v", err)
	}
	if _, err := sign(priv, pub, update.Release{Version: "one", URL: r.URL, Published: r.Published}); err == nil {
		t.Error("a release with a bad version was signed")
	}
}

func TestKeygenPrintsBothHalves(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"keygen"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "public (update.ReleaseKey): ") || !strings.Contains(out.String(), "private (secret "+KeyEnv+"): ") {
		t.Errorf("keygen printed %q", out.String())
	}
	t.Setenv(KeyEnv, "")
	if err := run([]string{"sign", "--version", "1.0.0", "--url", "https://example.org", "-o", t.TempDir() + "/f.json"}, &out); err == nil {
		t.Error("sign ran without a key")
	}
}
