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
}

// ErrNotEnoughMemory says the candidates cannot hold the model between them.
var ErrNotEnoughMemory = errors.New("the nodes do not have the memory for the model between them")

// Plan cuts layers [0, layers) into contiguous ranges over the candidates, in their order, each
// share in proportion to the node's speed (1/MsPerLayer; unknown speeds count as the slowest
// known) and no larger than its memory allows (bytesPerLayer each). Nodes given no layer are
// left out.
func Plan(layers int, bytesPerLayer uint64, nodes []Candidate) (Route, error) {
	if layers <= 0 {
		return nil, fmt.Errorf("plan: %d layers", layers)
	}
	if len(nodes) == 0 {
		return nil, errors.New("plan: no nodes")
	}
	slowest := 0.0
	for _, c := range nodes {
		slowest = math.Max(slowest, c.MsPerLayer)
	}
	if slowest == 0 {
		slowest = 1
	}
	speed := make([]float64, len(nodes))
	capacity := make([]int, len(nodes))
	total := 0
	for i, c := range nodes {
		ms := c.MsPerLayer
		if ms <= 0 {
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
	// Water-filling: give every node with room its proportional share of what is left; nodes
	// that hit their memory cap drop out and the rest is shared again.
	left := layers
	open := make([]bool, len(nodes))
	for i := range open {
		open[i] = capacity[i] > 0
	}
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
			n := min(int(exact), capacity[i]-share[i])
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
