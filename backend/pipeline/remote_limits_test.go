package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
)

// signDone is a summary m that h signs, as a real node does, claiming prompt tokens {1, 2, 3}
// and toks drawn for the request req.
func signDone(t *testing.T, h host.Host, req genMsg, toks []int32, m genMsg) genMsg {
	r, err := req.request()
	if err != nil {
		t.Error(err)
		return m
	}
	m.PromptIDs, m.Cache = []int32{1, 2, 3}, "f16"
	c := GenClaim{RequestID: req.RequestID, Model: req.Model, Input: RequestHash(r), Sampling: r.Sampling, MaxTokens: r.MaxTokens,
		IgnoreEOS: r.IgnoreEOS, Cache: m.Cache, Prompt: m.PromptIDs, Tokens: toks}
	if m.Claim, err = h.Peerstore().PrivKey(h.ID()).Sign(c.Bytes()); err != nil {
		t.Error(err)
	}
	return m
}

// lyingGenerator is a peer speaking the generate protocol by hand: after the request it sends
// what answer says (tokens, a summary), then waits until the test ends.
func lyingGenerator(t *testing.T, answer func(st network.Stream, req genMsg)) host.Host {
	t.Helper()
	h := newHost(t)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	h.SetStreamHandler(protocol.ID(GenerateProtocol), func(st network.Stream) {
		defer st.Reset()
		var req genMsg
		if err := wire.NewReader(st, 0).Read(&req); err != nil {
			return
		}
		answer(st, req)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	})
	return h
}

func TestRemoteGenerateLimits(t *testing.T) {
	_, sha := testModel(t)
	coord := newHost(t)
	cases := []struct {
		name      string
		maxTokens int
		answer    func(st network.Stream, req genMsg)
		want      string // in the error
		maxCalls  int    // onToken calls at most
	}{
		{"more tokens than asked", 4, func(st network.Stream, req genMsg) {
			for i := range 10 {
				_ = wire.Write(st, genMsg{Op: opToken, TokenID: int32(i), Text: "x"})
			}
			_ = wire.Write(st, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 10})
		}, "tokens", 4},
		{"an unsigned summary", 4, func(st network.Stream, req genMsg) {
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: 1, Text: "a"})
			_ = wire.Write(st, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 1, PromptIDs: []int32{1, 2, 3}})
		}, "claim signature", 1},
		{"tokens after the final flush", 4, func(st network.Stream, req genMsg) {
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: 1, Text: "a"})
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: -1, Text: "b"})
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: 2, Text: "c"})
			_ = wire.Write(st, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 2})
		}, "tokens", 2},
		{"text beyond the bound", 100, func(st network.Stream, req genMsg) {
			for i := range 100 {
				_ = wire.Write(st, genMsg{Op: opToken, TokenID: int32(i), Text: strings.Repeat("y", 60<<10)})
			}
			_ = wire.Write(st, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 100})
		}, "text", 1},
		{"unbounded request, text beyond 1 MiB", 0, func(st network.Stream, req genMsg) {
			for i := range 40 {
				_ = wire.Write(st, genMsg{Op: opToken, TokenID: int32(i), Text: strings.Repeat("z", 60<<10)})
			}
			_ = wire.Write(st, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 40})
		}, "text", 17},
		{"silent after a token", 8, func(st network.Stream, req genMsg) {
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: 1, Text: "a"})
		}, "no message", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			liar := lyingGenerator(t, tc.answer)
			connect(t, coord, liar)
			req := request(tc.maxTokens)
			calls := 0
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			t0 := time.Now()
			_, err := generateWithTimeout(ctx, coord, liar, sha, req, func(inference.Token) error { calls++; return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) || ctx.Err() != nil {
				t.Fatalf("after %v: error %v, want one about %q", time.Since(t0), err, tc.want)
			}
			if calls > tc.maxCalls {
				t.Fatalf("%d tokens passed on, at most %d", calls, tc.maxCalls)
			}
		})
	}
}

// The receipt signs the prompt's token count as this node reckons it, not the peer's claim.
func TestRemoteGenerateSignsItsOwnPromptCount(t *testing.T) {
	_, sha := testModel(t)
	coord := newHost(t)
	var liar host.Host
	liar = lyingGenerator(t, func(st network.Stream, req genMsg) {
		_ = wire.Write(st, genMsg{Op: opToken, TokenID: 1, Text: "a"})
		_ = wire.Write(st, signDone(t, liar, req, []int32{1}, genMsg{Op: opDone, PromptTokens: 1_000_000, GenTokens: 1}))
	})
	connect(t, coord, liar)
	res, err := generateCounting(context.Background(), coord, liar, sha, request(4), 11)
	if err != nil {
		t.Fatal(err)
	}
	if res.Receipt.PromptTokens != 11 || res.PromptTokens != 11 {
		t.Fatalf("receipt signs %d prompt tokens (result %d), want this node's count 11", res.Receipt.PromptTokens, res.PromptTokens)
	}
	// Without a count of its own, the peer's claim is capped by what the request can make.
	res, err = Generate(context.Background(), coord, liar.ID(), sha, "r", request(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bound := maxPromptTokens(request(4)); res.Receipt.PromptTokens > int64(bound) || res.Receipt.PromptTokens <= 0 {
		t.Fatalf("receipt signs the peer's %d prompt tokens, a request of this size makes at most %d", res.Receipt.PromptTokens, bound)
	}
}

// A peer that never answers fails the request within the first-token timeout, with
// ErrTokenTimeout.
func TestRemoteGenerateSilentPeer(t *testing.T) {
	_, sha := testModel(t)
	coord := newHost(t)
	liar := lyingGenerator(t, func(network.Stream, genMsg) {})
	connect(t, coord, liar)
	t0 := time.Now()
	_, err := GenerateWith(context.Background(), coord, liar.ID(), sha, "r", request(4),
		GenerateOptions{FirstTokenTimeout: 300 * time.Millisecond}, nil)
	if !errors.Is(err, ErrTokenTimeout) || time.Since(t0) > 5*time.Second {
		t.Fatalf("after %v: %v, want ErrTokenTimeout", time.Since(t0), err)
	}
}

func generateWithTimeout(ctx context.Context, h, p host.Host, sha string, req inference.Request, onToken func(inference.Token) error) (RemoteResult, error) {
	return GenerateWith(ctx, h, p.ID(), sha, "r", req, GenerateOptions{TokenTimeout: 300 * time.Millisecond}, onToken)
}

func generateCounting(ctx context.Context, h, p host.Host, sha string, req inference.Request, n int) (RemoteResult, error) {
	return GenerateWith(ctx, h, p.ID(), sha, "r", req, GenerateOptions{PromptTokens: n}, nil)
}

// A generation that stops inside a character ends with a flush (token -1) after the last token
// asked for: that is the whole answer, not one token too many (a real node does this; it made
// every such remote request fall back to this node).
func TestRemoteGenerateFinalFlush(t *testing.T) {
	_, sha := testModel(t)
	coord := newHost(t)
	var liar host.Host
	liar = lyingGenerator(t, func(st network.Stream, req genMsg) {
		for i := range 4 {
			_ = wire.Write(st, genMsg{Op: opToken, TokenID: int32(10 + i), Text: "x"})
		}
		_ = wire.Write(st, genMsg{Op: opToken, TokenID: -1, Text: "\ufffd"})
		_ = wire.Write(st, signDone(t, liar, req, []int32{10, 11, 12, 13}, genMsg{Op: opDone, PromptTokens: 3, GenTokens: 4, Finish: "length"}))
	})
	connect(t, coord, liar)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := generateWithTimeout(ctx, coord, liar, sha, request(4), nil)
	if err != nil || res.Text != "xxxx\ufffd" || res.FinishReason != "length" {
		t.Fatalf("result %q (%s), error %v", res.Text, res.FinishReason, err)
	}
}
