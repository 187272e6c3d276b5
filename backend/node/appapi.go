package node

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/models"
)

// downloads tracks the model downloads the app started, for /api/models and cancel.
type downloads struct {
	mu      sync.Mutex
	cancel  map[string]context.CancelFunc
	last    map[string]models.Progress
	publish func(string, any)
}

func (d *downloads) list() []models.Progress {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []models.Progress{}
	for _, p := range d.last {
		out = append(out, p)
	}
	return out
}

func (d *downloads) progress(p models.Progress) {
	d.mu.Lock()
	d.last[p.ID] = p
	d.mu.Unlock()
	d.publish("download", p)
}

// The answers of the app's model endpoints. Errors are api.WriteError's, as on /v1.

// CatalogueItem is a catalogue entry in GET /api/models.
type CatalogueItem struct {
	models.Entry
	Downloaded bool `json:"downloaded"`
}

// LocalItem is a local model file in GET /api/models.
type LocalItem struct {
	models.Local
	Loaded bool `json:"loaded"`
}

// ModelsAnswer is the answer of GET /api/models.
type ModelsAnswer struct {
	Catalogue []CatalogueItem   `json:"catalogue"`
	Local     []LocalItem       `json:"local"`
	Downloads []models.Progress `json:"downloads"`
}

// IDAnswer is the answer of POST /api/models/download (202) and /api/models/cancel.
type IDAnswer struct {
	ID string `json:"id"`
}

// NameAnswer is the answer of DELETE /api/models/{name}.
type NameAnswer struct {
	Name string `json:"name"`
}

// readBody decodes a JSON body into v, answering 400 itself when it cannot; it reports
// success.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		api.WriteError(w, http.StatusBadRequest, "invalid_json", "", "the request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// appMounts are the app's own endpoints (their answers are the types above and in appnet.go;
// the frontend's api/generated.ts is generated from them).
func (n *Node) appMounts() map[string]http.Handler {
	mux := map[string]http.Handler{}
	h := func(p string, f http.HandlerFunc) { mux[p] = f }
	h("GET /api/events", n.bus.ServeSSE)
	n.networkMounts(h)
	h("GET /api/models", func(w http.ResponseWriter, _ *http.Request) {
		loaded, _ := n.sched.Model()
		local := n.models.List()
		files := map[string]bool{}
		out := ModelsAnswer{Catalogue: []CatalogueItem{}, Local: []LocalItem{}, Downloads: n.dl.list()}
		for _, l := range local {
			files[l.File] = true
			out.Local = append(out.Local, LocalItem{l, l.Path == loaded.Path})
		}
		for _, e := range n.models.Catalogue() {
			out.Catalogue = append(out.Catalogue, CatalogueItem{e, files[e.File]})
		}
		api.WriteJSON(w, http.StatusOK, out)
	})
	h("POST /api/models/download", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ID string }
		if !readBody(w, r, &b) {
			return
		}
		if _, err := n.models.Entry(b.ID); err != nil {
			api.WriteError(w, http.StatusNotFound, "model_not_found", "id", err.Error())
			return
		}
		ctx, cancel := context.WithCancel(n.bg)
		n.dl.mu.Lock()
		if _, running := n.dl.cancel[b.ID]; running {
			n.dl.mu.Unlock()
			cancel()
			api.WriteError(w, http.StatusConflict, "download_in_progress", "id", models.ErrInProgress.Error())
			return
		}
		n.dl.cancel[b.ID] = cancel
		n.dl.mu.Unlock()
		go func() {
			defer func() { n.dl.mu.Lock(); delete(n.dl.cancel, b.ID); n.dl.mu.Unlock(); cancel() }()
			if _, err := n.models.Download(ctx, b.ID, n.dl.progress); err != nil {
				n.cfg.Log.Warn("download", "id", b.ID, "err", err)
			}
		}()
		api.WriteJSON(w, http.StatusAccepted, IDAnswer{ID: b.ID})
	})
	h("POST /api/models/cancel", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ID string }
		if !readBody(w, r, &b) {
			return
		}
		n.dl.mu.Lock()
		cancel, ok := n.dl.cancel[b.ID]
		n.dl.mu.Unlock()
		if !ok {
			api.WriteError(w, http.StatusNotFound, "download_not_found", "id", "no download of "+b.ID+" is running")
			return
		}
		cancel()
		api.WriteJSON(w, http.StatusOK, IDAnswer{ID: b.ID})
	})
	h("POST /api/models/import", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Path string }
		if !readBody(w, r, &b) {
			return
		}
		l, err := n.models.Import(r.Context(), b.Path, n.dl.progress)
		if err != nil {
			api.WriteError(w, http.StatusBadRequest, "import_failed", "path", err.Error())
			return
		}
		api.WriteJSON(w, http.StatusOK, l)
	})
	h("POST /api/models/load", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Name string }
		if !readBody(w, r, &b) {
			return
		}
		p, err := n.models.Path(b.Name)
		if err != nil {
			api.WriteError(w, http.StatusNotFound, "model_not_found", "name", err.Error())
			return
		}
		n.bus.Publish("node", events.Node{State: "loading", Model: b.Name})
		info, err := n.sched.Load(r.Context(), p)
		if err != nil {
			api.WriteError(w, http.StatusInternalServerError, "load_failed", "", err.Error())
			return
		}
		n.bus.Publish("node", events.Node{State: "ready", Model: info.ID})
		api.WriteJSON(w, http.StatusOK, info)
	})
	h("POST /api/models/demo", func(w http.ResponseWriter, r *http.Request) {
		l, err := n.models.Demo()
		if err == nil {
			_, err = n.sched.Load(r.Context(), l.Path)
		}
		if err != nil {
			api.WriteError(w, http.StatusInternalServerError, "demo_failed", "", "the demo model: "+err.Error())
			return
		}
		n.bus.Publish("node", events.Node{State: "ready", Model: l.Name})
		api.WriteJSON(w, http.StatusOK, l)
	})
	h("DELETE /api/models/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if info, ok := n.sched.Model(); ok && info.ID == name {
			api.WriteError(w, http.StatusConflict, "model_loaded", "name", "the model is loaded: load another one first")
			return
		}
		if err := n.models.Remove(name); err != nil {
			api.WriteError(w, http.StatusNotFound, "model_not_found", "name", err.Error())
			return
		}
		api.WriteJSON(w, http.StatusOK, NameAnswer{Name: name})
	})
	return mux
}
