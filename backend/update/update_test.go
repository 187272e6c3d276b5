package update_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/update"
)

var published = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func release(v string) update.Release {
	return update.Release{Version: v, Notes: "Faster pipelines.\nA settings page.", URL: "https://example.org/releases/v" + v, Published: published}
}

func keys(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestSignVerify(t *testing.T) {
	pub, priv := keys(t)
	doc, err := update.Sign(priv, release("1.2.0"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := update.Verify(pub, doc)
	if err != nil {
		t.Fatal(err)
	}
	if got != release("1.2.0") {
		t.Fatalf("verified %+v", got)
	}
	other, _ := keys(t)
	if _, err := update.Verify(other, doc); !errors.Is(err, update.ErrSignature) {
		t.Fatalf("another key: %v", err)
	}
	if _, err := update.Verify(update.ReleaseKey, doc); !errors.Is(err, update.ErrSignature) {
		t.Fatalf("the built-in key accepted a test key's feed: %v", err)
	}
	for name, edit := range map[string]func(string) string{
		"notes changed":       func(s string) string { return strings.Replace(s, "Faster", "Slower", 1) },
		"version changed":     func(s string) string { return strings.Replace(s, `"1.2.0"`, `"9.2.0"`, 1) },
		"url changed":         func(s string) string { return strings.Replace(s, "example.org", "evil.example", 1) },
		"space added inside":  func(s string) string { return strings.Replace(s, `{"version"`, `{ "version"`, 1) },
		"signature removed":   func(s string) string { return s[:strings.Index(s, `"signature"`)] + `"signature": ""}` },
		"signature truncated": func(s string) string { return strings.Replace(s, `==`, ``, 1) },
	} {
		bad := edit(string(doc))
		if bad == string(doc) {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		if _, err := update.Verify(pub, []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Signed but not acceptable: the link must be http(s), the version a release version.
	for _, r := range []update.Release{
		{Version: "1.3.0", URL: "javascript:alert(1)", Published: published},
		{Version: "soon", URL: "https://example.org", Published: published},
	} {
		if _, err := update.Sign(priv, r); err == nil {
			t.Errorf("Sign accepted %+v", r)
		}
	}
	if _, err := update.Verify(pub, []byte(`{"release":{},"signature":"","extra":1}`)); err == nil {
		t.Error("an unknown field was accepted")
	}
}

func TestNewer(t *testing.T) {
	for _, tc := range []struct {
		rel, cur string
		want     bool
	}{
		{"1.2.0", "1.1.9", true},
		{"v1.10.0", "v1.9.3", true},
		{"2.0.0", "1.99.99", true},
		{"1.2.0", "1.2.0", false},
		{"1.2.0", "v1.2.0-12-gabc123", false},
		{"1.1.0", "1.2.0", false},
		{"1.2.1", "dev", true},
		{"nonsense", "1.0.0", false},
	} {
		if got := update.Newer(tc.rel, tc.cur); got != tc.want {
			t.Errorf("Newer(%s, %s) = %v", tc.rel, tc.cur, got)
		}
	}
}

// feedServer serves doc and counts the requests.
func feedServer(t *testing.T, doc func() []byte) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if !strings.HasPrefix(r.UserAgent(), "aria/") {
			t.Errorf("User-Agent %q", r.UserAgent())
		}
		_, _ = w.Write(doc())
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// run serves the checker until the test ends.
func run(t *testing.T, c *update.Checker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !f(); {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle lets a Serve loop run, waking it now and then as setting changes would.
func settle(c *update.Checker) {
	for range 5 {
		c.Wake()
		time.Sleep(40 * time.Millisecond)
	}
}

// Off: not one request over a run, however often the checker is woken.
func TestOffMakesNoRequest(t *testing.T) {
	pub, priv := keys(t)
	doc, _ := update.Sign(priv, release("1.2.0"))
	srv, n := feedServer(t, func() []byte { return doc })
	c := update.New(update.Config{URL: srv.URL, Key: pub, Version: "1.1.0", StatePath: filepath.Join(t.TempDir(), "update.json"),
		Enabled: func() bool { return false }})
	run(t, c)
	settle(c)
	if n.Load() != 0 {
		t.Fatalf("%d requests with the update check off", n.Load())
	}
	if st := c.State(); st.Release != nil || !st.Checked.IsZero() || st.Enabled {
		t.Fatalf("state with the check off: %+v", st)
	}
}

// On: exactly one request a day, across restarts; the newer release is offered with its notes.
func TestOnChecksOnceADay(t *testing.T) {
	pub, priv := keys(t)
	doc, _ := update.Sign(priv, release("1.2.0"))
	srv, n := feedServer(t, func() []byte { return doc })
	var on atomic.Bool
	clk := &clock{t: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)}
	state := filepath.Join(t.TempDir(), "update.json")
	var events atomic.Int32
	cfg := update.Config{URL: srv.URL, Key: pub, Version: "1.1.0", StatePath: state, Enabled: on.Load, Now: clk.now,
		OnState: func(update.State) { events.Add(1) }}
	c := update.New(cfg)
	run(t, c)
	settle(c)
	if n.Load() != 0 {
		t.Fatal("a request before the check was turned on")
	}
	on.Store(true)
	c.Wake()
	eventually(t, "the check", func() bool { return c.State().Release != nil })
	st := c.State()
	if *st.Release != release("1.2.0") || st.Error != "" || !st.Checked.Equal(clk.now()) || st.Current != "1.1.0" {
		t.Fatalf("state %+v", st)
	}
	eventually(t, "the state event", func() bool { return events.Load() > 0 })
	clk.advance(23 * time.Hour)
	settle(c)
	if events.Load() != 1 {
		t.Fatalf("%d state events after one check", events.Load())
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests within the day, want 1", n.Load())
	}

	// A restart within the day does not check again, and still offers the release.
	again := update.New(cfg)
	run(t, again)
	settle(again)
	if n.Load() != 1 {
		t.Fatalf("%d requests after a restart within the day, want 1", n.Load())
	}
	if again.State().Release == nil {
		t.Fatal("the release found before the restart is not offered")
	}

	// A day later: one more.
	clk.advance(2 * time.Hour)
	again.Wake()
	eventually(t, "the next day's check", func() bool { return n.Load() == 2 })
	settle(again)
	if n.Load() != 2 {
		t.Fatalf("%d requests, want 2", n.Load())
	}

	// Turned off: no notice, and no request however long.
	on.Store(false)
	clk.advance(72 * time.Hour)
	settle(again)
	if again.State().Release != nil || n.Load() != 2 {
		t.Fatalf("off: %+v, %d requests", again.State(), n.Load())
	}
}

// A tampered feed is logged and not offered; an older or equal release is not offered either.
func TestTamperedFeedNotOffered(t *testing.T) {
	pub, priv := keys(t)
	doc, _ := update.Sign(priv, release("1.2.0"))
	tampered := bytes.Replace(doc, []byte("Faster pipelines."), []byte("Install from evil."), 1)
	srv, n := feedServer(t, func() []byte { return tampered })
	var log bytes.Buffer
	c := update.New(update.Config{URL: srv.URL, Key: pub, Version: "1.1.0", Enabled: func() bool { return true },
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	run(t, c)
	eventually(t, "the check", func() bool { return !c.State().Checked.IsZero() })
	st := c.State()
	if st.Release != nil || !strings.Contains(st.Error, "signature") {
		t.Fatalf("tampered feed: %+v", st)
	}
	if !strings.Contains(log.String(), "not signed") {
		t.Fatalf("not logged: %q", log.String())
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests", n.Load())
	}

	for _, cur := range []string{"1.2.0", "1.3.0"} {
		doc, _ := update.Sign(priv, release("1.2.0"))
		srv, _ := feedServer(t, func() []byte { return doc })
		c := update.New(update.Config{URL: srv.URL, Key: pub, Version: cur, Enabled: func() bool { return true }})
		run(t, c)
		eventually(t, "the check", func() bool { return !c.State().Checked.IsZero() })
		if st := c.State(); st.Release != nil || st.Error != "" {
			t.Fatalf("running %s, release 1.2.0: %+v", cur, st)
		}
	}
}
