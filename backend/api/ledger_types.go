package api

import "github.com/aria-node/aria/backend/ledger"

// The answers of the ledger's endpoints (ledger_app.go) beside LedgerList and LedgerVerify
// (app_types.go).

// LedgerTotals is the answer of GET /api/ledger/totals: the sums of the entries the filter
// selects, by whom the work was for.
type LedgerTotals struct {
	Entries int64 `json:"entries"` // every entry selected
	// Given is this node's work for peers (served requests and hops).
	Given ledger.Totals `json:"given"`
	// Received is peers' work for this node (remote requests). This node does not measure
	// a peer's energy: its entries record none.
	Received ledger.Totals `json:"received"`
	// Local is this node's work for its own user.
	Local ledger.Totals `json:"local"`
}

// LedgerChoices is the answer of GET /api/ledger/choices: the values the filter's model and
// peer can take, most recently used first (at most 500 of each).
type LedgerChoices struct {
	Models []string `json:"models"` // SHA-256 in hex
	Peers  []string `json:"peers"`  // the other peers, never this node
}
