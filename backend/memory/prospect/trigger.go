package prospect

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Scorer scores a cue against a user turn, higher is closer. The memory store's hybrid scorer
// (memory.Store.TopicScorer, backend/memory/match.go) is one, with its own Threshold.
type Scorer interface {
	Match(ctx context.Context, cue, text string) float64
}

// ScorerFunc adapts a function to Scorer.
type ScorerFunc func(ctx context.Context, cue, text string) float64

// Match calls f.
func (f ScorerFunc) Match(ctx context.Context, cue, text string) float64 { return f(ctx, cue, text) }

// Thresholder is a Scorer calibrated on its own scale: OnTurn fires at Threshold() instead of the
// package Threshold, which is calibrated for LexicalScorer.
type Thresholder interface {
	Threshold() float64
}

// OnTurn handles one user turn of a conversation: it fires the pending intentions in scope whose
// cue scores at least the threshold against userText, whose time has come, or whose turn count
// is reached, and returns them in state fired. s nil means LexicalScorer.
func (b *Book) OnTurn(ctx context.Context, conversation, userText string, s Scorer) ([]Intention, error) {
	if s == nil {
		s = LexicalScorer{}
	}
	threshold := Threshold
	if t, ok := s.(Thresholder); ok {
		threshold = t.Threshold()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock()
	if err := b.sweep(ctx, now); err != nil {
		return nil, err
	}
	open, err := b.query(ctx, `SELECT `+columns+` FROM intentions
		WHERE state = 'pending' AND event = '' AND conversation IN ('', ?) ORDER BY created, id`, conversation)
	if err != nil {
		return nil, err
	}
	var fire []Intention
	for _, it := range open {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		it.Turns++
		switch {
		case it.Cue != "":
			if s.Match(ctx, it.Cue, userText) >= threshold {
				fire = append(fire, it)
			}
		case !it.At.IsZero():
			if !now.Before(it.At) {
				fire = append(fire, it)
			}
		case it.AfterTurns > 0:
			if it.Turns >= it.AfterTurns {
				fire = append(fire, it)
			}
		}
	}
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("prospect: turn: %w", err)
	}
	defer tx.Rollback()
	// Every pending intention in scope has seen this turn.
	if _, err := tx.ExecContext(ctx, `UPDATE intentions SET turns = turns + 1
		WHERE state = 'pending' AND event = '' AND conversation IN ('', ?)`, conversation); err != nil {
		return nil, fmt.Errorf("prospect: count turn: %w", err)
	}
	fired, err := markFired(ctx, tx, fire, now, Pending)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("prospect: turn: %w", err)
	}
	return fired, nil
}

// markFired moves each intention from one of the states from to fired, and returns those that
// moved: the state guard makes a firing happen once even if another process raced us.
func markFired(ctx context.Context, tx *sql.Tx, its []Intention, now time.Time, from ...State) ([]Intention, error) {
	var out []Intention
	for _, it := range its {
		q := `UPDATE intentions SET state = 'fired', fired = ?, fire_count = fire_count + 1 WHERE id = ? AND state IN (`
		args := []any{ms(now), it.ID}
		for i, s := range from {
			if i > 0 {
				q += ", "
			}
			q += "?"
			args = append(args, string(s))
		}
		res, err := tx.ExecContext(ctx, q+")", args...)
		if err != nil {
			return nil, fmt.Errorf("prospect: fire %q: %w", it.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			continue
		}
		it.State, it.Fired = Fired, now
		it.Count++
		out = append(out, it)
	}
	return out, nil
}

// OnEvent fires the intentions waiting for event. app-start intentions fire once per Book (one
// Book per start of the app), from pending, fired or done, so they recur at every start; the
// other events fire pending intentions once.
func (b *Book) OnEvent(ctx context.Context, event string) ([]Intention, error) {
	if !knownEvent(event) {
		return nil, &FieldError{"event", fmt.Sprintf("%q is not one of app-start, model-loaded, peer-joined", event)}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	from := []State{Pending}
	if event == EventAppStart {
		if b.started {
			return nil, nil
		}
		from = []State{Pending, Fired, Done}
	}
	now := b.clock()
	if err := b.sweep(ctx, now); err != nil {
		return nil, err
	}
	its, err := b.query(ctx, `SELECT `+columns+` FROM intentions
		WHERE event = ? AND state IN ('pending', 'fired', 'done') ORDER BY created, id`, event)
	if err != nil {
		return nil, err
	}
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("prospect: event %s: %w", event, err)
	}
	defer tx.Rollback()
	fired, err := markFired(ctx, tx, its, now, from...)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("prospect: event %s: %w", event, err)
	}
	if event == EventAppStart {
		b.started = true
	}
	return fired, nil
}
