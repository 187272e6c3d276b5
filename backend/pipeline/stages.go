package pipeline

import (
	"fmt"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// EngineStages serves the stages of one engine that outlives the server: the benchmark's nodes
// and tests. A node serves its scheduler's leases instead, since it may load another model.
type EngineStages struct {
	Engine *inference.Engine
	Model  string // SHA-256 of the model file
}

// Holds implements Stages.
func (e EngineStages) Holds(m string) error {
	if m != e.Model {
		return fmt.Errorf("model %.12s is not loaded here", m)
	}
	return nil
}

// OpenStage implements Stages.
func (e EngineStages) OpenStage(m string, nCtx, from, to int, cache model.CacheType, r *inference.Runner) (Stage, error) {
	if err := e.Holds(m); err != nil {
		return nil, err
	}
	mm := e.Engine.Model
	if from < mm.From || to > mm.To || from >= to {
		return nil, fmt.Errorf("layer range [%d, %d) is not inside the loaded [%d, %d)", from, to, mm.From, mm.To)
	}
	st, err := e.Engine.NewStage(nCtx, from, to, cache, r)
	if err != nil {
		return nil, err
	}
	return engineStage{st, mm.HP.NEmbd}, nil
}

type engineStage struct {
	*inference.Stage
	width int
}

func (s engineStage) Width() int { return s.width }
func (s engineStage) Close()     {}

// Done is nil: the engine outlives the server.
func (s engineStage) Done() <-chan struct{} { return nil }
