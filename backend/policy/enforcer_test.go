package policy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/policy"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// power is a fake PowerSource.
type power struct {
	battery atomic.Bool
	err     error
}

func (p *power) OnBattery() (bool, error) { return p.battery.Load(), p.err }

func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2025-03-14 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

func on(edit func(*policy.Policy)) policy.Policy {
	p := policy.Default()
	p.Contribute = true
	if edit != nil {
		edit(&p)
	}
	return p
}

func newEnforcer(t *testing.T, p policy.Policy, now time.Time, pw policy.PowerSource) (*policy.Enforcer, *clock) {
	t.Helper()
	c := &clock{t: now}
	if pw == nil {
		pw = &power{}
	}
	e, err := policy.New(p, policy.Options{Now: c.Now, Power: pw, Cores: 8})
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

// The switch, the hours and the power decide for every peer; Status tells the UI the same.
func TestAdmitGates(t *testing.T) {
	night := func(p *policy.Policy) { p.Hours = "22:00-07:00" }
	office := func(p *policy.Policy) { p.Hours = "09:00-17:00" }
	for _, tc := range []struct {
		name    string
		p       policy.Policy
		now     string
		battery bool
		powErr  error
		want    error  // nil = admitted
		reason  string // Status().Reason
	}{
		{"off", policy.Default(), "12:00", false, nil, policy.ErrOff, "off"},
		{"off wins over hours and battery", func() policy.Policy { p := policy.Default(); night(&p); return p }(), "12:00", true, nil, policy.ErrOff, "off"},
		{"on, any time", on(nil), "03:00", false, nil, nil, ""},
		{"day window before start", on(office), "08:59", false, nil, policy.ErrOutsideHours, "outside hours 09:00-17:00"},
		{"day window start is inside", on(office), "09:00", false, nil, nil, ""},
		{"day window last minute", on(office), "16:59", false, nil, nil, ""},
		{"day window end is outside", on(office), "17:00", false, nil, policy.ErrOutsideHours, "outside hours 09:00-17:00"},
		{"night window before start", on(night), "21:59", false, nil, policy.ErrOutsideHours, "outside hours 22:00-07:00"},
		{"night window start", on(night), "22:00", false, nil, nil, ""},
		{"night window midnight", on(night), "00:00", false, nil, nil, ""},
		{"night window after midnight", on(night), "03:30", false, nil, nil, ""},
		{"night window last minute", on(night), "06:59", false, nil, nil, ""},
		{"night window end", on(night), "07:00", false, nil, policy.ErrOutsideHours, "outside hours 22:00-07:00"},
		{"night window at noon", on(night), "12:00", false, nil, policy.ErrOutsideHours, "outside hours 22:00-07:00"},
		{"hours written loosely, shown plainly", on(func(p *policy.Policy) { p.Hours = "9:00 - 17:00" }), "18:00", false, nil, policy.ErrOutsideHours, "outside hours 09:00-17:00"},
		{"on battery", on(nil), "12:00", true, nil, policy.ErrOnBattery, "on battery"},
		{"on battery, outside hours", on(night), "12:00", true, nil, policy.ErrOutsideHours, "outside hours 22:00-07:00"},
		{"on battery allowed", on(func(p *policy.Policy) { p.PauseOnBattery = false }), "12:00", true, nil, nil, ""},
		{"power unreadable counts as mains", on(nil), "12:00", false, errors.New("sysfs gone"), nil, ""},
		{"paused", on(func(p *policy.Policy) { p.PausedUntil = at("13:00") }), "12:00", false, nil, policy.ErrPaused, "paused until 2025-03-14 13:00"},
		{"pause ends by itself", on(func(p *policy.Policy) { p.PausedUntil = at("13:00") }), "13:00", false, nil, nil, ""},
		{"off wins over a pause", func() policy.Policy { p := policy.Default(); p.PausedUntil = at("13:00"); return p }(), "12:00", false, nil, policy.ErrOff, "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pw := &power{err: tc.powErr}
			pw.battery.Store(tc.battery)
			e, _ := newEnforcer(t, tc.p, at(tc.now), pw)
			release, err := e.Admit(context.Background(), "peer")
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Admit = %v, want admitted", err)
				}
				release()
			} else {
				if !errors.Is(err, tc.want) || !errors.Is(err, policy.ErrRefused) {
					t.Fatalf("Admit = %v, want %v (an ErrRefused)", err, tc.want)
				}
				if release != nil {
					t.Fatal("a refusal returned a release func")
				}
			}
			s := e.Status()
			if s.Contributing != (tc.want == nil) || s.Reason != tc.reason {
				t.Fatalf("Status = %+v, want contributing %v reason %q", s, tc.want == nil, tc.reason)
			}
		})
	}
}

// A peer gets PeerRequestsPerMinute requests at once, then one every minute/N; RetryAfter says
// when, and a peer that waits that long is served. Other peers are not affected.
func TestRateLimit(t *testing.T) {
	for _, n := range []int{1, 7, 30} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e, c := newEnforcer(t, on(func(p *policy.Policy) { p.PeerRequestsPerMinute = n }), at("12:00"), nil)
			ctx := context.Background()
			for i := range n {
				release, err := e.Admit(ctx, "greedy")
				if err != nil {
					t.Fatalf("request %d of %d: %v", i+1, n, err)
				}
				release()
			}
			_, err := e.Admit(ctx, "greedy")
			var rl *policy.RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, policy.ErrRefused) {
				t.Fatalf("request %d: %v, want a *RateLimitError matching ErrRefused", n+1, err)
			}
			interval := time.Minute / time.Duration(n)
			if d := rl.RetryAfter - interval; d < -time.Millisecond || d > time.Millisecond {
				t.Fatalf("RetryAfter = %v, want %v", rl.RetryAfter, interval)
			}
			if release, err := e.Admit(ctx, "polite"); err != nil {
				t.Fatalf("another peer refused: %v", err)
			} else {
				release()
			}
			// Asking again early is refused with the remaining wait, and costs nothing.
			c.Advance(rl.RetryAfter / 2)
			_, err = e.Admit(ctx, "greedy")
			var rl2 *policy.RateLimitError
			if !errors.As(err, &rl2) || rl2.RetryAfter > rl.RetryAfter-rl.RetryAfter/2+time.Millisecond {
				t.Fatalf("early retry: %v, want a RateLimitError of about %v", err, rl.RetryAfter/2)
			}
			c.Advance(rl2.RetryAfter)
			release, err := e.Admit(ctx, "greedy")
			if err != nil {
				t.Fatalf("after waiting RetryAfter: %v", err)
			}
			release()
			if _, err := e.Admit(ctx, "greedy"); !errors.As(err, &rl) {
				t.Fatalf("second request after the wait: %v, want rate limited", err)
			}
		})
	}
}

func TestMaxConcurrent(t *testing.T) {
	ctx := context.Background()
	e, _ := newEnforcer(t, on(func(p *policy.Policy) { p.MaxConcurrent = 2 }), at("12:00"), nil)
	r1, err := e.Admit(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := e.Admit(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Admit(ctx, "c"); !errors.Is(err, policy.ErrBusy) || !errors.Is(err, policy.ErrRefused) {
		t.Fatalf("third job: %v, want ErrBusy", err)
	}
	if s := e.Status(); !s.Contributing || s.Active != 2 {
		t.Fatalf("Status while busy = %+v, want contributing with 2 active", s)
	}
	r1()
	r1() // a second release must not free a second slot
	r3, err := e.Admit(ctx, "c")
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := e.Admit(ctx, "d"); !errors.Is(err, policy.ErrBusy) {
		t.Fatalf("after a double release: %v, want ErrBusy", err)
	}
	r2()
	r3()
	if s := e.Status(); s.Active != 0 {
		t.Fatalf("Active = %d after all releases", s.Active)
	}
}

// Being refused because we are busy does not use up the peer's rate.
func TestBusyDoesNotCountAgainstPeer(t *testing.T) {
	ctx := context.Background()
	e, _ := newEnforcer(t, on(func(p *policy.Policy) { p.PeerRequestsPerMinute = 1 }), at("12:00"), nil)
	release, err := e.Admit(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Admit(ctx, "b"); !errors.Is(err, policy.ErrBusy) {
		t.Fatalf("got %v, want ErrBusy", err)
	}
	release()
	if release, err := e.Admit(ctx, "b"); err != nil {
		t.Fatalf("b after a busy refusal: %v", err)
	} else {
		release()
	}
}

func TestThreads(t *testing.T) {
	for _, tc := range []struct{ cores, percent, maxThreads, want int }{
		{8, 50, 0, 4},
		{8, 100, 0, 8},
		{8, 100, 3, 3},
		{8, 25, 6, 2},
		{16, 75, 0, 12},
		{3, 50, 0, 1}, // rounds down
		{2, 10, 0, 1}, // at least one
		{1, 100, 0, 1},
		{4, 100, 8, 4}, // a cap above the share changes nothing
	} {
		p := on(func(p *policy.Policy) { p.MaxCPUPercent, p.MaxThreads = tc.percent, tc.maxThreads })
		e, err := policy.New(p, policy.Options{Cores: tc.cores, Power: &power{}})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Threads(); got != tc.want {
			t.Errorf("%d cores, %d%%, max %d: Threads() = %d, want %d", tc.cores, tc.percent, tc.maxThreads, got, tc.want)
		}
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	e, _ := newEnforcer(t, policy.Default(), at("12:00"), nil)
	if _, err := e.Admit(ctx, "a"); !errors.Is(err, policy.ErrOff) {
		t.Fatalf("default policy: %v, want ErrOff", err)
	}
	p := on(nil)
	if err := e.Update(p); err != nil {
		t.Fatal(err)
	}
	if e.Policy() != p {
		t.Fatalf("Policy() = %+v after Update(%+v)", e.Policy(), p)
	}
	release, err := e.Admit(ctx, "a")
	if err != nil {
		t.Fatalf("after turning on: %v", err)
	}
	bad := p
	bad.MaxConcurrent = 0
	if err := e.Update(bad); err == nil {
		t.Fatal("Update accepted max_concurrent 0")
	}
	if e.Policy() != p {
		t.Fatal("a refused Update changed the policy")
	}
	// Turning off refuses new work; the running job finishes and releases normally.
	off := p
	off.Contribute = false
	if err := e.Update(off); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Admit(ctx, "b"); !errors.Is(err, policy.ErrOff) {
		t.Fatalf("after turning off: %v, want ErrOff", err)
	}
	release()
	if s := e.Status(); s.Contributing || s.Reason != "off" || s.Active != 0 {
		t.Fatalf("Status = %+v", s)
	}
}

// Lowering the rate applies at once to peers already seen: their saved-up requests shrink to
// the new burst.
func TestUpdateRate(t *testing.T) {
	ctx := context.Background()
	e, _ := newEnforcer(t, on(nil), at("12:00"), nil)
	release, err := e.Admit(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	release()
	const lower = 2
	if err := e.Update(on(func(p *policy.Policy) { p.PeerRequestsPerMinute = lower })); err != nil {
		t.Fatal(err)
	}
	for i := range lower + 1 {
		release, err := e.Admit(ctx, "a")
		if err != nil {
			var rl *policy.RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("request %d: %v, want rate limited", i+1, err)
			}
			return
		}
		release()
	}
	t.Fatalf("%d requests admitted in the same instant after lowering the rate to %d/min", lower+1, lower)
}

func TestNewRefusesInvalid(t *testing.T) {
	p := on(func(p *policy.Policy) { p.Hours = "late" })
	if _, err := policy.New(p, policy.Options{}); err == nil {
		t.Fatal("New accepted hours \"late\"")
	}
}

func TestAdmitCanceled(t *testing.T) {
	e, _ := newEnforcer(t, on(nil), at("12:00"), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Admit(ctx, "a"); !errors.Is(err, context.Canceled) || errors.Is(err, policy.ErrRefused) {
		t.Fatalf("Admit with a canceled context = %v", err)
	}
}

// Many peers at once never get more than MaxConcurrent jobs (run with -race).
func TestConcurrentAdmit(t *testing.T) {
	const limit = 3
	e, err := policy.New(on(func(p *policy.Policy) { p.MaxConcurrent, p.PeerRequestsPerMinute = limit, 1000 }),
		policy.Options{Power: &power{}})
	if err != nil {
		t.Fatal(err)
	}
	var running, peak, admitted atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 200 {
				release, err := e.Admit(context.Background(), fmt.Sprint("peer", g))
				if err != nil {
					if !errors.Is(err, policy.ErrBusy) {
						t.Errorf("unexpected refusal: %v", err)
					}
					continue
				}
				admitted.Add(1)
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				running.Add(-1)
				release()
			}
		})
	}
	wg.Wait()
	if peak.Load() > limit {
		t.Fatalf("%d jobs ran at once, limit %d", peak.Load(), limit)
	}
	if admitted.Load() == 0 {
		t.Fatal("no job admitted")
	}
	if s := e.Status(); s.Active != 0 {
		t.Fatalf("Active = %d after all releases", s.Active)
	}
}

// The Enforcer with the real sysfs reader: unplugging pauses, plugging in resumes.
func TestEnforcerWithSysfs(t *testing.T) {
	root := t.TempDir()
	supply(t, root, "AC", map[string]string{"type": "Mains", "online": "0"})
	supply(t, root, "BAT0", map[string]string{"type": "Battery", "status": "Discharging", "scope": "System"})
	e, _ := newEnforcer(t, on(nil), at("12:00"), policy.SysfsPower(root))
	if _, err := e.Admit(context.Background(), "a"); !errors.Is(err, policy.ErrOnBattery) {
		t.Fatalf("unplugged: %v, want ErrOnBattery", err)
	}
	supply(t, root, "AC", map[string]string{"online": "1"})
	supply(t, root, "BAT0", map[string]string{"status": "Charging"})
	release, err := e.Admit(context.Background(), "a")
	if err != nil {
		t.Fatalf("plugged in: %v", err)
	}
	release()
}

func supply(t *testing.T, root, name string, attrs map[string]string) {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range attrs {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// One peer holds at most its share of the concurrent jobs, half of them rounded up: a peer
// flooding the node leaves room to another.
func TestPeerShare(t *testing.T) {
	for max, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 16: 8} {
		if got := policy.PeerShare(max); got != want {
			t.Errorf("PeerShare(%d) = %d, want %d", max, got, want)
		}
	}
	ctx := context.Background()
	e, clk := newEnforcer(t, on(func(p *policy.Policy) { p.MaxConcurrent, p.PeerRequestsPerMinute = 4, 100 }), at("12:00"), nil)
	var rel []func()
	for i := 0; i < 2; i++ {
		r, err := e.Admit(ctx, "flood")
		if err != nil {
			t.Fatal(err)
		}
		rel = append(rel, r)
	}
	_, err := e.Admit(ctx, "flood")
	if !errors.Is(err, policy.ErrPeerShare) || !errors.Is(err, policy.ErrBusy) || !errors.Is(err, policy.ErrRefused) {
		t.Fatalf("third job of one peer: %v, want ErrPeerShare", err)
	}
	for i := 0; i < 2; i++ {
		r, err := e.Admit(ctx, "polite")
		if err != nil {
			t.Fatalf("another peer's job %d: %v", i, err)
		}
		r()
	}
	// A peer running jobs keeps its count across a prune (two minutes of silence).
	clk.Advance(2 * time.Minute)
	if r, err := e.Admit(ctx, "other"); err != nil {
		t.Fatal(err)
	} else {
		r()
	}
	if _, err := e.Admit(ctx, "flood"); !errors.Is(err, policy.ErrPeerShare) {
		t.Fatalf("over its share after a prune: %v, want ErrPeerShare", err)
	}
	rel[0]()
	r, err := e.Admit(ctx, "flood")
	if err != nil {
		t.Fatalf("after one of its jobs ended: %v", err)
	}
	r()
	rel[1]()
	if s := e.Status(); s.Active != 0 {
		t.Fatalf("Active = %d after all releases", s.Active)
	}
}

// A rate-limited refusal says when to ask again.
func TestRateLimitErrorRetry(t *testing.T) {
	var err error = &policy.RateLimitError{RetryAfter: 3 * time.Second}
	rl, ok := errors.AsType[interface {
		error
		RateLimited() time.Duration
	}](err)
	if !ok || rl.RateLimited() != 3*time.Second {
		t.Fatalf("%v does not say when to ask again", err)
	}
}
