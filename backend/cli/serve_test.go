package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `aria serve` prints its address, answers OpenAI requests, refuses clients without the key
// off loopback, and exits 0 when stopped.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.gguf")
	if code, _, errOut := run(t, "", "synth", "--shape", "tiny", "--type", "tq2_0", "--out", model); code != 0 {
		t.Fatal(errOut)
	}
	for _, tc := range []struct {
		name, addr string
		auth       bool
	}{{"loopback", "127.0.0.1:0", false}, {"all interfaces", "0.0.0.0:0", true}} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(dir, tc.name)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan int, 1)
			go func() {
				done <- Main(ctx, []string{"serve", "--model", model, "--addr", tc.addr, "--data-dir", data}, IO{In: strings.NewReader(""), Out: pw, Err: io.Discard})
				pw.Close()
			}()
			sc := bufio.NewScanner(pr)
			var url, key string
			for sc.Scan() {
				line := sc.Text()
				if u, ok := strings.CutPrefix(line, "ARIA node listening on "); ok {
					url = strings.Replace(u, "0.0.0.0", "127.0.0.1", 1)
					if !tc.auth {
						break
					}
				}
				if k, ok := strings.CutPrefix(line, "API key (send as Authorization: Bearer KEY): "); ok {
					key = k
					break
				}
			}
			go io.Copy(io.Discard, pr)
			if url == "" || tc.auth != (key != "") {
				t.Fatalf("url %q key %q", url, key)
			}
			if tc.auth {
				stored, err := os.ReadFile(filepath.Join(data, "api-key"))
				if err != nil || strings.TrimSpace(string(stored)) != key {
					t.Fatalf("stored key %q, printed %q (%v)", stored, key, err)
				}
				if st, _ := os.Stat(filepath.Join(data, "api-key")); st.Mode().Perm() != 0o600 {
					t.Fatalf("key file mode %v", st.Mode())
				}
			}
			req, _ := http.NewRequest("POST", url+"/v1/chat/completions", strings.NewReader(`{"messages":[{"role":"user","content":"hi"}],"max_tokens":3}`))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := 200
			if tc.auth {
				want = 401
			}
			if resp.StatusCode != want {
				t.Fatalf("without key: %d, want %d", resp.StatusCode, want)
			}
			if tc.auth {
				req, _ = http.NewRequest("POST", url+"/v1/chat/completions", strings.NewReader(`{"messages":[{"role":"user","content":"hi"}],"max_tokens":3}`))
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err = http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var c struct {
					Usage struct {
						CompletionTokens int `json:"completion_tokens"`
					}
				}
				json.NewDecoder(resp.Body).Decode(&c)
				resp.Body.Close()
				if resp.StatusCode != 200 || c.Usage.CompletionTokens != 3 {
					t.Fatalf("with key: %d %+v", resp.StatusCode, c)
				}
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit code %d after stop", code)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

// A short API key is refused before anything starts: off loopback it is all that guards the
// node.
func TestServeRefusesShortKey(t *testing.T) {
	code, _, errs := run(t, "", "serve", "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--no-p2p", "--api-key", "short")
	if code != 2 || !strings.Contains(errs, "--api-key") || !strings.Contains(errs, "16") {
		t.Fatalf("serve --api-key short: exit %d: %s", code, errs)
	}
}
