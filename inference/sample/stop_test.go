package sample

import (
	"strings"
	"testing"
)

func TestStopMatcher(t *testing.T) {
	tests := []struct {
		name     string
		stops    []string
		pieces   []string
		wantEmit []string // what each Feed returns
		wantStop int      // index of the piece that stops, -1 for none
		wantHit  string
		wantTail string // Flush
	}{
		{
			name:     "no stops passes through",
			stops:    nil,
			pieces:   []string{"Hello", " world"},
			wantEmit: []string{"Hello", " world"},
			wantStop: -1,
		},
		{
			name:     "empty stops ignored",
			stops:    []string{"", ""},
			pieces:   []string{"a", "b"},
			wantEmit: []string{"a", "b"},
			wantStop: -1,
		},
		{
			name:     "stop inside one piece",
			stops:    []string{"STOP"},
			pieces:   []string{"abcSTOPdef"},
			wantEmit: []string{"abc"},
			wantStop: 0,
			wantHit:  "STOP",
		},
		{
			name:     "stop spanning three pieces",
			stops:    []string{"<|eot_id|>"},
			pieces:   []string{"Hi there<|", "eot", "_id|>more"},
			wantEmit: []string{"Hi there", "", ""},
			wantStop: 2,
			wantHit:  "<|eot_id|>",
		},
		{
			name:     "partial match that fails is released",
			stops:    []string{"User:"},
			pieces:   []string{"say Us", "e", "ful things"},
			wantEmit: []string{"say ", "", "Useful things"},
			wantStop: -1,
		},
		{
			name:     "partial match released, later real match",
			stops:    []string{"\n\n"},
			pieces:   []string{"a\n", "b\n", "\nc"},
			wantEmit: []string{"a", "\nb", ""},
			wantStop: 2,
			wantHit:  "\n\n",
		},
		{
			name:     "failed partial contains start of a real match",
			stops:    []string{"aab"},
			pieces:   []string{"a", "a", "a", "b"},
			wantEmit: []string{"", "", "a", ""},
			wantStop: 3,
			wantHit:  "aab",
		},
		{
			name:     "multiple stops, earliest start wins",
			stops:    []string{"world", "lo w"},
			pieces:   []string{"hello world"},
			wantEmit: []string{"hel"},
			wantStop: 0,
			wantHit:  "lo w",
		},
		{
			name:     "multiple stops, hold back for the longest partial",
			stops:    []string{"###", "#END"},
			pieces:   []string{"x#", "E", "N", "D"},
			wantEmit: []string{"x", "", "", ""},
			wantStop: 3,
			wantHit:  "#END",
		},
		{
			name:     "stop at very start",
			stops:    []string{"</s>"},
			pieces:   []string{"</s>"},
			wantEmit: []string{""},
			wantStop: 0,
			wantHit:  "</s>",
		},
		{
			name:     "held tail flushed at end",
			stops:    []string{"<|im_end|>"},
			pieces:   []string{"answer <|im"},
			wantEmit: []string{"answer "},
			wantStop: -1,
			wantTail: "<|im",
		},
		{
			name:     "feeding after stop yields nothing",
			stops:    []string{"X"},
			pieces:   []string{"aXb", "more", "X"},
			wantEmit: []string{"a", "", ""},
			wantStop: 0,
			wantHit:  "X",
		},
		{
			name:     "multibyte text",
			stops:    []string{"«fin»"},
			pieces:   []string{"café «", "fin", "» après"},
			wantEmit: []string{"café ", "", ""},
			wantStop: 2,
			wantHit:  "«fin»",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewStopMatcher(tt.stops)
			stoppedAt := -1
			var all strings.Builder
			for i, piece := range tt.pieces {
				emit, stopped := m.Feed(piece)
				if i < len(tt.wantEmit) && emit != tt.wantEmit[i] {
					t.Errorf("Feed(%q) #%d = %q, want %q", piece, i, emit, tt.wantEmit[i])
				}
				all.WriteString(emit)
				if stopped && stoppedAt < 0 {
					stoppedAt = i
				}
				if !stopped && stoppedAt >= 0 {
					t.Errorf("Feed #%d reported not stopped after a stop", i)
				}
			}
			if stoppedAt != tt.wantStop {
				t.Errorf("stopped at piece %d, want %d", stoppedAt, tt.wantStop)
			}
			if m.Stopped() != (tt.wantStop >= 0) {
				t.Errorf("Stopped() = %v", m.Stopped())
			}
			if m.Hit() != tt.wantHit {
				t.Errorf("Hit() = %q, want %q", m.Hit(), tt.wantHit)
			}
			if tail := m.Flush(); tail != tt.wantTail {
				t.Errorf("Flush() = %q, want %q", tail, tt.wantTail)
			}
			if again := m.Flush(); again != "" {
				t.Errorf("second Flush() = %q, want empty", again)
			}
		})
	}
}

// Whatever the piece boundaries, emitted text plus the flushed tail must be
// the input cut at the first stop string.
func TestStopMatcherSplitInvariance(t *testing.T) {
	stops := []string{"<|eot_id|>", "\n\nUser:"}
	texts := []string{
		"The answer is 42.<|eot_id|>ignored",
		"line one\n\nline two\n\nUser: hi",
		"no stop here <|eot and <| and \n\nUse",
		"<<|eot_id|>",
	}
	for _, text := range texts {
		want := text
		for _, s := range stops {
			if i := strings.Index(want, s); i >= 0 {
				want = want[:i]
			}
		}
		for size := 1; size <= len(text); size++ {
			m := NewStopMatcher(stops)
			var got strings.Builder
			for i := 0; i < len(text); i += size {
				emit, stopped := m.Feed(text[i:min(i+size, len(text))])
				got.WriteString(emit)
				if stopped {
					break
				}
			}
			got.WriteString(m.Flush())
			if got.String() != want {
				t.Fatalf("text %q in %d-byte pieces: got %q, want %q", text, size, got.String(), want)
			}
		}
	}
}
