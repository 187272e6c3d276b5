package pipeline

import (
	"context"
	"testing"

	"github.com/aria-node/aria/inference/model"
)

func TestZZLong(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, a := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, a.h)
	for _, n := range []int{40, 100, 200, 300, 400} {
		want := generateLocal(t, coord.eng, request(n))
		p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 4096, Cache: model.CacheF16}, Route{{From: 0, To: 2}, {Peer: a.h.ID(), From: 2, To: 4}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(n), nil)
		if err != nil {
			t.Fatal(err)
		}
		same := 0
		for same < len(got.Tokens) && got.Tokens[same] == want.Tokens[same] {
			same++
		}
		t.Logf("n=%d: first %d tokens equal", n, same)
	}
}
