package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/node"
	"github.com/aria-node/aria/backend/policy"
)

var noon = time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600))

func TestTrayViewShowsTheNodesState(t *testing.T) {
	on := policy.Default()
	on.Contribute = true
	paused := on
	paused.PausedUntil = noon.Add(150 * time.Minute)
	expired := on
	expired.PausedUntil = noon.Add(-time.Minute)
	for _, c := range []struct {
		name    string
		f       trayFacts
		state   trayState
		tooltip string
		check   func(trayView) bool
	}{
		{"off", trayFacts{Policy: policy.Default(), Status: policy.Status{Reason: "off"}}, trayIdle, "ARIA: not contributing",
			func(v trayView) bool { return !v.Contribute && !v.CanPause && !v.Paused }},
		{"on", trayFacts{Policy: on, Status: policy.Status{Contributing: true}}, trayContributing, "ARIA: contributing to the network",
			func(v trayView) bool { return v.Contribute && v.CanPause && !v.Paused }},
		{"outside hours", trayFacts{Policy: on, Status: policy.Status{Reason: "outside hours 22:00-07:00"}}, trayIdle,
			"ARIA: not contributing (outside hours 22:00-07:00)", func(v trayView) bool { return v.Contribute && v.CanPause }},
		{"paused", trayFacts{Policy: paused, Status: policy.Status{Reason: "paused until 2026-03-14 14:30"}}, trayIdle,
			"ARIA: contribution paused until 14:30",
			func(v trayView) bool {
				return v.Contribute && v.Paused && !v.CanPause && v.PausedLabel == "Paused until 14:30"
			}},
		{"pause over", trayFacts{Policy: expired, Status: policy.Status{Contributing: true}}, trayContributing,
			"ARIA: contributing to the network", func(v trayView) bool { return !v.Paused && v.CanPause }},
		{"peer job", trayFacts{Policy: on, Status: policy.Status{Contributing: true, Active: 2}}, trayServing,
			"ARIA: serving 2 peer job(s)", func(trayView) bool { return true }},
		{"local request while off", trayFacts{Policy: policy.Default(), Generating: true, TokensPerS: 12.34}, trayServing,
			"ARIA: generating", func(v trayView) bool { return v.Speed == "Speed: 12.3 tokens/s" && !v.Contribute }},
		{"failure wins", trayFacts{Policy: on, Status: policy.Status{Contributing: true, Active: 1}, Problem: "could not change contribution: disk full"},
			trayError, "ARIA: could not change contribution: disk full", func(trayView) bool { return true }},
	} {
		v := c.f.view(noon)
		if v.State != c.state || v.Tooltip != c.tooltip || !c.check(v) {
			t.Errorf("%s: %+v, want state %s, tooltip %q", c.name, v, c.state, c.tooltip)
		}
	}
}

func TestTraySpeedLine(t *testing.T) {
	for _, c := range []struct {
		f    trayFacts
		want string
	}{
		{trayFacts{}, "Speed: idle"},
		{trayFacts{Generating: true}, "Speed: starting…"},
		{trayFacts{Generating: true, TokensPerS: 31.06}, "Speed: 31.1 tokens/s"},
		{trayFacts{TokensPerS: 8}, "Speed: idle (last 8.0 tokens/s)"},
	} {
		if got := speedLine(c.f); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}

func TestTrayPauseEnds(t *testing.T) {
	if got := pauseHour(noon.Add(1500 * time.Millisecond)); !got.Equal(noon.Add(time.Hour + time.Second)) {
		t.Errorf("pause for 1 hour at 12:00:01.5 ends %v", got)
	}
	zone := noon.Location()
	for _, c := range []struct{ now, want time.Time }{
		{noon, time.Date(2026, 3, 15, 0, 0, 0, 0, zone)},
		{time.Date(2026, 1, 31, 23, 59, 0, 0, zone), time.Date(2026, 2, 1, 0, 0, 0, 0, zone)},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, zone), time.Date(2027, 1, 1, 0, 0, 0, 0, zone)},
	} {
		if got := pauseTomorrow(c.now); !got.Equal(c.want) {
			t.Errorf("pause until tomorrow at %v ends %v, want %v", c.now, got, c.want)
		}
	}
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{noon.Add(time.Hour), "13:00"},
		{pauseTomorrow(noon), "tomorrow 00:00"},
		{noon.Add(35 * time.Hour), "tomorrow 23:00"},
		{noon.Add(48 * time.Hour), "Mon 16 Mar 12:00"},
		{noon.Add(time.Hour).UTC(), "13:00"}, // in the reader's zone
	} {
		if got := untilLabel(noon, c.t); got != c.want {
			t.Errorf("until %v: %q, want %q", c.t, got, c.want)
		}
	}
}

func TestTrayModelFollowsSpeedEvents(t *testing.T) {
	enf, err := policy.New(policy.Default(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := &trayModel{node: &fakeTrayNode{enf: enf}, now: func() time.Time { return noon }}
	steps := []struct {
		ev    events.Event
		state trayState
		speed string
	}{
		{events.Event{Type: events.TypeGeneration, Data: metrics.Report{ID: "a", State: "start"}}, trayServing, "Speed: starting…"},
		{events.Event{Type: events.TypeTokenRate, Data: events.TokenRate{ID: "a", TokensPerS: 20}}, trayServing, "Speed: 20.0 tokens/s"},
		{events.Event{Type: events.TypeGeneration, Data: metrics.Report{ID: "a", State: "end", TokensPerS: 18}}, trayIdle, "Speed: idle (last 18.0 tokens/s)"},
		{events.Event{Type: events.TypeMetrics, Data: metrics.Live{Active: true, TokensPerS: 18}}, trayServing, "Speed: 18.0 tokens/s"},
		{events.Event{Type: events.TypeMetrics, Data: metrics.Live{TokensPerS: 25}}, trayIdle, "Speed: idle (last 25.0 tokens/s)"},
	}
	for i, s := range steps {
		m.apply(s.ev)
		if v := m.view(); v.State != s.state || v.Speed != s.speed {
			t.Fatalf("after event %d (%s): %s %q, want %s %q", i, s.ev.Type, v.State, v.Speed, s.state, s.speed)
		}
	}
}

// fakeTrayNode's switches fail: a disk that refuses the policy file.
type fakeTrayNode struct {
	enf *policy.Enforcer
	bus *events.Bus
}

func (f *fakeTrayNode) Policy() *policy.Enforcer       { return f.enf }
func (f *fakeTrayNode) SetContributing(bool) error     { return errors.New("save policy: disk full") }
func (f *fakeTrayNode) SetPausedUntil(time.Time) error { return errors.New("save policy: disk full") }
func (f *fakeTrayNode) Events() *events.Bus            { return f.bus }

func TestTrayShowsAFailedActionUntilOneSucceeds(t *testing.T) {
	enf, err := policy.New(policy.Default(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTrayNode{enf: enf}
	m := &trayModel{node: f, now: time.Now}
	if err := m.do(actContribute); err == nil {
		t.Fatal("a failed switch reported no error")
	}
	if v := m.view(); v.State != trayError || !strings.Contains(v.Tooltip, "disk full") || v.Contribute {
		t.Fatalf("after a failed switch: %+v", v)
	}
	m.node = &fixedTrayNode{fakeTrayNode: f}
	if err := m.do(actContribute); err != nil {
		t.Fatal(err)
	}
	if v := m.view(); v.State == trayError {
		t.Fatalf("the error stays after a switch that worked: %+v", v)
	}
}

// fixedTrayNode is fakeTrayNode once the disk has room again.
type fixedTrayNode struct{ *fakeTrayNode }

func (f *fixedTrayNode) SetContributing(on bool) error {
	p := f.enf.Policy()
	p.Contribute = on
	return f.enf.Update(p)
}

// The tray and the API show one state: a change through the API reaches the tray through the
// node's events, and the tray's switches change what the API reports.
func TestTrayAndAPIShowOneState(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := node.Start(ctx, node.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Threads: 1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	m := &trayModel{node: n, now: time.Now}
	sub := m.subscribe(ctx)
	if v := m.view(); v.Contribute || v.State != trayIdle {
		t.Fatalf("a fresh node's tray: %+v", v)
	}
	// Through the API, as the settings page does: the tray hears of it.
	st := getPolicy(t, n.URL())
	st.Policy.Contribute, st.Policy.PauseOnBattery = true, false // this machine's power must not matter
	body, _ := json.Marshal(st.Policy)
	req, _ := http.NewRequest(http.MethodPut, n.URL()+"/api/policy", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT /api/policy: %s", resp.Status)
	}
	waitEvent(t, sub, events.TypePolicy)
	if v := m.view(); !v.Contribute || v.State != trayContributing || !v.CanPause {
		t.Fatalf("the tray after contribution was switched on through the API: %+v", v)
	}

	// Through the tray: the API reports it.
	before := time.Now()
	if err := m.do(actPauseHour); err != nil {
		t.Fatal(err)
	}
	st = getPolicy(t, n.URL())
	if until := st.Policy.PausedUntil; until.Before(before.Add(time.Hour-time.Second)) || until.After(time.Now().Add(time.Hour)) ||
		st.Status.Contributing || !strings.HasPrefix(st.Status.Reason, "paused until") || !st.Policy.Contribute {
		t.Fatalf("GET /api/policy after pausing for an hour: %+v", st)
	}
	if v := m.view(); !v.Paused || v.State != trayIdle || !strings.HasPrefix(v.PausedLabel, "Paused until ") {
		t.Fatalf("the tray while paused: %+v", v)
	}
	if err := m.do(actResume); err != nil {
		t.Fatal(err)
	}
	if st = getPolicy(t, n.URL()); !st.Policy.PausedUntil.IsZero() || !st.Status.Contributing {
		t.Fatalf("GET /api/policy after resuming: %+v", st)
	}
	if err := m.do(actPauseTomorrow); err != nil {
		t.Fatal(err)
	}
	if st = getPolicy(t, n.URL()); !st.Policy.PausedUntil.Equal(pauseTomorrow(time.Now())) {
		t.Fatalf("GET /api/policy after pausing until tomorrow: %+v", st)
	}
	if err := m.do(actContribute); err != nil {
		t.Fatal(err)
	}
	if st = getPolicy(t, n.URL()); st.Policy.Contribute || st.Status.Contributing {
		t.Fatalf("GET /api/policy after the tray switched contribution off: %+v", st)
	}
	if v := m.view(); v.Contribute || v.CanPause {
		t.Fatalf("the tray after switching off: %+v", v)
	}
}

func getPolicy(t *testing.T, url string) api.PolicyState {
	t.Helper()
	resp, err := http.Get(url + "/api/policy")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var st api.PolicyState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("GET /api/policy: %v: %s", err, b)
	}
	return st
}

func waitEvent(t *testing.T, sub *events.Subscription, typ string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-sub.C():
			if ev.Type == typ {
				return
			}
		case <-timeout:
			t.Fatalf("no %s event within 5 s", typ)
		}
	}
}
