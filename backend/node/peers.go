package node

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aria-node/aria/backend/advert"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// stages gives peers leased stages of the loaded model when it is the model they ask for.
type stages struct {
	sched *scheduler.Scheduler
	ad    *advert.Advert
}

func (s stages) Holds(sha string) error {
	info, ok := s.sched.Model()
	if !ok {
		return scheduler.ErrNoModel
	}
	if s.ad.ModelSHA(info.Path) != sha {
		return fmt.Errorf("model %.12s is not loaded here", sha)
	}
	return nil
}

func (s stages) OpenStage(sha string, nCtx, from, to int, r *inference.Runner) (pipeline.Stage, error) {
	if err := s.Holds(sha); err != nil {
		return nil, err
	}
	st, err := s.sched.OpenStage(nCtx, from, to, r)
	if err != nil {
		return nil, err
	}
	return leasedStage{st}, nil
}

// leasedStage tells the pipeline server when the model went away under a stage.
type leasedStage struct{ *scheduler.Stage }

func (l leasedStage) Forward(ctx context.Context, x []float32) error {
	err := l.Stage.Forward(ctx, x)
	if errors.Is(err, scheduler.ErrUnloaded) {
		return fmt.Errorf("%w: %w", pipeline.ErrStageGone, err)
	}
	return err
}

// peerPools are the worker pools of peers' layer work, sized by the policy's CPU share: a new one
// is made when the share changes (stages already open keep theirs).
type peerPools struct {
	threads func() int
	mu      sync.Mutex
	all     []*inference.Runner // the last is current
}

func newPeerPools(threads func() int) *peerPools {
	return &peerPools{threads: threads, all: []*inference.Runner{inference.NewRunner(threads())}}
}

func (p *peerPools) current() *inference.Runner {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.all[len(p.all)-1]
	if t := p.threads(); t != cur.Threads() {
		cur = inference.NewRunner(t)
		p.all = append(p.all, cur)
	}
	return cur
}

func (p *peerPools) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.all {
		r.Close()
	}
}
