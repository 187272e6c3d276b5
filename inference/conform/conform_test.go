package conform

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/kernels"
)

// Every published reference must pass under the published rules, through the same code
// path `aria conform` uses, with 1 and 2 threads and with every kernel tier this CPU has.
func TestFixtures(t *testing.T) {
	refs, err := filepath.Glob(filepath.Join(fixtures.Dir(t), "*.ref.json"))
	if err != nil || len(refs) == 0 {
		t.Fatalf("no reference files found: %v", err)
	}
	for _, tier := range kernels.Tiers() {
		restore, err := kernels.Use(tier)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range refs {
			for _, threads := range []int{1, 2} {
				testFixture(t, tier, ref, threads)
			}
		}
		restore()
	}
}

// testFixture runs one reference file with the current tier and thread count.
func testFixture(t *testing.T, tier, ref string, threads int) {
	name := fmt.Sprintf("%s/%s/threads=%d", tier, filepath.Base(ref), threads)
	t.Run(name, func(t *testing.T) {
		in, err := Read(ref)
		if err != nil {
			t.Fatal(err)
		}
		e, err := inference.Load(strings.TrimSuffix(ref, ".ref.json")+".gguf", inference.Options{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		got, err := Run(context.Background(), e, in)
		if err != nil {
			t.Fatal(err)
		}
		rep := Check(in, got)
		t.Log(rep)
		if !rep.OK() {
			t.Fatal(rep)
		}
		if rep.Compared == 0 {
			t.Fatal("nothing was compared")
		}
	})
}

// The checker must reject results that break the rules; otherwise TestFixtures proves nothing.
func TestCheckRejects(t *testing.T) {
	ref, err := Read(filepath.Join(fixtures.Dir(t), "bitnet-tiny-tq2_0.ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	clone := func() *File {
		f, _ := Read(filepath.Join(fixtures.Dir(t), "bitnet-tiny-tq2_0.ref.json"))
		return f
	}
	if rep := Check(ref, clone()); !rep.OK() {
		t.Fatalf("reference against itself: %v", rep)
	}
	cases := map[string]func(f *File){
		"prompt ids": func(f *File) { f.Cases[0].PromptIDs[1]++ },
		"early logit": func(f *File) {
			for i := range f.Cases[1].TeacherForced[0] {
				f.Cases[1].TeacherForced[0][i].Logit += 0.05
			}
		},
		"late logit": func(f *File) {
			for i := range f.Cases[2].TeacherForced[12] {
				f.Cases[2].TeacherForced[12][i].Logit -= 0.5
			}
		},
		"greedy token": func(f *File) {
			// Change a token where the reference is decisive.
			c := &f.Cases[0]
			for j, st := range c.Steps {
				if st[0].Logit-st[1].Logit > 1 {
					c.GreedyIDs[j] = st[1].ID
					return
				}
			}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			got := clone()
			mutate(got)
			if rep := Check(ref, got); rep.OK() {
				t.Fatalf("mutation %q passed the check", name)
			}
		})
	}
}
