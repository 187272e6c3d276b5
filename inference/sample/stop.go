package sample

import "strings"

// StopMatcher watches streamed text for stop strings. Decoded pieces go in
// through Feed; what comes out is safe to show the user now. A tail that
// could still grow into a stop string is held back until the next piece
// settles it, so a stop string never leaks to the client, even partially.
//
// Matching works on bytes; it does not hold back incomplete UTF-8 sequences
// (that is the detokenizer's concern). A StopMatcher is for one sequence and
// is not safe for concurrent use.
type StopMatcher struct {
	stops   []string
	held    string // fed but not yet emitted: a proper prefix of some stop
	stopped bool
	hit     string
}

// NewStopMatcher returns a matcher for stops. Empty strings are ignored
// (they would match everywhere); the slice is copied.
func NewStopMatcher(stops []string) *StopMatcher {
	m := &StopMatcher{}
	for _, s := range stops {
		if s != "" {
			m.stops = append(m.stops, s)
		}
	}
	return m
}

// Feed adds the next decoded piece and returns the text that can be emitted
// now. When a stop string is complete it returns the text before it and
// stopped=true; the stop string and anything fed after it are dropped.
// If several stop strings occur, the one starting earliest in the text not
// yet emitted wins. After a stop, Feed returns "", true.
func (m *StopMatcher) Feed(piece string) (emit string, stopped bool) {
	if m.stopped {
		return "", true
	}
	if len(m.stops) == 0 {
		return piece, false
	}
	buf := m.held + piece

	// Every emitted byte was ruled out as the start of a stop string, so
	// any match starts inside buf.
	at, hit := -1, ""
	for _, s := range m.stops {
		if i := strings.Index(buf, s); i >= 0 && (at < 0 || i < at) {
			at, hit = i, s
		}
	}
	if at >= 0 {
		m.stopped, m.hit, m.held = true, hit, ""
		return buf[:at], true
	}

	k := m.partialSuffix(buf)
	m.held = buf[len(buf)-k:]
	return buf[:len(buf)-k], false
}

// partialSuffix returns the length of the longest suffix of buf that is a
// proper prefix of some stop string (0 if none).
func (m *StopMatcher) partialSuffix(buf string) int {
	best := 0
	for _, s := range m.stops {
		// Only suffixes longer than the best so far can improve it.
		for k := min(len(buf), len(s)-1); k > best; k-- {
			if strings.HasPrefix(s, buf[len(buf)-k:]) {
				best = k
				break
			}
		}
	}
	return best
}

// Flush returns the held-back text at the end of generation, when it can no
// longer become a stop string. After a stop it returns "".
func (m *StopMatcher) Flush() string {
	out := m.held
	m.held = ""
	if m.stopped {
		return ""
	}
	return out
}

// Stopped reports whether a stop string has been matched.
func (m *StopMatcher) Stopped() bool { return m.stopped }

// Hit returns the stop string that ended generation, or "" if none did.
func (m *StopMatcher) Hit() string { return m.hit }
