package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// ErrNoDownload is returned when cancelling a download that is not running.
var ErrNoDownload = errors.New("no such download is running")

// Downloads runs the catalogue downloads the app starts, in the background, and keeps their last
// progress for the models page. Serve owns their goroutines: when its context ends, every
// download is cancelled and waited for.
type Downloads struct {
	m       *Manager
	publish func(Progress) // each progress report (the "download" event); nil: none
	log     *slog.Logger

	mu      sync.Mutex
	ctx     context.Context // Serve's; nil before it starts and after it ends
	cancels map[string]context.CancelFunc
	last    map[string]Progress
	wg      sync.WaitGroup
	ready   chan struct{} // closed when Serve has started
}

// NewDownloads tracks the downloads of m.
func NewDownloads(m *Manager, publish func(Progress), log *slog.Logger) *Downloads {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Downloads{m: m, publish: publish, log: log, cancels: map[string]context.CancelFunc{},
		last: map[string]Progress{}, ready: make(chan struct{})}
}

// Serve runs the downloads until ctx ends, then cancels them and waits for them.
func (d *Downloads) Serve(ctx context.Context) error {
	d.mu.Lock()
	d.ctx = ctx
	select {
	case <-d.ready:
	default:
		close(d.ready)
	}
	d.mu.Unlock()
	<-ctx.Done()
	d.mu.Lock()
	d.ctx = nil
	for _, c := range d.cancels {
		c()
	}
	d.mu.Unlock()
	d.wg.Wait()
	return nil
}

// Start begins downloading the catalogue entry id in the background.
func (d *Downloads) Start(id string) error {
	if _, err := d.m.Entry(id); err != nil {
		return err
	}
	<-d.ready
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return errors.New("downloads: the node is shutting down")
	}
	if _, running := d.cancels[id]; running {
		return fmt.Errorf("%w: %s", ErrInProgress, id)
	}
	ctx, cancel := context.WithCancel(d.ctx)
	d.cancels[id] = cancel
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer func() { d.mu.Lock(); delete(d.cancels, id); d.mu.Unlock(); cancel() }()
		if _, err := d.m.Download(ctx, id, d.Progress); err != nil {
			d.log.Warn("download", "id", id, "err", err)
		}
	}()
	return nil
}

// Cancel stops a running download.
func (d *Downloads) Cancel(id string) error {
	d.mu.Lock()
	cancel, ok := d.cancels[id]
	d.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoDownload, id)
	}
	cancel()
	return nil
}

// Progress records a progress report and publishes it (downloads and imports report here).
func (d *Downloads) Progress(p Progress) {
	d.mu.Lock()
	d.last[p.ID] = p
	d.mu.Unlock()
	if d.publish != nil {
		d.publish(p)
	}
}

// List is the last progress of every download and import since the start.
func (d *Downloads) List() []Progress {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []Progress{}
	for _, p := range d.last {
		out = append(out, p)
	}
	return out
}
