package node

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

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

type catalogueItem struct {
	models.Entry
	Downloaded bool `json:"downloaded"`
}

type localItem struct {
	models.Local
	Loaded bool `json:"loaded"`
}

func jsonOut(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func jsonErr(w http.ResponseWriter, status int, err error) {
	typ := "invalid_request_error"
	if status >= 500 {
		typ = "server_error"
	}
	jsonOut(w, status, map[string]any{"error": map[string]any{"message": err.Error(), "type": typ}})
}

func readBody(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errors.New("the request body is not valid JSON: " + err.Error())
	}
	return nil
}

// appMounts are the app's own endpoints (see the HTTP contract in the frontend's api/types.ts).
func (n *Node) appMounts() map[string]http.Handler {
	mux := map[string]http.Handler{}
	h := func(p string, f http.HandlerFunc) { mux[p] = f }
	h("GET /api/events", n.bus.ServeSSE)
	n.networkMounts(h)
	h("GET /api/models", func(w http.ResponseWriter, _ *http.Request) {
		loaded, _ := n.sched.Model()
		local := n.models.List()
		files := map[string]bool{}
		out := struct {
			Catalogue []catalogueItem   `json:"catalogue"`
			Local     []localItem       `json:"local"`
			Downloads []models.Progress `json:"downloads"`
		}{Catalogue: []catalogueItem{}, Local: []localItem{}, Downloads: n.dl.list()}
		for _, l := range local {
			files[l.File] = true
			out.Local = append(out.Local, localItem{l, l.Path == loaded.Path})
		}
		for _, e := range n.models.Catalogue() {
			out.Catalogue = append(out.Catalogue, catalogueItem{e, files[e.File]})
		}
		jsonOut(w, 200, out)
	})
	h("POST /api/models/download", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ID string }
		if err := readBody(r, &b); err != nil {
			jsonErr(w, 400, err)
			return
		}
		if _, err := n.models.Entry(b.ID); err != nil {
			jsonErr(w, 404, err)
			return
		}
		ctx, cancel := context.WithCancel(n.bg)
		n.dl.mu.Lock()
		if _, running := n.dl.cancel[b.ID]; running {
			n.dl.mu.Unlock()
			cancel()
			jsonErr(w, 409, models.ErrInProgress)
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
		jsonOut(w, 202, map[string]string{"id": b.ID})
	})
	h("POST /api/models/cancel", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ID string }
		if err := readBody(r, &b); err != nil {
			jsonErr(w, 400, err)
			return
		}
		n.dl.mu.Lock()
		cancel, ok := n.dl.cancel[b.ID]
		n.dl.mu.Unlock()
		if !ok {
			jsonErr(w, 404, errors.New("no download of "+b.ID+" is running"))
			return
		}
		cancel()
		jsonOut(w, 200, map[string]string{"id": b.ID})
	})
	h("POST /api/models/import", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Path string }
		if err := readBody(r, &b); err != nil {
			jsonErr(w, 400, err)
			return
		}
		l, err := n.models.Import(r.Context(), b.Path, n.dl.progress)
		if err != nil {
			jsonErr(w, 400, err)
			return
		}
		jsonOut(w, 200, l)
	})
	h("POST /api/models/load", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Name string }
		if err := readBody(r, &b); err != nil {
			jsonErr(w, 400, err)
			return
		}
		p, err := n.models.Path(b.Name)
		if err != nil {
			jsonErr(w, 404, err)
			return
		}
		n.bus.Publish("node", map[string]string{"state": "loading", "model": b.Name})
		info, err := n.sched.Load(r.Context(), p)
		if err != nil {
			jsonErr(w, 500, err)
			return
		}
		n.bus.Publish("node", map[string]string{"state": "ready", "model": info.ID})
		jsonOut(w, 200, info)
	})
	h("POST /api/models/demo", func(w http.ResponseWriter, r *http.Request) {
		l, err := n.models.Demo()
		if err == nil {
			_, err = n.sched.Load(r.Context(), l.Path)
		}
		if err != nil {
			jsonErr(w, 500, err)
			return
		}
		n.bus.Publish("node", map[string]string{"state": "ready", "model": l.Name})
		jsonOut(w, 200, l)
	})
	h("DELETE /api/models/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if info, ok := n.sched.Model(); ok && info.ID == name {
			jsonErr(w, 409, errors.New("the model is loaded: load another one first"))
			return
		}
		if err := n.models.Remove(name); err != nil {
			jsonErr(w, 404, err)
			return
		}
		jsonOut(w, 200, map[string]string{"name": name})
	})
	return mux
}
