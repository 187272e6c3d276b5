package api

import "github.com/aria-node/aria/backend/metrics"

// GET /api/status. Fields are in alphabetical order of their JSON names, the order in which
// the map it replaced was written.

// ModelStatus is the loaded model in GET /api/status.
type ModelStatus struct {
	Context   int    `json:"context"`
	ID        string `json:"id"`
	Kernels   string `json:"kernels"`
	Loaded    bool   `json:"loaded"`
	Path      string `json:"path"`
	Synthetic bool   `json:"synthetic"`
	Threads   int    `json:"threads"`
}

// Status is the answer of GET /api/status. The energy fields are absent when the handler has no
// Options.Meter.
type Status struct {
	Address      string       `json:"address,omitempty"`
	AuthRequired bool         `json:"auth_required"`
	EnergyDetail string       `json:"energy_detail,omitempty"`
	EnergyKind   metrics.Kind `json:"energy_kind,omitempty"`
	Model        *ModelStatus `json:"model"` // null: none loaded
	Queued       int          `json:"queued"`
	Version      string       `json:"version"`
}
