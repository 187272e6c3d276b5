package chatmem

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/consolidate"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/sample"
)

// Generate runs one request on the loaded model (the node's scheduler.Generate).
type Generate func(ctx context.Context, req inference.Request) (inference.Result, error)

// Bounds on what a model is asked and may answer, so that a proposal fits a small context and
// costs a bounded time.
const (
	// ProposeTokens is a proposal's max_tokens.
	ProposeTokens = 256
	// IdleBatch is how many episodes one run of ConsolidateIdle gives the model.
	IdleBatch = 12
	// promptEpisode and promptFact bound the bytes of one episode and one fact in the prompt;
	// promptFacts bounds the facts listed.
	promptEpisode = 400
	promptFact    = 200
	promptFacts   = 40
)

const proposeSystem = `You keep a user's long-term memory. From the conversation turns, extract lasting facts about the user that the user stated. Compare them with the known facts.
Answer with one JSON object and nothing else:
{"facts": [{"op": "add", "text": "The user has a dog named Rex", "slot": "pet"}, {"op": "update", "replaces": "<id of a known fact>", "text": "The user lives in Lyon", "slot": "home"}]}
op "add" is a new fact; op "update" replaces a known fact the turns contradict (replaces is its id in brackets); {"op": "none"} when there is nothing to keep. Texts are short third-person sentences. slot is optional: lower-case words joined by "_". Never guess.`

// ModelPropose is a consolidate.Propose that asks the loaded model, through gen, for the JSON
// proposal that consolidate.FromModel validates (backend/memory/consolidate/model.go): the
// prompt holds the episodes and the facts st holds that are still valid; decoding is greedy
// and at most ProposeTokens long. A prompt too long for the context gives an empty answer
// (the run keeps the rules' facts), any other failure of gen an error.
func ModelPropose(st *memory.Store, gen Generate) consolidate.Propose {
	return func(ctx context.Context, episodes []consolidate.Episode) (string, error) {
		known, err := st.List(ctx, memory.Filter{Kind: memory.Semantic, Limit: promptFacts})
		if err != nil {
			return "", fmt.Errorf("memory: facts for the model: %w", err)
		}
		res, err := gen(ctx, inference.Request{
			Messages:  []chat.Message{{Role: "system", Content: proposeSystem}, {Role: "user", Content: proposePrompt(known, episodes)}},
			MaxTokens: ProposeTokens,
			Sampling:  sample.Params{Temperature: 0, TopP: 1, RepeatPenalty: 1}, // greedy
		})
		if errors.Is(err, inference.ErrPromptTooLong) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("memory: the model's proposal: %w", err)
		}
		return res.Text, nil
	}
}

// proposePrompt lists the known facts (id and text) and the turns.
func proposePrompt(known []memory.Item, episodes []consolidate.Episode) string {
	var b strings.Builder
	b.WriteString("Known facts:\n")
	n := 0
	for _, f := range known {
		if f.Closed() {
			continue
		}
		fmt.Fprintf(&b, "- [%s] %s\n", f.ID, clip(oneLine(f.Text), promptFact))
		n++
	}
	if n == 0 {
		b.WriteString("(none)\n")
	}
	b.WriteString("\nConversation turns:\n")
	for _, e := range episodes {
		fmt.Fprintf(&b, "%s: %s\n", e.Role, clip(oneLine(e.Text), promptEpisode))
	}
	b.WriteString("\nJSON:")
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip cuts s to at most n bytes on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ConsolidateIdle runs the model's pass over the episodes it has not seen yet, IdleBatch at a
// time, each batch one run (one transaction), until none is left or ctx ends.
func (s *Service) ConsolidateIdle(ctx context.Context, propose consolidate.Propose) (consolidate.Report, error) {
	var total consolidate.Report
	for {
		more, err := s.idleBatch(ctx, propose, &total)
		if err != nil || !more {
			return total, err
		}
	}
}

// idleBatch runs the model's pass over the next IdleBatch episodes, adding to total what it did;
// more is false when none was left. propose is asked before the run takes the lock it shares
// with Keep, so chat turns never wait for the model; a proposal naming a fact closed meanwhile
// fails FromModel and adds nothing.
func (s *Service) idleBatch(ctx context.Context, propose consolidate.Propose, total *consolidate.Report) (more bool, err error) {
	if propose == nil {
		return false, errors.New("memory: idle consolidation needs a model")
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	eps, err := pending(ctx, s.model, IdleBatch)
	if err != nil || len(eps) == 0 {
		return false, err
	}
	out, err := propose(ctx, eps)
	if err != nil {
		return false, err
	}
	s.apply.Lock()
	defer s.apply.Unlock()
	rep, err := consolidate.Run(ctx, s.model, eps, func(context.Context, []consolidate.Episode) (string, error) { return out, nil })
	if err != nil {
		return false, fmt.Errorf("memory: consolidate: %w", err)
	}
	total.Episodes += rep.Episodes
	total.Skipped += rep.Skipped
	total.Added += rep.Added
	total.Superseded += rep.Superseded
	total.FromModel += rep.FromModel
	if rep.ModelError != "" {
		total.ModelError = rep.ModelError
	}
	total.Ops = append(total.Ops, rep.Ops...)
	return true, nil
}

// RunIdle consolidates with the model every interval while idle() says the node has nothing
// better to do, one batch at a time and asking idle() again between batches, until ctx ends.
// Failures are logged (counts and errors only: never a memory's text) and retried later.
func (s *Service) RunIdle(ctx context.Context, every time.Duration, idle func() bool, propose consolidate.Propose) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		var rep consolidate.Report
		for idle() {
			more, err := s.idleBatch(ctx, propose, &rep)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				s.cfg.Log.Warn("memory: idle consolidation", "err", err)
			}
			if err != nil || !more {
				break
			}
		}
		if rep.Episodes > 0 {
			// ModelError may quote the model, whose answer may quote memories: it is not logged.
			s.cfg.Log.Info("memory: consolidated", "episodes", rep.Episodes, "added", rep.Added,
				"superseded", rep.Superseded, "from_model", rep.FromModel, "proposal_refused", rep.ModelError != "")
		}
	}
}
