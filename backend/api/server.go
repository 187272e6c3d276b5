package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/thejerf/suture/v4"
)

// Server serves a handler on a listener as a supervised service: after a failure it listens
// again on the same address; Shutdown drains it.
type Server struct {
	srv  *http.Server
	ln   net.Listener // nil after the first Serve
	addr string
}

// Default server timeouts.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
)

// ServerOptions are the server's timeouts; a zero field takes its default. There is no write
// timeout: event streams and streamed completions go on for minutes.
type ServerOptions struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// BodyTimeout bounds reading a request's body: the whole request must be in within
	// ReadHeaderTimeout+BodyTimeout, or its connection is closed (a client that trickles it).
	BodyTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that waits this long for its next request.
	IdleTimeout time.Duration
}

func (o ServerOptions) withDefaults() ServerOptions {
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = DefaultBodyTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	return o
}

// NewServer serves h on ln with the default timeouts.
func NewServer(h http.Handler, ln net.Listener) *Server { return NewServerWith(h, ln, ServerOptions{}) }

// NewServerWith serves h on ln with the timeouts of o.
//
// The body timeout is http.Server.ReadTimeout, which runs from the start of the request's
// headers (so it is set to ReadHeaderTimeout+BodyTimeout). It cannot cut a long response: net/http
// lifts the read deadline once the body has been read (its read that watches for the client
// leaving starts then, without a deadline), and TestServerLetsLongStreamsFinish holds it to
// that.
func NewServerWith(h http.Handler, ln net.Listener, o ServerOptions) *Server {
	o = o.withDefaults()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadHeaderTimeout + o.BodyTimeout,
		IdleTimeout:       o.IdleTimeout,
	}
	return &Server{srv: srv, ln: ln, addr: ln.Addr().String()}
}

// Serve serves until ctx ends (closing the server) or Shutdown.
func (s *Server) Serve(ctx context.Context) error {
	ln := s.ln
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.addr); err != nil {
			return fmt.Errorf("listen again on %s: %w", s.addr, err)
		}
	}
	s.ln = nil
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return suture.ErrDoNotRestart
		}
		return fmt.Errorf("serve HTTP on %s: %w", s.addr, err)
	case <-ctx.Done():
		_ = s.srv.Close()
		<-errc
		return nil
	}
}

// Shutdown stops accepting requests and waits for the running ones until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// String names the service.
func (s *Server) String() string { return "http" }
