package events

// Event types, the "event:" names of the stream.
const (
	TypeToken      = "token"
	TypeTokenRate  = "token_rate"
	TypeGeneration = "generation"
	TypeMetrics    = "metrics"
	TypeDownload   = "download"
	TypeNode       = "node"
	TypePeers      = "peers"
	TypePolicy     = "policy"
	TypeRoute      = "route"
	TypeLedger     = "ledger"
	TypeLiar       = "liar"
	TypeReembed    = "memory_reembed"
)

// Payload is an event payload that knows its event type.
type Payload interface {
	EventType() string
}

// The payloads. Where they used to be published as maps, their fields are in alphabetical
// order of their JSON names, the order the maps were written in.

// Token is one generated piece of text of request ID.
type Token struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// TokenRate is the live speed and energy of the running generation ID (at most every 250 ms).
type TokenRate struct {
	EnergyKind string  `json:"energy_kind"` // "measured" or "estimated"
	ID         string  `json:"id"`
	MJPerToken float64 `json:"mj_per_token"`
	TokensPerS float64 `json:"tokens_per_s"`
}

// Node says that a model is loading or ready.
type Node struct {
	Model string `json:"model"`
	State string `json:"state"` // "loading" or "ready"
}

// Ledger says that an entry of a kind (local, served, hop, remote) was written.
type Ledger struct {
	Kind      string `json:"kind"`
	RequestID string `json:"request_id"`
}

// Hop is one hop of a pipelined request, as the route view shows it. The times are the
// coordinator's: from sending a step to the hop until its answer is back.
type Hop struct {
	Hop    string  `json:"hop"` // the peer and its layer range, as in Route ("12D3…bCo7sr[2,4)")
	Steps  int     `json:"steps"`
	Tokens int     `json:"tokens"`
	LastMs float64 `json:"last_ms"` // round trip of the last step
	Peer   string  `json:"peer"`    // the peer's ID, or "local" for this node
	From   int     `json:"from"`    // the layers [from, to) the hop runs
	To     int     `json:"to"`
	// Ms is the hop's time per generated token: its mean round trip over the steps that drew
	// one token each, since the hop's node took the range (the prompt's steps until the first
	// token is drawn; 0 before any step).
	Ms float64 `json:"ms"`
}

// LocalHop is Hop.Peer for the hops this node runs itself.
const LocalHop = "local"

// The states of a pipelined request (Route.State).
const (
	RouteRunning = "running" // published when the pipeline opens, then as tokens flow (at most four times a second) and at once after a failover
	RouteEnded   = "ended"   // published once, when the request ends
)

// Route is the route of a pipelined request: its hops in layer order with their measured time
// per token. It is published when the request's pipeline opens, while tokens flow, when a
// failover changes a hop and when the request ends; GET /api/network gives the last one.
type Route struct {
	Failovers int    `json:"failovers"` // hops replaced so far
	Hops      []Hop  `json:"hops"`
	RequestID string `json:"request_id"`
	Route     string `json:"route"`
	State     string `json:"state"` // RouteRunning or RouteEnded
}

// Liar says that a peer was caught returning wrong hidden states: re-executing its hop of a
// request gave other bits than it signed. It leaves every route.
type Liar struct {
	Claimed   string `json:"claimed"`  // SHA-256 the peer signed for the position
	Computed  string `json:"computed"` // SHA-256 this node computed
	Layers    [2]int `json:"layers"`   // the hop's layer range [from, to)
	Peer      string `json:"peer"`
	Pos       int    `json:"pos"`
	RequestID string `json:"request_id"`
}

// The states of a memory re-embedding (Reembed.State).
const (
	ReembedRunning = "running"
	ReembedDone    = "done"    // every memory has a vector of Space
	ReembedStopped = "stopped" // another model was loaded, the embedder failed or the node stops; the next run resumes
)

// Reembed is the progress of the memory's re-embedding with a newly loaded model: published
// when a run starts, while it runs (at most four times a second) and when it ends.
type Reembed struct {
	Done  int    `json:"done"`  // memories given a vector of Space by this run
	Left  int    `json:"left"`  // memories still without one
	Model string `json:"model"` // the loaded model's ID
	Space string `json:"space"` // the vectors' space (backend/embed)
	State string `json:"state"` // ReembedRunning, ReembedDone or ReembedStopped
	Total int    `json:"total"` // Done + Left
}

// EventType is TypeReembed.
func (Reembed) EventType() string { return TypeReembed }

// EventType is TypeLiar.
func (Liar) EventType() string { return TypeLiar }

// EventType is TypeToken.
func (Token) EventType() string { return TypeToken }

// EventType is TypeTokenRate.
func (TokenRate) EventType() string { return TypeTokenRate }

// EventType is TypeNode.
func (Node) EventType() string { return TypeNode }

// EventType is TypeLedger.
func (Ledger) EventType() string { return TypeLedger }

// EventType is TypeRoute.
func (Route) EventType() string { return TypeRoute }
