package api

import (
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/policy"
)

// The answers of the app's endpoints (app.go). Errors are WriteError's, as on /v1.

// CatalogueItem is a catalogue entry in GET /api/models.
type CatalogueItem struct {
	library.Entry
	Downloaded bool `json:"downloaded"`
}

// LocalItem is a local model file in GET /api/models.
type LocalItem struct {
	library.Local
	Loaded bool `json:"loaded"`
}

// ModelsAnswer is the answer of GET /api/models.
type ModelsAnswer struct {
	Catalogue []CatalogueItem    `json:"catalogue"`
	Local     []LocalItem        `json:"local"`
	Downloads []library.Progress `json:"downloads"`
}

// IDAnswer is the answer of POST /api/models/download (202) and /api/models/cancel.
type IDAnswer struct {
	ID string `json:"id"`
}

// NameAnswer is the answer of DELETE /api/models/{name}.
type NameAnswer struct {
	Name string `json:"name"`
}

// The answers of the app's endpoints for the network, the policy and the ledger. Where they
// used to be maps, the fields are in alphabetical order of their JSON names (the order the
// maps were written in).

// NetworkInfo is the answer of GET /api/network.
type NetworkInfo struct {
	Addrs        []string      `json:"addrs"`
	Contribution policy.Status `json:"contribution"`
	Joined       bool          `json:"joined"` // the libp2p peer runs
	// LastHops and LastRoute are LastPipeline's hops and route ([] and "" before any).
	LastHops []events.Hop `json:"last_hops"`
	// LastPipeline is the last "route" event: the pipelined request running now (state
	// "running") or the last one ("ended"), measured as the event stream showed it; null
	// before any.
	LastPipeline *events.Route `json:"last_pipeline"`
	LastRoute    string        `json:"last_route"`
	// Liars are the peers caught returning wrong work, with the proof kept in the ledger; no
	// route uses them.
	Liars  []Liar         `json:"liars"`
	PeerID string         `json:"peer_id"`
	Peers  []p2p.PeerInfo `json:"peers"`
	Policy policy.Policy  `json:"policy"`
	Route  string         `json:"route"` // local, remote or pipeline
}

// Liar is one piece of evidence against a peer (backend/ledger/evidence.go).
type Liar struct {
	At        int64  `json:"at"`       // unix ms
	Claimed   string `json:"claimed"`  // SHA-256 the peer signed for the position
	Computed  string `json:"computed"` // SHA-256 this node computed from the same inputs
	Evidence  int64  `json:"evidence"` // the evidence's number in the ledger
	LayerFrom int64  `json:"layer_from"`
	LayerTo   int64  `json:"layer_to"`
	Peer      string `json:"peer"`
	Pos       int64  `json:"pos"`
	RequestID string `json:"request_id"`
}

// RouteAnswer is the answer of PUT /api/network.
type RouteAnswer struct {
	Route string `json:"route"`
}

// PolicyState is the answer of GET and PUT /api/policy, and the "policy" event.
type PolicyState struct {
	Policy policy.Policy `json:"policy"`
	Status policy.Status `json:"status"`
}

// EventType is the bus event type of a PolicyState.
func (PolicyState) EventType() string { return "policy" }

// LedgerList is the answer of GET /api/ledger: one page of the entries the filter selects,
// newest first (ledger_app.go).
type LedgerList struct {
	Entries []ledger.Entry `json:"entries"`
	Total   int64          `json:"total"` // the entries the filter selects, on every page
	Limit   int            `json:"limit"`
	Offset  int            `json:"offset"`
}

// LedgerVerify is the answer of GET /api/ledger/verify.
type LedgerVerify struct {
	OK     bool          `json:"ok"`
	Report ledger.Report `json:"report"`
}
