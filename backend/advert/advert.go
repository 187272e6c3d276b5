// Package advert keeps what this node tells peers about itself: the SHA-256 of the loaded model
// (hashed in the background, kept beside the file in the models directory), its announcement in
// the DHT, the time per layer measured when a model loads, and the capabilities record that
// backend/p2p sends.
package advert

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v3/mem"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/scheduler"
)

// Config wires an Advert.
type Config struct {
	Sched     *scheduler.Scheduler
	P2P       *p2p.Node // nil: off the network (nothing is announced)
	ModelsDir string    // hashes of files here are kept beside them
	Version   string
	// Threads, Contributing and TokensPerSec fill the capabilities (the policy and the router).
	Threads      func() int
	Contributing func() bool
	TokensPerSec func() float64
	Log          *slog.Logger
}

// Advert is the node's advertisement. Serve keeps it up to date with the loaded model.
type Advert struct {
	cfg Config

	mu      sync.Mutex
	hashes  map[string]*hash // model path → its hash, done or under way
	msLayer float64
}

type hash struct {
	done chan struct{}
	sha  string
	err  error
}

// New makes an Advert; call Serve to start it.
func New(cfg Config) *Advert {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Advert{cfg: cfg, hashes: map[string]*hash{}}
}

// Serve hashes, announces and times each model as it is loaded, until ctx ends.
func (a *Advert) Serve(ctx context.Context) error {
	for {
		changed := a.cfg.Sched.Changed()
		if info, ok := a.cfg.Sched.Model(); ok {
			a.model(ctx, info)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
	}
}

func (a *Advert) model(ctx context.Context, info scheduler.ModelInfo) {
	h := a.hashOf(info.Path)
	if h.sha == "" && h.err == nil {
		h.sha, h.err = hashFile(info.Path, a.cfg.ModelsDir)
		close(h.done)
		if h.err != nil {
			a.cfg.Log.Warn("could not hash the model", "path", info.Path, "err", h.err)
		}
	}
	if h.err == nil && a.cfg.P2P != nil {
		pctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := a.cfg.P2P.Provide(pctx, h.sha); err != nil {
			a.cfg.Log.Debug("model not announced in the DHT", "err", err)
		}
		cancel()
		a.cfg.P2P.Refresh()
	}
	if ms, err := a.probe(ctx, info); err == nil {
		a.mu.Lock()
		a.msLayer = ms
		a.mu.Unlock()
	}
}

// hashOf is the hash entry of a path, made (not yet computed) when new.
func (a *Advert) hashOf(path string) *hash {
	a.mu.Lock()
	defer a.mu.Unlock()
	h, ok := a.hashes[path]
	if !ok {
		h = &hash{done: make(chan struct{})}
		if s, ok := library.ReadSum(path); ok {
			h.sha = s
			close(h.done)
		}
		a.hashes[path] = h
	}
	return h
}

func hashFile(path, modelsDir string) (string, error) {
	s, err := library.SumFile(path)
	if err != nil {
		return "", err
	}
	if dir, err := filepath.Abs(modelsDir); err == nil && filepath.Dir(path) == dir {
		// Beside the file, as downloads and imports leave it: the next start reads it instead
		// of hashing the file again.
		_ = library.WriteSum(path, s)
	}
	return s, nil
}

// ModelSHA is the SHA-256 of the model file at path, "" until it has been computed.
func (a *Advert) ModelSHA(path string) string {
	h := a.hashOf(path)
	select {
	case <-h.done:
		return h.sha
	default:
		return ""
	}
}

// LoadedSHA is the SHA-256 of the loaded model, waiting while it is computed.
func (a *Advert) LoadedSHA(ctx context.Context) (string, error) {
	info, ok := a.cfg.Sched.Model()
	if !ok {
		return "", scheduler.ErrNoModel
	}
	h := a.hashOf(info.Path)
	select {
	case <-h.done:
		if h.err != nil {
			return "", fmt.Errorf("hash %s: %w", info.Path, h.err)
		}
		return h.sha, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// MsPerLayer is the measured time per layer per token of the loaded model (0: not yet).
func (a *Advert) MsPerLayer() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.msLayer
}

// probe times a few decode steps of the loaded layers, so that the node advertises its speed per
// layer before it has run a request (route planning shares layers by it).
func (a *Advert) probe(ctx context.Context, info scheduler.ModelInfo) (float64, error) {
	st, err := a.cfg.Sched.OpenStage(16, info.From, info.To, a.cfg.Sched.Cache(), nil)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	x := make([]float32, info.Width)
	const steps = 9
	var took []time.Duration
	for i := range steps {
		for j := range x { // any finite input: the kernels' speed does not depend on it
			x[j] = float32(math.Sin(float64(i*len(x)+j))) * 0.1
		}
		t0 := time.Now()
		if err := st.Forward(ctx, x); err != nil {
			return 0, err
		}
		if i > 0 { // the first step warms caches
			took = append(took, time.Since(t0))
		}
	}
	// The median: a step that waited for the scheduler or the collector says nothing of speed.
	slices.Sort(took)
	return float64(took[len(took)/2].Nanoseconds()) / 1e6 / float64(info.To-info.From), nil
}

// Capabilities is what this node advertises now.
func (a *Advert) Capabilities() p2p.Capabilities {
	c := p2p.Capabilities{Version: a.cfg.Version, Kernels: scheduler.KernelsName(), Threads: a.cfg.Threads(),
		Contributing: a.cfg.Contributing(), QueueLength: a.cfg.Sched.Queued(), TokensPerSec: a.cfg.TokensPerSec()}
	if vm, err := mem.VirtualMemory(); err == nil {
		c.FreeMemory = vm.Available
	}
	info, ok := a.cfg.Sched.Model()
	if !ok {
		return c
	}
	sha := a.ModelSHA(info.Path)
	if sha == "" {
		return c
	}
	var size int64
	if st, err := os.Stat(info.Path); err == nil {
		size = st.Size()
	}
	c.Models = []p2p.ModelCap{{SHA256: sha, Name: info.ID, Layers: info.NLayer, From: info.From, To: info.To, Bytes: size}}
	// Layers only: a whole-token speed counts embedding, head and sampling too, and would not
	// compare with the partial nodes' figures.
	c.MsPerLayer = a.MsPerLayer()
	return c
}
