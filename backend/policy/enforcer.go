package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ErrRefused is what every refusal of Admit matches with errors.Is.
var ErrRefused = errors.New("peer work refused")

// The refusals callers branch on; a rate-limited peer gets a *RateLimitError instead.
var (
	ErrOff          = fmt.Errorf("%w: contribution is off", ErrRefused)
	ErrOutsideHours = fmt.Errorf("%w: outside contribution hours", ErrRefused)
	ErrOnBattery    = fmt.Errorf("%w: on battery", ErrRefused)
	ErrMetered      = fmt.Errorf("%w: on a metered network", ErrRefused)
	ErrPaused       = fmt.Errorf("%w: paused", ErrRefused)
	ErrBusy         = fmt.Errorf("%w: busy with other peers' jobs", ErrRefused)
	// ErrPeerShare refuses a peer already running its share of the jobs (see PeerShare) while
	// slots remain for others; it matches ErrBusy.
	ErrPeerShare = fmt.Errorf("%w: this peer already runs its share of jobs", ErrBusy)
)

// PeerShare is how many of max concurrent jobs one peer may hold: half of them, rounded up, so
// that one peer flooding the node leaves room to another.
func PeerShare(max int) int { return max - max/2 }

// RateLimitError refuses a peer that asked too often; it may ask again after RetryAfter.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: too many requests, retry after %v", ErrRefused, e.RetryAfter)
}

// RateLimited says when the peer may ask again: the pipeline server answers an error with this
// method with a short "rate_limited" frame.
func (e *RateLimitError) RateLimited() time.Duration { return e.RetryAfter }

// Is makes a RateLimitError match ErrRefused.
func (e *RateLimitError) Is(target error) bool { return target == ErrRefused }

// PowerSource tells whether the machine runs on battery.
type PowerSource interface {
	OnBattery() (bool, error)
}

// NetworkSource tells whether the network in use is metered (NetworkManager's view on Linux).
type NetworkSource interface {
	Metered() (bool, error)
}

// Options are the machine facts an Enforcer needs; zero values mean the real ones, but for
// Network: reading it needs a watcher the caller runs (NetworkManager), so nil means unknown,
// which counts as not metered.
type Options struct {
	Now     func() time.Time // clock; Hours are read in the location of its times (default time.Now, local)
	Power   PowerSource      // default SystemPower()
	Network NetworkSource    // nil: never metered
	Cores   int              // default runtime.NumCPU()
}

// Status is what the UI shows: whether peers get work now, and if not, why.
type Status struct {
	Contributing bool   `json:"contributing"`
	Reason       string `json:"reason,omitempty"` // "off", "outside hours 22:00-07:00", "on battery"
	Active       int    `json:"active"`           // peer jobs running
}

// limiterTTL is how long a peer's idle limiter is kept: by then its bucket is full again
// (one minute refills PeerRequestsPerMinute tokens), so dropping it forgets nothing.
const limiterTTL = time.Minute

// Enforcer applies a Policy to peer requests. It is safe for concurrent use.
type Enforcer struct {
	now     func() time.Time
	power   PowerSource
	network NetworkSource
	cores   int

	mu        sync.Mutex
	p         Policy
	hours     *window
	active    int
	peers     map[string]*peerLimiter
	lastPrune time.Time
	powerErr  string // last power-reading error logged, to log each new one once
	netErr    string // the same for the network's metered state
}

type peerLimiter struct {
	lim    *rate.Limiter
	last   time.Time
	active int // the peer's jobs running
}

// New returns an Enforcer of p, or an error if p is invalid.
func New(p Policy, o Options) (*Enforcer, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Power == nil {
		o.Power = SystemPower()
	}
	if o.Cores <= 0 {
		o.Cores = runtime.NumCPU()
	}
	e := &Enforcer{now: o.Now, power: o.Power, network: o.Network, cores: o.Cores, peers: map[string]*peerLimiter{}}
	if err := e.Update(p); err != nil {
		return nil, err
	}
	return e, nil
}

// Update replaces the policy; an invalid one is refused and the old one stays. Jobs already
// admitted run on; the new limits apply to the next Admit.
func (e *Enforcer) Update(p Policy) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	w, _ := parseHours(p.Hours) // Validate parsed it
	e.mu.Lock()
	defer e.mu.Unlock()
	if p.PeerRequestsPerMinute != e.p.PeerRequestsPerMinute {
		now := e.now()
		for _, pl := range e.peers {
			pl.lim.SetLimitAt(now, perMinute(p.PeerRequestsPerMinute))
			pl.lim.SetBurstAt(now, p.PeerRequestsPerMinute)
		}
	}
	e.p, e.hours = p, w
	return nil
}

// Policy returns the policy in force.
func (e *Enforcer) Policy() Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.p
}

// Threads is how many threads a peer job may use: MaxCPUPercent of the cores, capped by
// MaxThreads, at least 1.
func (e *Enforcer) Threads() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.cores * e.p.MaxCPUPercent / 100
	if e.p.MaxThreads > 0 && n > e.p.MaxThreads {
		n = e.p.MaxThreads
	}
	return max(n, 1)
}

// Status says whether peers get work now, and if not, why.
func (e *Enforcer) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := Status{Active: e.active}
	switch err := e.gate(e.now()); {
	case err == nil:
		s.Contributing = true
	case errors.Is(err, ErrOff):
		s.Reason = "off"
	case errors.Is(err, ErrOutsideHours):
		s.Reason = "outside hours " + e.hours.String()
	case errors.Is(err, ErrOnBattery):
		s.Reason = "on battery"
	case errors.Is(err, ErrMetered):
		s.Reason = "on a metered network"
	case errors.Is(err, ErrPaused):
		s.Reason = "paused until " + e.p.PausedUntil.In(e.now().Location()).Format("2006-01-02 15:04")
	}
	return s
}

// Admit decides whether peerID may start a job now. On success the caller must call release
// when the job ends (calling it again does nothing). Refusals match ErrRefused and one of
// ErrOff, ErrPaused, ErrOutsideHours, ErrOnBattery, ErrMetered, ErrBusy, or are a
// *RateLimitError.
func (e *Enforcer) Admit(ctx context.Context, peerID string) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if err := e.gate(now); err != nil {
		return nil, err
	}
	e.prune(now)
	pl := e.peers[peerID]
	if pl == nil {
		pl = &peerLimiter{lim: rate.NewLimiter(perMinute(e.p.PeerRequestsPerMinute), e.p.PeerRequestsPerMinute)}
		e.peers[peerID] = pl
	}
	pl.last = now
	r := pl.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, &RateLimitError{RetryAfter: d}
	}
	if e.active >= e.p.MaxConcurrent {
		r.CancelAt(now) // our being busy should not count against the peer
		return nil, ErrBusy
	}
	if pl.active >= PeerShare(e.p.MaxConcurrent) {
		r.CancelAt(now)
		return nil, ErrPeerShare
	}
	e.active++
	pl.active++
	var once sync.Once
	return func() {
		once.Do(func() {
			e.mu.Lock()
			e.active--
			pl.active--
			pl.last = e.now()
			e.mu.Unlock()
		})
	}, nil
}

// Allowed says whether peers' work may go on now (contributing on, inside the hours, not on
// battery or a metered network): the pipeline server asks it before every step of an admitted
// stream.
func (e *Enforcer) Allowed(string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gate(e.now())
}

// gate checks the conditions that hold for every peer: the switch, the pause, the hours, the
// power, the network. The caller holds e.mu.
func (e *Enforcer) gate(now time.Time) error {
	if !e.p.Contribute {
		return ErrOff
	}
	if now.Before(e.p.PausedUntil) {
		return ErrPaused
	}
	if e.hours != nil && !e.hours.contains(now) {
		return ErrOutsideHours
	}
	if e.p.PauseOnBattery {
		onBattery, err := e.power.OnBattery()
		switch {
		case err != nil:
			// Unknown power state counts as mains, like a machine without power supply
			// information; the user sees it in the log once.
			if err.Error() != e.powerErr {
				e.powerErr = err.Error()
				slog.Warn("policy: cannot read the power state; assuming mains power", "err", err)
			}
		case onBattery:
			e.powerErr = ""
			return ErrOnBattery
		default:
			e.powerErr = ""
		}
	}
	if e.p.PauseOnMetered && e.network != nil {
		metered, err := e.network.Metered()
		switch {
		case err != nil:
			// Unknown counts as not metered, as an unknown power state counts as mains.
			if err.Error() != e.netErr {
				e.netErr = err.Error()
				slog.Warn("policy: cannot tell whether the network is metered; assuming it is not", "err", err)
			}
		case metered:
			e.netErr = ""
			return ErrMetered
		default:
			e.netErr = ""
		}
	}
	return nil
}

// prune drops the limiters of peers idle for limiterTTL, none running a job, at most once per limiterTTL.
// The caller holds e.mu.
func (e *Enforcer) prune(now time.Time) {
	if now.Sub(e.lastPrune) < limiterTTL {
		return
	}
	e.lastPrune = now
	for id, pl := range e.peers {
		if pl.active == 0 && now.Sub(pl.last) >= limiterTTL {
			delete(e.peers, id)
		}
	}
}

func perMinute(n int) rate.Limit { return rate.Every(time.Minute / time.Duration(n)) }
