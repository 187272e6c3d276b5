package node

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/policy"
)

// The answers of the app's endpoints for the network, the policy and the ledger. Where they
// used to be maps, the fields are in alphabetical order of their JSON names (the order the
// maps were written in).

// NetworkInfo is the answer of GET /api/network.
type NetworkInfo struct {
	Addrs        []string            `json:"addrs"`
	Contribution policy.Status       `json:"contribution"`
	Joined       bool                `json:"joined"` // the libp2p peer runs
	LastHops     []pipeline.HopStats `json:"last_hops"`
	LastRoute    string              `json:"last_route"`
	PeerID       string              `json:"peer_id"`
	Peers        []p2p.PeerInfo      `json:"peers"`
	Policy       policy.Policy       `json:"policy"`
	Route        string              `json:"route"` // local, remote or pipeline
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

// LedgerList is the answer of GET /api/ledger (newest first).
type LedgerList struct {
	Entries []ledger.Entry `json:"entries"`
}

// LedgerVerify is the answer of GET /api/ledger/verify.
type LedgerVerify struct {
	OK     bool          `json:"ok"`
	Report ledger.Report `json:"report"`
}

// hopEvents are a pipeline's hop statistics as the "route" event carries them.
func hopEvents(stats []pipeline.HopStats) []events.Hop {
	out := make([]events.Hop, 0, len(stats))
	for _, s := range stats {
		out = append(out, events.Hop{Hop: s.Route, Steps: s.Steps, Tokens: s.Tokens, LastMs: s.LastMs})
	}
	return out
}

// networkMounts are the app's endpoints for the network, the policy and the ledger.
func (n *Node) networkMounts(h func(string, http.HandlerFunc)) {
	h("GET /api/network", func(w http.ResponseWriter, _ *http.Request) {
		out := NetworkInfo{PeerID: n.net.id.String(), Route: n.Route(), Addrs: []string{}, Peers: []p2p.PeerInfo{},
			Policy: n.net.policy.Policy(), Contribution: n.net.policy.Status(), Joined: n.net.p2p != nil}
		if pn := n.net.p2p; pn != nil {
			out.Addrs, out.Peers = pn.Addrs(), pn.Peers()
		}
		n.net.mu.Lock()
		out.LastRoute, out.LastHops = n.net.lastPath, n.net.lastHops
		n.net.mu.Unlock()
		api.WriteJSON(w, http.StatusOK, out)
	})
	h("PUT /api/network", func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Route string `json:"route"`
		}
		if !readBody(w, r, &b) {
			return
		}
		switch b.Route {
		case RouteLocal, RouteRemote, RoutePipeline:
		default:
			api.WriteError(w, http.StatusBadRequest, "invalid_route", "route", fmt.Sprintf("route %q: want local, remote or pipeline", b.Route))
			return
		}
		n.net.mu.Lock()
		n.net.route = b.Route
		n.net.mu.Unlock()
		api.WriteJSON(w, http.StatusOK, RouteAnswer{Route: b.Route})
	})
	h("GET /api/policy", func(w http.ResponseWriter, _ *http.Request) {
		api.WriteJSON(w, http.StatusOK, PolicyState{Policy: n.net.policy.Policy(), Status: n.net.policy.Status()})
	})
	h("PUT /api/policy", func(w http.ResponseWriter, r *http.Request) {
		var p policy.Policy
		if !readBody(w, r, &p) {
			return
		}
		if err := n.setPolicy(p); err != nil {
			api.WriteError(w, http.StatusBadRequest, "invalid_policy", "", err.Error())
			return
		}
		api.WriteJSON(w, http.StatusOK, PolicyState{Policy: n.net.policy.Policy(), Status: n.net.policy.Status()})
	})
	h("GET /api/ledger", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 1000 {
			limit = 100
		}
		// Newest first: the page shows the latest work, and a long ledger is cut at the limit.
		es, err := n.net.ledger.List(r.Context(), ledger.Filter{Kind: ledger.Kind(r.URL.Query().Get("kind")), Limit: limit, Reverse: true})
		if err != nil {
			api.WriteError(w, http.StatusInternalServerError, "ledger_read_failed", "", "reading the ledger: "+err.Error())
			return
		}
		if es == nil {
			es = []ledger.Entry{}
		}
		api.WriteJSON(w, http.StatusOK, LedgerList{Entries: es})
	})
	h("GET /api/ledger/verify", func(w http.ResponseWriter, r *http.Request) {
		rep, err := n.net.ledger.Verify(r.Context())
		if err != nil {
			api.WriteError(w, http.StatusInternalServerError, "ledger_read_failed", "", "verifying the ledger: "+err.Error())
			return
		}
		api.WriteJSON(w, http.StatusOK, LedgerVerify{OK: rep.OK(), Report: rep})
	})
}
