package events

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFanOutOrderAndFilter(t *testing.T) {
	b := NewBus(1024)
	ctx := context.Background()
	all := b.Subscribe(ctx)
	tok := b.Subscribe(ctx, "token")
	var wg sync.WaitGroup
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				typ := "metrics"
				if i%2 == 0 {
					typ = "token"
				}
				b.Publish(typ, i)
			}
		}()
	}
	wg.Wait()
	b.Close()
	var last uint64
	n := 0
	for ev := range all.C() {
		if ev.Seq <= last {
			t.Fatalf("sequence %d after %d", ev.Seq, last)
		}
		last = ev.Seq
		n++
	}
	if n != 400 || all.Dropped() != 0 {
		t.Fatalf("all: %d events, %d dropped", n, all.Dropped())
	}
	n = 0
	for ev := range tok.C() {
		if ev.Type != "token" {
			t.Fatalf("filtered subscription got %q", ev.Type)
		}
		n++
	}
	if n != 200 {
		t.Fatalf("token subscription: %d events", n)
	}
}

func TestSlowSubscriberNeverBlocksPublish(t *testing.T) {
	b := NewBus(4)
	slow := b.Subscribe(context.Background())
	done := make(chan struct{})
	go func() {
		for i := 0; i < 10000; i++ {
			b.Publish("metrics", i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if slow.Dropped() != 10000-4 {
		t.Fatalf("dropped %d", slow.Dropped())
	}
	if ev := <-slow.C(); ev.Data != 9996 {
		t.Fatalf("a slow subscriber keeps the newest events, got %v", ev.Data)
	}
}

func TestContextEndsSubscription(t *testing.T) {
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	s := b.Subscribe(ctx)
	cancel()
	select {
	case _, ok := <-s.C():
		if ok {
			t.Fatal("event after cancel")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("subscription not closed")
	}
}

func TestServeSSE(t *testing.T) {
	b := NewBus(0)
	srv := httptest.NewServer(http.HandlerFunc(b.ServeSSE))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "?types=download")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		b.Publish("metrics", map[string]int{"x": 1})
		b.Publish("download", map[string]any{"id": "m", "done": 10})
	}()
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for sc.Scan() {
		if sc.Text() == "" && len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], "data:") {
			break
		}
		if sc.Text() != "" && !strings.HasPrefix(sc.Text(), ":") {
			lines = append(lines, sc.Text())
		}
	}
	want := []string{"id: 2", "event: download", `data: {"done":10,"id":"m"}`}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", lines, want)
	}
}
