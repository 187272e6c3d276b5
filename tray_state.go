package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/policy"
)

// This file is what the tray shows and does, apart from drawing it (tray_window.go): it builds
// without the desktop shell, so its tests run everywhere.

// trayState is the state the tray's icon shows (build/tray-STATE.png).
type trayState string

const (
	trayIdle         trayState = "idle"         // peers get no work: off, paused, outside the hours, on battery
	trayContributing trayState = "contributing" // peers may get work
	trayServing      trayState = "serving"      // a peer's job or a local request is running
	trayError        trayState = "error"        // the tray's last action failed, or the node stopped
)

// trayNode is the node as the tray uses it: its saved policy, the switches the tray flips, and
// its event bus. *node.Node has all of it.
type trayNode interface {
	Policy() *policy.Enforcer
	SetContributing(on bool) error
	SetPausedUntil(t time.Time) error
	Events() *events.Bus
}

// trayFacts is what the tray knows of the node. The policy and its status are read from the
// node each time; the speed comes from the node's events.
type trayFacts struct {
	Policy     policy.Policy
	Status     policy.Status
	Generating bool    // a request is being generated on this machine
	TokensPerS float64 // of the running generation, else of the last one (0: none yet)
	Problem    string  // why the tray shows the error state ("": it does not)
}

// trayView is everything the tray shows; the tray redraws what changed between two views.
type trayView struct {
	State       trayState
	Tooltip     string
	Contribute  bool   // the checkmark of "Contribute to the network"
	CanPause    bool   // the two pauses can be chosen (contributing is on and not paused)
	Paused      bool   // "Resume" replaces the two pauses
	PausedLabel string // "Paused until 14:30"
	Speed       string // the tokens/s line
}

// view is what the tray shows for f at time now.
func (f trayFacts) view(now time.Time) trayView {
	v := trayView{Contribute: f.Policy.Contribute, Paused: now.Before(f.Policy.PausedUntil), Speed: speedLine(f)}
	v.CanPause = v.Contribute && !v.Paused
	if v.Paused {
		v.PausedLabel = "Paused until " + untilLabel(now, f.Policy.PausedUntil)
	}
	switch {
	case f.Problem != "":
		v.State, v.Tooltip = trayError, "ARIA: "+f.Problem
	case f.Generating || f.Status.Active > 0:
		v.State, v.Tooltip = trayServing, "ARIA: generating"
		if f.Status.Active > 0 {
			v.Tooltip = fmt.Sprintf("ARIA: serving %d peer job(s)", f.Status.Active)
		}
	case f.Status.Contributing:
		v.State, v.Tooltip = trayContributing, "ARIA: contributing to the network"
	default:
		v.State = trayIdle
		switch {
		case v.Paused:
			v.Tooltip = "ARIA: contribution paused until " + untilLabel(now, f.Policy.PausedUntil)
		case f.Status.Reason == "" || f.Status.Reason == "off":
			v.Tooltip = "ARIA: not contributing"
		default:
			v.Tooltip = "ARIA: not contributing (" + f.Status.Reason + ")"
		}
	}
	return v
}

func speedLine(f trayFacts) string {
	switch {
	case f.Generating && f.TokensPerS > 0:
		return fmt.Sprintf("Speed: %.1f tokens/s", f.TokensPerS)
	case f.Generating:
		return "Speed: starting…"
	case f.TokensPerS > 0:
		return fmt.Sprintf("Speed: idle (last %.1f tokens/s)", f.TokensPerS)
	}
	return "Speed: idle"
}

// untilLabel names t for someone reading it at now: "14:30", "tomorrow 00:00", or a date.
func untilLabel(now, t time.Time) string {
	t = t.In(now.Location())
	y, m, d := now.Date()
	switch ty, tm, td := t.Date(); {
	case ty == y && tm == m && td == d:
		return t.Format("15:04")
	case t.Before(time.Date(y, m, d+2, 0, 0, 0, 0, now.Location())):
		return "tomorrow " + t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// pauseHour is the end of "Pause for 1 hour" chosen at now, to the second.
func pauseHour(now time.Time) time.Time { return now.Add(time.Hour).Truncate(time.Second) }

// pauseTomorrow is the end of "Pause until tomorrow" chosen at now: the next midnight, local
// time (time.Date normalises the day after the month's last; across a DST change the wall
// clock still reads 00:00).
func pauseTomorrow(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
}

// trayAction is what a tray menu item asks of the node.
type trayAction int

const (
	actContribute trayAction = iota // flip "Contribute to the network"
	actPauseHour
	actPauseTomorrow
	actResume
)

// trayModel keeps the tray's facts up to date from the node and carries out its actions. Only
// the tray's loop goroutine uses it.
type trayModel struct {
	node       trayNode
	now        func() time.Time
	generating bool
	tokensPerS float64
	failed     string // the last action's failure, until an action succeeds
	stopped    bool   // the node's event bus has closed while the tray runs
}

// subscribe starts following the events that change what the tray shows.
func (m *trayModel) subscribe(ctx context.Context) *events.Subscription {
	return m.node.Events().Subscribe(ctx, events.TypePolicy, events.TypeMetrics, events.TypeTokenRate, events.TypeGeneration)
}

// apply takes in one event of the node.
func (m *trayModel) apply(ev events.Event) {
	switch d := ev.Data.(type) {
	case metrics.Live: // every second: also ends a pause on time
		m.generating, m.tokensPerS = d.Active, d.TokensPerS
	case events.TokenRate:
		m.generating, m.tokensPerS = true, d.TokensPerS
	case metrics.Report:
		if d.State == "end" {
			m.generating = false
			if d.TokensPerS > 0 {
				m.tokensPerS = d.TokensPerS
			}
		} else {
			m.generating = true
		}
	}
}

// do carries out an action on the node; a failure shows as the error state until the next
// action succeeds.
func (m *trayModel) do(a trayAction) error {
	p := m.node.Policy().Policy()
	var err error
	switch a {
	case actContribute:
		err = m.node.SetContributing(!p.Contribute)
	case actPauseHour:
		err = m.node.SetPausedUntil(pauseHour(m.now()))
	case actPauseTomorrow:
		err = m.node.SetPausedUntil(pauseTomorrow(m.now()))
	case actResume:
		err = m.node.SetPausedUntil(time.Time{})
	}
	if err != nil {
		m.failed = "could not change contribution: " + err.Error()
		return err
	}
	m.failed = ""
	return nil
}

// facts reads the node now.
func (m *trayModel) facts() trayFacts {
	f := trayFacts{Policy: m.node.Policy().Policy(), Status: m.node.Policy().Status(), Generating: m.generating,
		TokensPerS: m.tokensPerS, Problem: m.failed}
	if m.stopped {
		f.Problem = "the node has stopped; restart ARIA"
	}
	return f
}

// view is what the tray shows now.
func (m *trayModel) view() trayView { return m.facts().view(m.now()) }
