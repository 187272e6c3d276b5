package node

import (
	"fmt"

	"github.com/aria-node/aria/backend/advert"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
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

func (s stages) OpenStage(sha string, nCtx, from, to int, cache model.CacheType, r *inference.Runner) (pipeline.Stage, error) {
	if err := s.Holds(sha); err != nil {
		return nil, err
	}
	st, err := s.sched.OpenStage(nCtx, from, to, cache, r)
	if err != nil {
		return nil, err // not a nil *Stage in an interface
	}
	return st, nil
}
