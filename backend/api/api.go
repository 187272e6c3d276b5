// Package api is the node's HTTP interface: the OpenAI-compatible endpoints (/v1/…), the app's
// own JSON endpoints (/api/…, mounted by the node), and, in browser mode, the built frontend.
package api

//go:generate go run ./tsgen

import (
	"context"
	"crypto/subtle"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// MaxBody bounds a request body (413 beyond it).
const MaxBody = 4 << 20

// LocalModel is a model file the node can load.
type LocalModel struct {
	ID   string // file name without .gguf
	Path string
}

// Backend runs the requests: the node's scheduler, or the node's router that may send a
// request to peers.
type Backend interface {
	Model() (scheduler.ModelInfo, bool)
	Queued() int
	Load(ctx context.Context, path string) (scheduler.ModelInfo, error)
	// Prepare renders, tokenizes and checks the prompt (before the request queues).
	Prepare(ctx context.Context, req inference.Request) (inference.Request, error)
	Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error)
}

// Options configure the handler.
type Options struct {
	// Backend runs the requests: the scheduler, with the router choosing where.
	Backend Backend
	// Models lists the local model files (for /v1/models and loading by name); nil: only the
	// loaded one.
	Models func() []LocalModel
	// APIKey is required as "Authorization: Bearer KEY" when RequireAuth is set (the node
	// sets it when it listens on anything but loopback).
	APIKey      string
	Keys        *Keys // when set, the key in force (regenerated while the server runs); APIKey is then unused
	RequireAuth bool
	// Loopback says the server listens on loopback only. Then only requests whose Host names
	// loopback (127.0.0.1, localhost, [::1], any port) or one of AllowedHosts are served: a page
	// whose name rebinds to 127.0.0.1 sends its own name as Host and is refused.
	Loopback     bool
	AllowedHosts []string
	// Mounts adds handlers under /api/ (path → handler), e.g. "/api/events".
	Mounts map[string]http.Handler
	// Meter gives the energy of finished requests and the energy source for GET /api/status
	// (nil: none).
	Meter *metrics.Meter
	// Address is the node's URL, for GET /api/status.
	Address string
	// Static is the built frontend, served at / (nil: none).
	Static  fs.FS
	Version string
	// Memory serves chats that opt in to memory (nil: such chats are refused).
	Memory Memory
	// Conversations saves the chats that name a conversation (aria.conversation) and are not
	// private (nil: none is saved).
	Conversations *Conversations
	Log           *slog.Logger // nil: none
}

func (h *Handler) log() *slog.Logger {
	if h.o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.o.Log
}

// Handler serves the API.
type Handler struct {
	o   Options
	mux *http.ServeMux
}

// New builds the handler.
func New(o Options) *Handler {
	h := &Handler{o: o, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /v1/models", h.models)
	h.mux.HandleFunc("GET /v1/models/{id}", h.model)
	h.mux.HandleFunc("POST /v1/chat/completions", h.chat)
	h.mux.HandleFunc("POST /v1/completions", h.completions)
	h.mux.HandleFunc("GET /api/status", h.status)
	for p, mh := range o.Mounts {
		h.mux.Handle(p, mh)
	}
	h.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "unknown_url", "", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "unknown_url", "", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	if o.Static != nil {
		h.mux.Handle("/", spa(o.Static))
	}
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/api/")
	if h.o.Loopback && !h.allowedHost(r.Host) {
		// DNS rebinding: without this, a web page whose name resolves to 127.0.0.1 is
		// same-origin with itself and drives the node (its Origin matches its Host).
		WriteError(w, http.StatusForbidden, "host_not_allowed", "", "requests for the host "+strconv.Quote(r.Host)+" are not allowed: this node answers only to 127.0.0.1, localhost and [::1] (add a name with --allowed-host)")
		return
	}
	if o := r.Header.Get("Origin"); api && o != "" && !allowedOrigin(o, r.Host) {
		// A web page from elsewhere must not drive the local node: browsers send "simple"
		// cross-origin POSTs without a preflight, so CORS alone would not stop it.
		WriteError(w, http.StatusForbidden, "origin_not_allowed", "", "requests from the web origin "+o+" are not allowed")
		return
	}
	if cors(w, r) {
		return
	}
	if api && h.o.RequireAuth && !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="aria"`)
		WriteError(w, http.StatusUnauthorized, "invalid_api_key", "", "missing or wrong API key: send Authorization: Bearer <key> (the key is shown by the app and stored in the data directory)")
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	}
	h.mux.ServeHTTP(w, r)
}

// authorized checks the Authorization header; the key is never taken from the URL (where it
// would be left in logs, history and Referer): the frontend reads /api/events with fetch.
func (h *Handler) authorized(r *http.Request) bool {
	key := h.o.APIKey
	if h.o.Keys != nil {
		key = h.o.Keys.Get()
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && key != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(key)) == 1
}

// cors answers preflights and allows the desktop window's origins; it reports whether the
// request was fully handled.
func cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	if allowedOrigin(origin, r.Host) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
	}
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

func allowedOrigin(origin, host string) bool {
	switch origin {
	case "wails://wails", "http://wails.localhost", "wails://wails.localhost":
		return true
	}
	return origin == "http://"+host || origin == "https://"+host
}

// allowedHost reports whether the Host header names this loopback server.
func (h *Handler) allowedHost(host string) bool {
	name := host
	if hn, _, err := net.SplitHostPort(host); err == nil {
		name = hn
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		name = host[1 : len(host)-1]
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	switch name {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	for _, a := range h.o.AllowedHosts {
		if strings.EqualFold(strings.TrimSuffix(a, "."), name) {
			return true
		}
	}
	return false
}

// IsLoopback reports whether addr (host:port) listens on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// spa serves the frontend's files, and index.html for paths that are not files (client routes).
func spa(static fs.FS) http.Handler {
	files := http.FileServer(http.FS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p != "" {
			if _, err := fs.Stat(static, p); errors.Is(err, fs.ErrNotExist) {
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/"
				files.ServeHTTP(w, r2)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}
