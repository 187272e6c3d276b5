package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/aria-node/aria/backend/memory/prospect"
)

func intentionsServer(t *testing.T) string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "memory.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	book, err := prospect.Open(context.Background(), db, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	in := &Intentions{Book: book, Clock: func() time.Time { return now }}
	ts := httptest.NewServer(New(Options{Mounts: in.Mounts()}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func do(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// The intentions endpoints as the issue names them: 201 with a string id and "pending", the
// list, a state change, 204 on delete, and a 400 naming the field for bad input (nothing stored).
func TestIntentionsEndpoints(t *testing.T) {
	url := intentionsServer(t)
	code, b := do(t, "POST", url+"/api/intentions", `{"text":"Ask how the trip went","cue":"travel plans"}`)
	var it struct {
		ID, State, Cue string
		At             time.Time
	}
	if err := json.Unmarshal(b, &it); code != 201 || err != nil || it.ID == "" || it.State != "pending" || it.Cue != "travel plans" {
		t.Fatalf("%d %s", code, b)
	}
	code, b = do(t, "POST", url+"/api/intentions", `{"text":"Call the bank","at":"tomorrow at 9am"}`)
	if err := json.Unmarshal(b, &it); code != 201 || err != nil || !it.At.Equal(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("%d %s: want tomorrow 09:00", code, b)
	}
	for _, tc := range []struct{ body, param string }{
		{`{"text":"two triggers","cue":"a","event":"app-start"}`, "event"},
		{`{"text":"no trigger"}`, "trigger"},
		{`{"text":"bad date","at":"the thirty-first of Februember"}`, "at"},
		{`{"text":"","cue":"x"}`, "text"},
		{`{"text":"x","event":"lunch"}`, "event"},
	} {
		code, b := do(t, "POST", url+"/api/intentions", tc.body)
		var e ErrorBody
		_ = json.Unmarshal(b, &e)
		if code != 400 || e.Error.Param == nil || *e.Error.Param != tc.param {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.body, code, b, tc.param)
		}
	}
	code, b = do(t, "GET", url+"/api/intentions", "")
	var list IntentionList
	if err := json.Unmarshal(b, &list); code != 200 || err != nil || len(list.Data) != 2 {
		t.Fatalf("list %d %s: want the 2 stored, nothing of the bad ones", code, b)
	}
	id := list.Data[0].ID
	if code, b = do(t, "PATCH", url+"/api/intentions/"+id, `{"state":"snoozed","until":"2026-12-09T10:00:00Z"}`); code != 200 || !strings.Contains(string(b), `"snoozed"`) {
		t.Fatalf("snooze: %d %s", code, b)
	}
	if code, _ = do(t, "DELETE", url+"/api/intentions/"+id, ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ = do(t, "DELETE", url+"/api/intentions/"+id, ""); code != 404 {
		t.Fatalf("delete again: %d, want 404", code)
	}
}
