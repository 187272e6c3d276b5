package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/scheduler"
)

// The API key travels only in the Authorization header: the event stream too is read with
// fetch, so a ?key= in its URL (which would leak into logs, history and Referer) is refused.
func TestEventsKeyOnlyInHeader(t *testing.T) {
	const key = "events-key-0123456789"
	bus := events.NewBus(0)
	s := newServer(t, Options{APIKey: key, RequireAuth: true, Mounts: map[string]http.Handler{"GET /api/events": http.HandlerFunc(bus.ServeSSE)}}, scheduler.Config{}, nil, false)

	resp, err := http.Get(s.URL + "/api/events?types=node&key=" + key)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	if resp.StatusCode != http.StatusOK { // an event stream does not end
		b, _ = io.ReadAll(resp.Body)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), typeAuth) {
		t.Fatalf("key in the URL: %d %s, want 401 %s", resp.StatusCode, b, typeAuth)
	}

	req, _ := http.NewRequest("GET", s.URL+"/api/events?types=node", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("key in the header: %d %v", resp.StatusCode, resp.Header)
	}
	bus.Publish("node", map[string]string{"state": "ready"})
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "event:") || strings.HasPrefix(l, "data:") {
			got = append(got, l)
			if strings.HasPrefix(l, "data:") {
				break
			}
		}
	}
	if want := []string{"event: node", `data: {"state":"ready"}`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stream %q, want %q", got, want)
	}
}

// The desktop window (another origin) uses PUT (/api/network, /api/policy) and, for the
// memory endpoints, PATCH: its preflight must allow them.
func TestPreflightAllowsTheAppsMethods(t *testing.T) {
	s := newServer(t, Options{APIKey: "secret-key-0123456789", RequireAuth: true}, scheduler.Config{}, nil, false)
	for _, origin := range []string{"wails://wails", "http://wails.localhost"} {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			req, _ := http.NewRequest("OPTIONS", s.URL+"/api/policy", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", m)
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			allowed := map[string]bool{}
			for _, a := range strings.Split(resp.Header.Get("Access-Control-Allow-Methods"), ",") {
				allowed[strings.TrimSpace(a)] = true
			}
			if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != origin || !allowed[m] {
				t.Errorf("preflight %s from %s: %d, Allow-Origin %q, Allow-Methods %q", m, origin, resp.StatusCode,
					resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Allow-Methods"))
			}
		}
	}
}

func TestCheckKey(t *testing.T) {
	if MinKeyLength != 16 {
		t.Fatalf("MinKeyLength %d", MinKeyLength)
	}
	for _, k := range []string{"0123456789abcdef", "aria-0123456789abcdef0123456789abcdef", "ключ-ключ-ключ-к", "0123456789 abcdef"} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q): %v", k, err)
		}
	}
	for _, k := range []string{"", "short", "0123456789abcde", " 0123456789abcdef", "0123456789abcdef\n", "0123456789abcdef\x00"} {
		err := CheckKey(k)
		if err == nil {
			t.Errorf("CheckKey(%q) accepted", k)
			continue
		}
		if len(k) < MinKeyLength && !strings.Contains(err.Error(), "16") {
			t.Errorf("CheckKey(%q): %v does not name the minimum length", k, err)
		}
	}
	k, err := LoadOrCreateKey(t.TempDir() + "/key")
	if err != nil || CheckKey(k) != nil {
		t.Fatalf("a created key %q fails the check: %v %v", k, err, CheckKey(k))
	}
}

// testTimeouts are short server timeouts for the tests.
var testTimeouts = ServerOptions{ReadHeaderTimeout: 200 * time.Millisecond, BodyTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}

// startServer serves h with the Server the node uses, on a real listener.
func startServer(t *testing.T, h http.Handler, o ServerOptions) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServerWith(h, ln, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// timingHandler reads bodies at /echo, answers /ok, and streams ten lines 100 ms apart at
// /stream (stopping if the request's context ends).
func timingHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			WriteError(w, http.StatusRequestTimeout, "", "", err.Error())
			return
		}
		w.Write(b)
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			WriteError(w, http.StatusRequestTimeout, "", "", err.Error())
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 10 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			fmt.Fprintf(w, "data: %d\n\n", i)
			http.NewResponseController(w).Flush()
		}
	})
	return mux
}

// waitClosed reads conn until the server closes it, failing if it is still open after limit.
func waitClosed(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection is still open after %v", limit)
	}
	return time.Since(start)
}

func TestServerCutsATrickledBody(t *testing.T) {
	addr := startServer(t, timingHandler(), testTimeouts)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one byte every 100 ms: the body would take 100 s
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	// Meanwhile the server answers others.
	resp, err := http.Get("http://" + addr + "/ok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("another client: %d", resp.StatusCode)
	}
	waitClosed(t, conn, 3*time.Second)
}

func TestServerClosesIdleConnections(t *testing.T) {
	addr := startServer(t, timingHandler(), testTimeouts)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "ok" || resp.Close {
		t.Fatalf("%d %q close=%v", resp.StatusCode, b, resp.Close)
	}
	start := time.Now()
	conn.SetReadDeadline(start.Add(3 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("the idle keep-alive connection: %v after %v, want closed (EOF) after about %v", err, time.Since(start), testTimeouts.IdleTimeout)
	}
}

// A streamed answer (SSE, streamed completions) runs for longer than the body and idle
// timeouts: they must not cut it, nor end its request's context.
func TestServerLetsLongStreamsFinish(t *testing.T) {
	addr := startServer(t, timingHandler(), testTimeouts)
	for _, body := range []string{"", `{"stream":true}`} {
		method := "GET"
		if body != "" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, "http://"+addr+"/stream", strings.NewReader(body))
		if body == "" {
			req.Body = nil
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || strings.Count(string(b), "data: ") != 10 {
			t.Fatalf("%s stream: %v after %v, got %q", method, err, time.Since(start), b)
		}
		if d := time.Since(start); d < 2*(testTimeouts.ReadHeaderTimeout+testTimeouts.BodyTimeout) {
			t.Fatalf("the stream took only %v", d)
		}
	}
}

// A completion whose body comes too slowly is answered 408 in the OpenAI shape, then closed.
func TestTrickledCompletionGets408(t *testing.T) {
	s := scheduler.New(scheduler.Config{}, nil)
	t.Cleanup(s.Close)
	addr := startServer(t, New(Options{Backend: s}), testTimeouts)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"messages\":")
	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), `"code":"request_timeout"`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	waitClosed(t, conn, 3*time.Second)
}
