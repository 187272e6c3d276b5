package embed

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Pair is two texts labelled close (same meaning) or far.
type Pair struct {
	A, B  string
	Close bool
}

// Report is how well one recipe separates close pairs from far ones.
type Report struct {
	Space    string  `json:"space"`
	Template string  `json:"template"`
	Layers   int     `json:"layers"`
	Close    int     `json:"close_pairs"`
	Far      int     `json:"far_pairs"`
	CloseCos float64 `json:"close_cosine"` // mean cosine of the close pairs
	FarCos   float64 `json:"far_cosine"`
	// Separation is CloseCos − FarCos; AUC is the chance that a close pair scores above a far
	// one (ties count half): 0.5 is chance, 1 a perfect ranking. AUC is the figure to choose by.
	Separation float64       `json:"separation"`
	AUC        float64       `json:"auc"`
	PerText    time.Duration `json:"per_text_ns"` // mean wall time of one embedding
}

// Measure embeds every pair with m and reports the separation. It needs at least one close and
// one far pair.
func (m *Model) Measure(ctx context.Context, pairs []Pair) (Report, error) {
	r := Report{Space: m.Space(), Template: m.tmpl, Layers: m.k}
	var closeCos, farCos []float64
	start := time.Now()
	for i, p := range pairs {
		v, err := m.Embed(ctx, []string{p.A, p.B})
		if err != nil {
			return r, fmt.Errorf("measure: pair %d: %w", i, err)
		}
		c := 0.0
		for j := range v[0] {
			c += float64(v[0][j]) * float64(v[1][j])
		}
		if p.Close {
			closeCos = append(closeCos, c)
		} else {
			farCos = append(farCos, c)
		}
	}
	if len(closeCos) == 0 || len(farCos) == 0 {
		return r, errors.New("measure: needs close pairs and far pairs")
	}
	r.PerText = time.Since(start) / time.Duration(2*len(pairs))
	r.Close, r.Far = len(closeCos), len(farCos)
	r.CloseCos, r.FarCos = mean(closeCos), mean(farCos)
	r.Separation = r.CloseCos - r.FarCos
	wins := 0.0
	for _, c := range closeCos {
		for _, f := range farCos {
			switch {
			case c > f:
				wins++
			case c == f:
				wins += 0.5
			}
		}
	}
	r.AUC = wins / float64(len(closeCos)*len(farCos))
	return r, nil
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// Sweep measures every template (empty: the default) at every layer count k (0: the default)
// on one model, in that order: the way to choose Options on a real model.
func Sweep(ctx context.Context, eng Engine, info Info, base Options, templates []string, layers []int, pairs []Pair) ([]Report, error) {
	var out []Report
	for _, t := range templates {
		for _, k := range layers {
			o := base
			o.Template, o.Layers = t, k
			m, err := New(eng, info, o)
			if err != nil {
				return out, err
			}
			r, err := m.Measure(ctx, pairs)
			if err != nil {
				return out, fmt.Errorf("sweep: template %q, %d layers: %w", t, k, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// Templates returns candidates for Sweep: the default (PromptEOL), a summary variant and the
// bare text (no prompt), which shows what the template adds.
func Templates() []string {
	return []string{
		DefaultTemplate,
		`Summarize the following in one word. Text: "{text}". One word: "`,
		`{text}`,
	}
}

// Paraphrases is a small labelled set for Measure: each sentence with a paraphrase (close) and
// with a sentence of another topic that shares some words (far), so that word overlap alone
// does not win.
func Paraphrases() []Pair {
	type row struct{ a, para, other string }
	rows := []row{
		{"My daughter's birthday is on the fourth of May.", "Her kid was born on May 4th.", "The fourth bus in May was late."},
		{"I prefer answers in French.", "Please reply to me in French.", "French fries are my favourite snack."},
		{"I moved to Lisbon last spring.", "Last year in April I relocated to Lisbon.", "Spring cleaning took the whole last weekend."},
		{"The meeting was cancelled because of the storm.", "Bad weather called off the meeting.", "The storm of applause ended the meeting."},
		{"He is allergic to peanuts.", "Peanuts give him an allergic reaction.", "He sells peanuts at the stadium."},
		{"My laptop battery drains very fast.", "The battery of my notebook runs out quickly.", "My laptop bag is very heavy."},
		{"Remind me to water the plants.", "Don't let me forget to water the plants.", "The power plants use river water."},
		{"The car will not start in the cold.", "On cold mornings the engine won't turn over.", "The cold war started after the car industry boomed."},
		{"I am learning to play the violin.", "I'm taking violin lessons.", "The violin was played at the learning centre."},
		{"Our flight to Tokyo leaves at nine.", "We fly to Tokyo at 9 o'clock.", "Nine cats live in a Tokyo cafe."},
		{"She works as a nurse at the hospital.", "Her job is nursing in a hospital.", "The hospital parking works again."},
		{"I don't eat meat.", "I'm a vegetarian.", "Meat prices did not rise."},
		{"The printer is out of ink.", "There's no ink left in the printer.", "The ink on the printed map ran out of its lines."},
		{"My favourite colour is green.", "I like green more than any other colour.", "The green light means go."},
		{"The rent is due on the first of the month.", "I have to pay the rent every 1st.", "The first month of the year is January."},
		{"The kids are afraid of the dark.", "The children fear darkness.", "Dark chocolate is what the kids like."},
	}
	var out []Pair
	for _, r := range rows {
		out = append(out, Pair{A: r.a, B: r.para, Close: true}, Pair{A: r.a, B: r.other})
	}
	return out
}
