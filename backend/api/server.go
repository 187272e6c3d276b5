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

// NewServer serves h on ln.
func NewServer(h http.Handler, ln net.Listener) *Server {
	return &Server{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln, addr: ln.Addr().String()}
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
