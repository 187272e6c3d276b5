package pipeline

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Candidate is a node that could run part of a model.
type Candidate struct {
	Peer       peer.ID // empty: this node
	MsPerLayer float64 // measured milliseconds per layer per token; 0: unknown
	FreeMemory uint64  // bytes it can give to layers; 0: unknown (no limit)
	// From, To is the layer range the node holds when it loaded only part of the model (To 0:
	// the whole model).
	From, To int
}

// Plan cuts layers [0, layers) into hops. Nodes that hold only a range serve that range (the
// one reaching furthest where they overlap); the layers no such node covers are shared among
// the nodes that hold the whole model, by Split.
func Plan(layers int, bytesPerLayer uint64, nodes []Candidate) (Route, error) {
	var whole, part []Candidate
	for _, c := range nodes {
		if c.To == 0 || c.From == 0 && c.To >= layers {
			c.From, c.To = 0, 0
			whole = append(whole, c)
		} else {
			part = append(part, c)
		}
	}
	if len(part) == 0 {
		return Split(layers, bytesPerLayer, whole)
	}
	var route Route
	for pos := 0; pos < layers; {
		best := -1
		next := layers
		for i, c := range part {
			if c.From <= pos && pos < c.To && (best < 0 || c.To > part[best].To) {
				best = i
			}
			if c.From > pos {
				next = min(next, c.From)
			}
		}
		if best >= 0 {
			route = append(route, Hop{Peer: part[best].Peer, From: pos, To: min(part[best].To, layers)})
			pos = route[len(route)-1].To
			continue
		}
		if len(whole) == 0 {
			return nil, fmt.Errorf("plan: no node holds layers [%d, %d)", pos, next)
		}
		gap, err := Split(next-pos, bytesPerLayer, whole)
		if err != nil {
			return nil, err
		}
		for _, h := range gap {
			route = append(route, Hop{Peer: h.Peer, From: h.From + pos, To: h.To + pos})
		}
		pos = next
	}
	return route, nil
}

// The plausible range of a node's time per layer per token. A speed outside it is an advert's
// mistake or lie: clamped, so that no node wins every layer by claiming to be near-infinitely
// fast, nor makes the split NaN (1/5e-324 is +Inf).
const (
	MinMsPerLayer = 1e-3
	MaxMsPerLayer = 1e4
)

// ClampMsPerLayer brings a measured time per layer into the plausible range; 0 (unknown) stays
// 0, and so does what is no time at all (NaN, negative).
func ClampMsPerLayer(ms float64) float64 {
	if math.IsNaN(ms) || ms <= 0 {
		return 0
	}
	return min(max(ms, MinMsPerLayer), MaxMsPerLayer)
}

// ErrNotEnoughMemory says the candidates cannot hold the model between them.
var ErrNotEnoughMemory = errors.New("the nodes do not have the memory for the model between them")

// Split cuts layers [0, layers) into contiguous ranges over the candidates, in their order, each
// share in proportion to the node's speed (1/MsPerLayer clamped to the plausible range; unknown
// speeds count as the slowest known), at least one layer each when there are enough, and no larger than its memory allows
// (bytesPerLayer each). Nodes given no layer are left out.
func Split(layers int, bytesPerLayer uint64, nodes []Candidate) (Route, error) {
	if layers <= 0 {
		return nil, fmt.Errorf("plan: %d layers", layers)
	}
	if len(nodes) == 0 {
		return nil, errors.New("plan: no nodes")
	}
	slowest := 0.0
	for _, c := range nodes {
		slowest = max(slowest, ClampMsPerLayer(c.MsPerLayer))
	}
	if slowest == 0 {
		slowest = 1
	}
	speed := make([]float64, len(nodes))
	capacity := make([]int, len(nodes))
	total := 0
	for i, c := range nodes {
		ms := ClampMsPerLayer(c.MsPerLayer)
		if ms == 0 {
			ms = slowest
		}
		speed[i] = 1 / ms
		capacity[i] = layers
		if c.FreeMemory > 0 && bytesPerLayer > 0 {
			capacity[i] = int(min(uint64(layers), c.FreeMemory/bytesPerLayer))
		}
		total += capacity[i]
	}
	if total < layers {
		return nil, fmt.Errorf("plan: %w (room for %d of %d layers)", ErrNotEnoughMemory, total, layers)
	}
	share := make([]int, len(nodes))
	left := layers
	open := make([]bool, len(nodes))
	withRoom := 0
	for i := range open {
		open[i] = capacity[i] > 0
		if open[i] {
			withRoom++
		}
	}
	// Every node with room takes at least one layer when there are enough to go round: it was
	// offered to the network, and speeds measured on a busy machine are too noisy to drop a node
	// on rounding alone.
	if layers >= withRoom {
		for i, o := range open {
			if o {
				share[i] = 1
				left--
				open[i] = capacity[i] > 1
			}
		}
	}
	// Water-filling: give every node with room its proportional share of what is left; nodes
	// that hit their memory cap drop out and the rest is shared again.
	for left > 0 {
		sum := 0.0
		for i, o := range open {
			if o {
				sum += speed[i]
			}
		}
		if sum == 0 {
			return nil, fmt.Errorf("plan: %w", ErrNotEnoughMemory)
		}
		type rem struct {
			i    int
			frac float64
		}
		var rems []rem
		given := 0
		for i, o := range open {
			if !o {
				continue
			}
			exact := float64(left) * speed[i] / sum
			n := max(0, min(int(exact), capacity[i]-share[i]))
			share[i] += n
			given += n
			rems = append(rems, rem{i, exact - float64(n)})
		}
		// Hand out the rounding remainder, largest fraction first, one layer each.
		sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
		for _, r := range rems {
			if given == left {
				break
			}
			if share[r.i] < capacity[r.i] {
				share[r.i]++
				given++
			}
		}
		left -= given
		for i := range open {
			if share[i] >= capacity[i] {
				open[i] = false
			}
		}
		if given == 0 && left > 0 {
			return nil, fmt.Errorf("plan: %w", ErrNotEnoughMemory)
		}
	}
	var route Route
	from := 0
	for i, c := range nodes {
		if share[i] == 0 {
			continue
		}
		route = append(route, Hop{Peer: c.Peer, From: from, To: from + share[i]})
		from += share[i]
	}
	return route, nil
}
