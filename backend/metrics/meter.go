package metrics

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v3/mem"
	"github.com/shirou/gopsutil/v3/process"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/inference"
)

// Report is the metering of one finished generation.
type Report struct {
	ID               string  `json:"id"`
	Model            string  `json:"model"`
	State            string  `json:"state"` // "start" or "end" in events
	PromptTokens     int     `json:"prompt_tokens"`
	GenTokens        int     `json:"gen_tokens"`
	PromptTokensPerS float64 `json:"prompt_tokens_per_s"`
	TokensPerS       float64 `json:"tokens_per_s"`
	// MJPerToken is the energy of the generation phase (after the prompt) over the generated
	// tokens; EnergyMJ covers prompt and generation.
	MJPerToken   float64 `json:"mj_per_token"`
	EnergyMJ     float64 `json:"energy_mj"`
	EnergyKind   Kind    `json:"energy_kind"`
	EnergyDetail string  `json:"energy_detail"`
	FinishReason string  `json:"finish_reason,omitempty"`
	Error        string  `json:"error,omitempty"`
	DurationMS   float64 `json:"duration_ms"`
}

// Live is the periodic sample of the process.
type Live struct {
	CPUPercent   float64 `json:"cpu_percent"` // of one core (200 = two cores busy)
	RSSBytes     uint64  `json:"rss_bytes"`
	MemUsed      uint64  `json:"mem_used"`
	MemTotal     uint64  `json:"mem_total"`
	Active       bool    `json:"active"`
	TokensPerS   float64 `json:"tokens_per_s"`
	MJPerToken   float64 `json:"mj_per_token"`
	EnergyKind   Kind    `json:"energy_kind"`
	EnergyDetail string  `json:"energy_detail"`
}

type active struct {
	id, model      string
	t0, tGen       time.Time
	e0, eGen       float64
	prompt, tokens int
	lastLive       time.Time
}

// Meter meters generations (it is the scheduler's Observer) and samples the process.
type Meter struct {
	src     EnergySource
	publish func(typ string, data any)

	mu      sync.Mutex
	cur     *active
	reports map[string]Report
	order   []string
	last    Live
	proc    *process.Process
}

// NewMeter meters with src and publishes "generation" and "metrics" events through publish
// (nil: none).
func NewMeter(src EnergySource, publish func(typ string, data any)) *Meter {
	if publish == nil {
		publish = func(string, any) {}
	}
	p, _ := process.NewProcess(int32(os.Getpid()))
	return &Meter{src: src, publish: publish, reports: map[string]Report{}, proc: p}
}

// Source is the energy source in use.
func (m *Meter) Source() EnergySource { return m.src }

func (m *Meter) joules() float64 {
	j, err := m.src.ReadJoules()
	if err != nil {
		return 0
	}
	return j
}

// Start begins metering generation id.
func (m *Meter) Start(id, model string) {
	now, e := time.Now(), m.joules()
	m.mu.Lock()
	m.cur = &active{id: id, model: model, t0: now, e0: e, tGen: now, eGen: e}
	m.mu.Unlock()
	m.publish("generation", Report{ID: id, Model: model, State: "start", EnergyKind: m.src.Kind(), EnergyDetail: m.src.Describe()})
}

// PromptDone marks the end of prompt processing.
func (m *Meter) PromptDone(id string, tokens int) {
	now, e := time.Now(), m.joules()
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.cur; a != nil && a.id == id {
		a.prompt, a.tGen, a.eGen = tokens, now, e
	}
}

// Token publishes a generated piece of text (the "token" event), counts it, and publishes live
// figures at most every 250 ms.
func (m *Meter) Token(id string, t inference.Token) {
	if t.Text != "" {
		m.publish(events.TypeToken, events.Token{ID: id, Text: t.Text})
	}
	m.mu.Lock()
	a := m.cur
	if a == nil || a.id != id || t.ID < 0 {
		m.mu.Unlock()
		return
	}
	a.tokens++
	now := time.Now()
	if now.Sub(a.lastLive) < 250*time.Millisecond || a.tokens < 2 {
		m.mu.Unlock()
		return
	}
	a.lastLive = now
	tps := float64(a.tokens) / since(a.tGen).Seconds()
	eGen := a.eGen
	n := a.tokens
	m.mu.Unlock()
	mj := (m.joules() - eGen) * 1000 / float64(n)
	m.publish("token_rate", events.TokenRate{ID: id, TokensPerS: tps, MJPerToken: mj, EnergyKind: string(m.src.Kind())})
	m.mu.Lock()
	m.last.Active, m.last.TokensPerS, m.last.MJPerToken = true, tps, mj
	m.mu.Unlock()
}

// End finishes metering, stores the report and publishes it.
func (m *Meter) End(id string, res inference.Result, err error) {
	now, e := time.Now(), m.joules()
	m.mu.Lock()
	a := m.cur
	if a == nil || a.id != id {
		m.mu.Unlock()
		return
	}
	m.cur = nil
	r := Report{ID: id, Model: a.model, State: "end", PromptTokens: res.PromptTokens, GenTokens: len(res.Tokens),
		PromptTokensPerS: res.PromptPerSec, TokensPerS: res.GeneratePerSec, EnergyMJ: (e - a.e0) * 1000,
		EnergyKind: m.src.Kind(), EnergyDetail: m.src.Describe(), FinishReason: res.FinishReason,
		DurationMS: float64(now.Sub(a.t0).Microseconds()) / 1000}
	if n := len(res.Tokens); n > 0 {
		r.MJPerToken = (e - a.eGen) * 1000 / float64(n)
	}
	if err != nil {
		r.Error = err.Error()
	}
	m.reports[id] = r
	m.order = append(m.order, id)
	if len(m.order) > 256 {
		delete(m.reports, m.order[0])
		m.order = m.order[1:]
	}
	m.last.Active, m.last.TokensPerS, m.last.MJPerToken = false, r.TokensPerS, r.MJPerToken
	m.mu.Unlock()
	m.publish("generation", r)
}

// Report returns the report of a finished generation.
func (m *Meter) Report(id string) (Report, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.reports[id]
	return r, ok
}

// Sample reads the process's CPU and memory now.
func (m *Meter) Sample() Live {
	var l Live
	if m.proc != nil {
		if c, err := m.proc.Percent(0); err == nil {
			l.CPUPercent = c
		}
		if mi, err := m.proc.MemoryInfo(); err == nil {
			l.RSSBytes = mi.RSS
		}
	}
	if vm, err := mem.VirtualMemory(); err == nil {
		l.MemUsed, l.MemTotal = vm.Used, vm.Total
	}
	m.mu.Lock()
	l.Active, l.TokensPerS, l.MJPerToken = m.cur != nil, m.last.TokensPerS, m.last.MJPerToken
	m.mu.Unlock()
	l.EnergyKind, l.EnergyDetail = m.src.Kind(), m.src.Describe()
	return l
}

// Run publishes a "metrics" event every interval until ctx ends.
func (m *Meter) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.publish("metrics", m.Sample())
		}
	}
}
