package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/policy"
	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/backend/scheduler"
)

// App is what the app's own endpoints (/api/…) read and change: the models, the network, the
// policy and the ledger. Their answers are the types of app_types.go; the frontend's
// api/generated.ts is generated from them.
type App struct {
	Bus       *events.Bus
	Sched     *scheduler.Scheduler
	Models    *library.Manager
	Downloads *library.Downloads
	Router    *route.Router
	Self      peer.ID
	P2P       *p2p.Node // nil: off the network
	Policy    *policy.Enforcer
	// SetPolicy validates, saves and applies a policy.
	SetPolicy func(policy.Policy) error
	Ledger    *ledger.Ledger
}

// Mounts are the app's endpoints, for Options.Mounts.
func (a *App) Mounts() map[string]http.Handler {
	mux := map[string]http.Handler{}
	h := func(p string, f http.HandlerFunc) { mux[p] = f }
	h("GET /api/events", a.Bus.ServeSSE)
	h("GET /api/models", a.listModels)
	h("POST /api/models/download", a.download)
	h("POST /api/models/cancel", a.cancelDownload)
	h("POST /api/models/import", a.importModel)
	h("POST /api/models/load", a.loadModel)
	h("POST /api/models/demo", a.demo)
	h("DELETE /api/models/{name}", a.removeModel)
	h("GET /api/network", a.network)
	h("PUT /api/network", a.setRoute)
	h("GET /api/policy", a.policy)
	h("PUT /api/policy", a.putPolicy)
	a.ledgerMounts(h) // ledger_app.go
	return mux
}

// readBody decodes a JSON body into v, answering 400 itself when it cannot; it reports
// success.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		WriteError(w, http.StatusBadRequest, "invalid_json", "", "the request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

func (a *App) listModels(w http.ResponseWriter, _ *http.Request) {
	loaded, _ := a.Sched.Model()
	files := map[string]bool{}
	out := ModelsAnswer{Catalogue: []CatalogueItem{}, Local: []LocalItem{}, Downloads: a.Downloads.List()}
	for _, l := range a.Models.List() {
		files[l.File] = true
		out.Local = append(out.Local, LocalItem{l, l.Path == loaded.Path})
	}
	for _, e := range a.Models.Catalogue() {
		out.Catalogue = append(out.Catalogue, CatalogueItem{e, files[e.File]})
	}
	WriteJSON(w, http.StatusOK, out)
}

func (a *App) download(w http.ResponseWriter, r *http.Request) {
	var b struct{ ID string }
	if !readBody(w, r, &b) {
		return
	}
	if _, err := a.Models.Entry(b.ID); err != nil {
		WriteError(w, http.StatusNotFound, "model_not_found", "id", err.Error())
		return
	}
	if err := a.Downloads.Start(b.ID); err != nil {
		if errors.Is(err, library.ErrInProgress) {
			WriteError(w, http.StatusConflict, "download_in_progress", "id", library.ErrInProgress.Error())
		} else {
			WriteError(w, http.StatusServiceUnavailable, "", "id", err.Error())
		}
		return
	}
	WriteJSON(w, http.StatusAccepted, IDAnswer{ID: b.ID})
}

func (a *App) cancelDownload(w http.ResponseWriter, r *http.Request) {
	var b struct{ ID string }
	if !readBody(w, r, &b) {
		return
	}
	if err := a.Downloads.Cancel(b.ID); err != nil {
		WriteError(w, http.StatusNotFound, "download_not_found", "id", "no download of "+b.ID+" is running")
		return
	}
	WriteJSON(w, http.StatusOK, IDAnswer{ID: b.ID})
}

func (a *App) importModel(w http.ResponseWriter, r *http.Request) {
	var b struct{ Path string }
	if !readBody(w, r, &b) {
		return
	}
	l, err := a.Models.Import(r.Context(), b.Path, a.Downloads.Progress)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "import_failed", "path", err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, l)
}

func (a *App) loadModel(w http.ResponseWriter, r *http.Request) {
	var b struct{ Name string }
	if !readBody(w, r, &b) {
		return
	}
	p, err := a.Models.Path(b.Name)
	if err != nil {
		WriteError(w, http.StatusNotFound, "model_not_found", "name", err.Error())
		return
	}
	a.Bus.Publish(events.TypeNode, events.Node{State: "loading", Model: b.Name})
	info, err := a.Sched.Load(r.Context(), p)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "load_failed", "", err.Error())
		return
	}
	a.Bus.Publish(events.TypeNode, events.Node{State: "ready", Model: info.ID})
	WriteJSON(w, http.StatusOK, info)
}

func (a *App) demo(w http.ResponseWriter, r *http.Request) {
	l, err := a.Models.Demo()
	if err == nil {
		_, err = a.Sched.Load(r.Context(), l.Path)
	}
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "demo_failed", "", "the demo model: "+err.Error())
		return
	}
	a.Bus.Publish(events.TypeNode, events.Node{State: "ready", Model: l.Name})
	WriteJSON(w, http.StatusOK, l)
}

func (a *App) removeModel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if info, ok := a.Sched.Model(); ok && info.ID == name {
		WriteError(w, http.StatusConflict, "model_loaded", "name", "the model is loaded: load another one first")
		return
	}
	if err := a.Models.Remove(name); err != nil {
		if errors.Is(err, library.ErrByPath) {
			WriteError(w, http.StatusConflict, "model_by_path", "name", err.Error())
		} else {
			WriteError(w, http.StatusNotFound, "model_not_found", "name", err.Error())
		}
		return
	}
	WriteJSON(w, http.StatusOK, NameAnswer{Name: name})
}

func (a *App) network(w http.ResponseWriter, r *http.Request) {
	out := NetworkInfo{PeerID: a.Self.String(), Route: a.Router.Route(), Addrs: []string{}, Peers: []p2p.PeerInfo{},
		Policy: a.Policy.Policy(), Contribution: a.Policy.Status(), Joined: a.P2P != nil, Liars: []Liar{}}
	if a.P2P != nil {
		out.Addrs, out.Peers = a.P2P.Addrs(), a.P2P.Peers()
	}
	ev, err := a.Ledger.EvidenceList(r.Context())
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "ledger_error", "", err.Error())
		return
	}
	for _, e := range ev {
		out.Liars = append(out.Liars, Liar{At: e.At.UnixMilli(), Claimed: e.Claimed, Computed: e.Computed, Evidence: e.ID,
			LayerFrom: e.LayerFrom, LayerTo: e.LayerTo, Peer: e.Peer.String(), Pos: e.Pos, RequestID: e.RequestID})
	}
	out.LastHops = []events.Hop{}
	if last, ok := a.Router.Last(); ok {
		out.LastPipeline, out.LastRoute, out.LastHops = &last, last.Route, last.Hops
	}
	WriteJSON(w, http.StatusOK, out)
}

func (a *App) setRoute(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Route string `json:"route"`
	}
	if !readBody(w, r, &b) {
		return
	}
	if err := a.Router.SetRoute(b.Route); err != nil {
		WriteError(w, http.StatusBadRequest, "invalid_route", "route", err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, RouteAnswer{Route: b.Route})
}

func (a *App) policy(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, PolicyState{Policy: a.Policy.Policy(), Status: a.Policy.Status()})
}

func (a *App) putPolicy(w http.ResponseWriter, r *http.Request) {
	var p policy.Policy
	if !readBody(w, r, &p) {
		return
	}
	if err := a.SetPolicy(p); err != nil {
		WriteError(w, http.StatusBadRequest, "invalid_policy", policy.Field(err), err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, PolicyState{Policy: a.Policy.Policy(), Status: a.Policy.Status()})
}
