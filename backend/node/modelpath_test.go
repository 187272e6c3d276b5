package node

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// modelsAnswer is what GET /api/models says of the local models.
type modelsAnswer struct {
	Local []struct {
		Name   string `json:"name"`
		Loaded bool   `json:"loaded"`
		ByPath bool   `json:"by_path"`
	} `json:"local"`
}

// A node started with a model given by path, outside its models directory (serve --model FILE):
// GET /api/models lists it as loaded and given by path (the window's model picker and Models page
// read that list), GET /api/status names it, /v1/models lists it; after another model is loaded
// it is still listed, loads again by name, and cannot be deleted through the app.
func TestModelGivenByPathIsListed(t *testing.T) {
	mp := filepath.Join(t.TempDir(), "my-bitnet.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), Model: mp, Addr: "127.0.0.1:0", Threads: 1,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	local := func() map[string][2]bool {
		var ms modelsAnswer
		getJSON(t, n.URL()+"/api/models", &ms)
		out := map[string][2]bool{}
		for _, l := range ms.Local {
			out[l.Name] = [2]bool{l.Loaded, l.ByPath}
		}
		return out
	}
	if got := local(); len(got) != 1 || got["my-bitnet"] != [2]bool{true, true} {
		t.Fatalf("GET /api/models local %v, want my-bitnet loaded and by path", got)
	}
	var st struct {
		Model *struct {
			ID   string `json:"id"`
			Path string `json:"path"`
		} `json:"model"`
	}
	getJSON(t, n.URL()+"/api/status", &st)
	if st.Model == nil || st.Model.ID != "my-bitnet" || st.Model.Path != mp {
		t.Fatalf("GET /api/status model %+v", st.Model)
	}
	var v1 struct{ Data []struct{ ID string } }
	getJSON(t, n.URL()+"/v1/models", &v1)
	if len(v1.Data) != 1 || v1.Data[0].ID != "my-bitnet" {
		t.Fatalf("GET /v1/models %+v", v1)
	}

	postJSON(t, n.URL()+"/api/models/demo", `{}`, 200)
	if got := local(); len(got) != 2 || got["my-bitnet"] != [2]bool{false, true} || got["aria-demo-random-tq2_0"] != [2]bool{true, false} {
		t.Fatalf("after loading the demo: %v", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, n.URL()+"/api/models/my-bitnet", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("DELETE of the model given by path: %d, want 409", resp.StatusCode)
	}
	postJSON(t, n.URL()+"/api/models/load", `{"name":"my-bitnet"}`, 200)
	if got := local(); got["my-bitnet"] != [2]bool{true, true} {
		t.Fatalf("after loading it again by name: %v", got)
	}
}
