package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/node"
	"github.com/aria-node/aria/inference/fixtures"
)

// memoryRun runs `aria memory ARGS --data-dir DIR`.
func memoryRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return run(t, "", append(append([]string{"memory"}, args...), "--data-dir", dir)...)
}

// mustJSON runs a command that must succeed and decodes its standard output into v.
func mustJSON(t *testing.T, dir string, v any, args ...string) {
	t.Helper()
	code, out, errs := memoryRun(t, dir, args...)
	if code != 0 {
		t.Fatalf("memory %v: exit %d: %s", args, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("memory %v: %v in %q", args, err, out)
	}
}

func TestMemoryAddListSearchForget(t *testing.T) {
	dir := t.TempDir()
	// Reading commands on a fresh directory print nothing and create no file.
	var empty memoryList
	mustJSON(t, dir, &empty, "list", "--json")
	if empty.Data == nil || len(empty.Data) != 0 {
		t.Fatalf("list of no store: %+v", empty)
	}
	if _, err := os.Stat(filepath.Join(dir, node.MemoryFile)); !os.IsNotExist(err) {
		t.Fatalf("list created %s: %v", node.MemoryFile, err)
	}

	var bike, rule memory.Item
	mustJSON(t, dir, &bike, "add", "Maria repaired the bicycle in Lisbon last week.", "--json")
	mustJSON(t, dir, &rule, "add", "Answer in French.", "--kind", "procedural", "--pinned", "--json")
	code, out, errs := memoryRun(t, dir, "add", "Tom visited the dentist on Sunday.", "--kind", "episodic")
	if code != 0 || strings.TrimSpace(out) == "" || strings.ContainsAny(strings.TrimSpace(out), " \n{") {
		t.Fatalf("add without --json prints the id: exit %d %q %s", code, out, errs)
	}
	dentist := strings.TrimSpace(out)
	if bike.ID == "" || bike.Kind != memory.Semantic || bike.Importance != 0.5 || rule.Kind != memory.Procedural || !rule.Pinned {
		t.Fatalf("added: %+v %+v", bike, rule)
	}

	var all memoryList
	mustJSON(t, dir, &all, "list", "--json")
	if len(all.Data) != 3 || all.Data[0].ID != dentist { // newest first
		t.Fatalf("list: %+v", all.Data)
	}
	var procs memoryList
	mustJSON(t, dir, &procs, "list", "--kind", "procedural", "--json")
	if len(procs.Data) != 1 || procs.Data[0].ID != rule.ID {
		t.Fatalf("list --kind procedural: %+v", procs.Data)
	}
	var page memoryList
	mustJSON(t, dir, &page, "list", "--limit", "1", "--offset", "1", "--json")
	if len(page.Data) != 1 || page.Data[0].ID != all.Data[1].ID {
		t.Fatalf("list --limit 1 --offset 1: %+v", page.Data)
	}
	if code, out, _ := memoryRun(t, dir, "list"); code != 0 || !strings.Contains(out, "3 memories") || !strings.Contains(out, "pinned") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}

	var found memorySearch
	mustJSON(t, dir, &found, "search", "repairing bicycles", "-k", "2", "--json")
	if len(found.Data) == 0 || found.Data[0].ID != bike.ID || found.Data[0].Score <= 0 || found.Data[0].Why.BM25 <= 0 || found.Data[0].Why.Fused <= 0 {
		t.Fatalf("search: %+v", found.Data)
	}
	code, out, _ = memoryRun(t, dir, "search", "bicycles in Lisbon", "--why")
	if code != 0 || !strings.Contains(out, "TRIGRAM") || !strings.Contains(out, bike.ID) {
		t.Fatalf("search --why: exit %d\n%s", code, out)
	}

	var res forgetResult
	mustJSON(t, dir, &res, "forget", bike.ID, "--json")
	if len(res.Forgotten) != 1 || res.Forgotten[0] != bike.ID {
		t.Fatalf("forget: %+v", res)
	}
	mustJSON(t, dir, &found, "search", "repaired bicycle", "--json")
	for _, h := range found.Data {
		if h.ID == bike.ID {
			t.Fatalf("forgotten memory still found: %+v", h)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"forget", bike.ID}, 1, "not found"},
		{[]string{"forget", "--all"}, 2, "--yes"},
		{[]string{"forget", "a", "b"}, 2, "at most 1 arg"},
		{[]string{"forget"}, 2, "ID"},
		{[]string{"forget", rule.ID, "--all", "--yes"}, 2, "not both"},
		{[]string{"add", "x", "--kind", "dream"}, 2, "--kind"},
		{[]string{"add", "   "}, 2, "text"},
		{[]string{"list", "--kind", "dream"}, 2, "--kind"},
		{[]string{"search", "x", "-k", "0"}, 2, "-k"},
	} {
		code, _, errs := memoryRun(t, dir, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("memory %v: exit %d (want %d), stderr %q lacks %q", c.args, code, c.code, errs, c.want)
		}
	}
	if code, _, errs := memoryRun(t, dir, "forget", "--all", "--yes"); code != 0 {
		t.Fatalf("forget --all --yes: %s", errs)
	}
	mustJSON(t, dir, &all, "list", "--json")
	if len(all.Data) != 0 {
		t.Fatalf("after forget --all: %+v", all.Data)
	}
}

func TestMemoryRemind(t *testing.T) {
	dir := t.TempDir()
	// A fixed clock for the store, as `aria serve` takes it, so "tomorrow at 9am" is known.
	t.Setenv("ARIA_TEST_NOW", "2026-03-10T12:00:00Z")
	at := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		args  []string
		check func(prospect.Intention) bool
	}{
		{[]string{"--cue", "travel plans"}, func(it prospect.Intention) bool { return it.Cue == "travel plans" }},
		{[]string{"--at", "2026-04-01T08:00:00Z"}, func(it prospect.Intention) bool {
			return it.At.Equal(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
		}},
		{[]string{"--at", "tomorrow at 9am"}, func(it prospect.Intention) bool {
			return it.At.Truncate(time.Minute).Equal(at) // the test clock runs on from ARIA_TEST_NOW
		}},
		{[]string{"--event", "app-start"}, func(it prospect.Intention) bool { return it.Event == prospect.EventAppStart }},
		{[]string{"--event", "model-loaded"}, func(it prospect.Intention) bool { return it.Event == prospect.EventModelLoaded }},
		{[]string{"--event", "peer-joined"}, func(it prospect.Intention) bool { return it.Event == prospect.EventPeerJoined }},
		{[]string{"--after-turns", "3"}, func(it prospect.Intention) bool { return it.AfterTurns == 3 }},
	}
	var ids []string
	for i, c := range cases {
		var it prospect.Intention
		mustJSON(t, dir, &it, append([]string{"remind", "reminder " + string(rune('a'+i)), "--json"}, c.args...)...)
		if it.ID == "" || it.State != prospect.Pending || !c.check(it) {
			t.Fatalf("remind %v: %+v", c.args, it)
		}
		ids = append(ids, it.ID)
	}
	code, out, _ := memoryRun(t, dir, "remind", "plain output", "--cue", "garden plants")
	if code != 0 || len(strings.Fields(out)) != 1 {
		t.Fatalf("remind prints the id: exit %d %q", code, out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"remind", "x", "--at", "31 February"}, "--at:"},
		{[]string{"remind", "x", "--at", "next blursday"}, "--at:"},
		{[]string{"remind", "x", "--at", "2020-01-01"}, "--at:"},
		{[]string{"remind", "x", "--event", "lunch"}, "--event:"},
		{[]string{"remind", "x", "--after-turns", "0"}, "--after-turns"},
		{[]string{"remind", "x"}, "exactly one trigger"},
		{[]string{"remind", "x", "--cue", "a b", "--event", "app-start"}, "exactly one trigger"},
		{[]string{"remind", "--list", "--cue", "x"}, "only used with TEXT"},
		{[]string{"remind", "--done", ids[0], "--cancel", ids[1]}, "one of"},
	} {
		code, _, errs := memoryRun(t, dir, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("memory %v: exit %d, stderr %q (want exit 2 naming %q)", c.args, code, errs, c.want)
		}
	}
	if code, _, errs := memoryRun(t, dir, "remind", "--done", "nosuchid"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("--done unknown id: exit %d %q", code, errs)
	}

	var it prospect.Intention
	mustJSON(t, dir, &it, "remind", "--done", ids[0], "--json")
	if it.State != prospect.Done {
		t.Fatalf("--done: %+v", it)
	}
	mustJSON(t, dir, &it, "remind", "--cancel", ids[1], "--json")
	if it.State != prospect.Cancelled {
		t.Fatalf("--cancel: %+v", it)
	}
	var list intentionList
	mustJSON(t, dir, &list, "remind", "--list", "--json")
	if len(list.Data) != len(cases)+1 { // the bad ones stored nothing
		t.Fatalf("remind --list: %d intentions, want %d", len(list.Data), len(cases)+1)
	}
	states := map[string]prospect.State{}
	for _, it := range list.Data {
		states[it.ID] = it.State
	}
	if states[ids[0]] != prospect.Done || states[ids[1]] != prospect.Cancelled || states[ids[2]] != prospect.Pending {
		t.Fatalf("states: %v", states)
	}
	if code, out, _ := memoryRun(t, dir, "remind", "--list"); code != 0 || !strings.Contains(out, "event: peer-joined") || !strings.Contains(out, "cancelled") {
		t.Fatalf("remind --list: exit %d\n%s", code, out)
	}
}

func TestMemoryConsolidate(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := memoryRun(t, dir, "add", "My name is Ada and I live in Oslo.", "--kind", "episodic"); code != 0 {
		t.Fatal(errs)
	}
	var first, again struct {
		Episodes, Added, Superseded int
	}
	mustJSON(t, dir, &first, "consolidate", "--json")
	if first.Episodes != 1 || first.Added == 0 {
		t.Fatalf("consolidate: %+v", first)
	}
	mustJSON(t, dir, &again, "consolidate", "--json")
	if again.Episodes != 0 || again.Added != 0 || again.Superseded != 0 {
		t.Fatalf("a rerun changed something: %+v", again)
	}
	if code, out, _ := memoryRun(t, dir, "consolidate"); code != 0 || !strings.Contains(out, "0 facts added") {
		t.Fatalf("consolidate: exit %d %q", code, out)
	}
}

func TestMemoryExportImport(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for _, a := range [][]string{
		{"add", "Maria repaired the bicycle in Lisbon."},
		{"add", "Always answer in French.", "--kind", "procedural", "--pinned"},
		{"add", "We talked about \"quotes\", tabs\tand ünïcode.", "--kind", "episodic", "--importance", "0.9"},
	} {
		if code, _, errs := memoryRun(t, src, a...); code != 0 {
			t.Fatalf("%v: %s", a, errs)
		}
	}
	file := filepath.Join(t.TempDir(), "memory.jsonl")
	if code, _, errs := memoryRun(t, src, "export", file); code != 0 {
		t.Fatalf("export FILE: %s", errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := memoryRun(t, src, "export")
	if code != 0 || out != string(b) || strings.Count(out, "\n") != 3 {
		t.Fatalf("export to stdout differs from the file:\n%s\n%s", out, b)
	}
	var res importResult
	mustJSON(t, dst, &res, "import", file, "--json")
	if res.Imported != 3 {
		t.Fatalf("import: %+v", res)
	}
	var a, c memoryList
	mustJSON(t, src, &a, "list", "--json")
	mustJSON(t, dst, &c, "list", "--json")
	ja, _ := json.Marshal(a)
	jc, _ := json.Marshal(c)
	if string(ja) != string(jc) {
		t.Fatalf("imported items differ:\n%s\n%s", ja, jc)
	}
	// And the copy is searchable.
	var found memorySearch
	mustJSON(t, dst, &found, "search", "bicycle", "--json")
	if len(found.Data) == 0 || found.Data[0].ID != a.Data[len(a.Data)-1].ID {
		t.Fatalf("search in the imported copy: %+v", found.Data)
	}
	// Importing the same file again repeats IDs: refused, nothing added.
	if code, _, errs := memoryRun(t, dst, "import", file); code != 1 || !strings.Contains(errs, "line 1") {
		t.Fatalf("second import: exit %d %q", code, errs)
	}
}

func TestMemoryImportBrokenLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "broken.jsonl")
	lines := `{"text": "a good memory", "kind": "semantic"}
{"text": "another good one"}
{"text": "a fine line", "kind": "dream"}
{"text": "never stored"}
`
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := memoryRun(t, dir, "import", file)
	if code != 1 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "kind") {
		t.Fatalf("broken import: exit %d, stderr %q", code, errs)
	}
	os.WriteFile(file, []byte(`{"text": "fine"}`+"\n{not json\n"), 0o600)
	code, _, errs = memoryRun(t, dir, "import", file)
	if code != 1 || !strings.Contains(errs, "line 2") {
		t.Fatalf("import of a line that is not JSON: exit %d, stderr %q", code, errs)
	}
	var l memoryList
	mustJSON(t, dir, &l, "list", "--json", "--limit", "0")
	if len(l.Data) != 0 {
		t.Fatalf("a failed import stored %d memories", len(l.Data))
	}
	if code, _, errs := memoryRun(t, dir, "import", filepath.Join(dir, "nope.jsonl")); code != 1 || !strings.Contains(errs, "no such file") {
		t.Fatalf("import of a missing file: exit %d %q", code, errs)
	}
}

func TestMemoryEval(t *testing.T) {
	var rep evalOutput
	mustJSON(t, t.TempDir(), &rep, "eval", "--json")
	if !rep.Pass || rep.Memories < 500 || rep.Queries < 200 || len(rep.Types) != len(memory.QueryTypes) || len(rep.Goals) == 0 {
		t.Fatalf("eval: %+v", rep)
	}
	for _, g := range rep.Goals {
		if !g.Met {
			t.Errorf("goal missed: %+v", g)
		}
	}
	// The trigger goals are judged on the scorer the node fires topic intentions with.
	if tr := rep.Triggers; tr.Threshold != memory.MatchThreshold || tr.CueTurns == 0 || tr.Hit < 0.95 || tr.FalseTurn > 0.02 {
		t.Errorf("triggers: %+v, want the hybrid scorer at MatchThreshold %.3f", tr, memory.MatchThreshold)
	}
	if lx := rep.TriggersLexical; lx.Threshold != prospect.Threshold || lx.CueTurns != rep.Triggers.CueTurns {
		t.Errorf("lexical comparison: %+v", lx)
	}
	if code, out, errs := run(t, "", "memory", "eval"); code != 0 || !strings.Contains(out, "inflected") || !strings.Contains(out, "goals:") ||
		!strings.Contains(out, "hybrid scorer") || !strings.Contains(out, "LexicalScorer") {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
	}
	// A trigger figure under its goal fails the run.
	missed := rep.Triggers
	missed.Hit = 0.9
	if err := goalsError("memory eval", evalGoals(rep.EvalReport, missed)); err == nil || !strings.Contains(err.Error(), "triggers.hit_rate") {
		t.Errorf("a hit rate of 0.9: %v, want the goal triggers.hit_rate missed", err)
	}
}

// Bench with a small store and the tiny fixture model: the figures are printed; their ratio is
// the machine's business, so exit 1 (a goal missed) is accepted as long as it says which.
func TestMemoryBench(t *testing.T) {
	model := fixtures.Path(t, "bitnet-tiny-tq2_0.gguf")
	code, out, errs := run(t, "", "memory", "bench", "--n", "2000", "--model", model, "--tokens", "4", "--runs", "2", "--json", "-q")
	if code != 0 && (code != 1 || !strings.Contains(errs, "missed")) {
		t.Fatalf("bench: exit %d: %s", code, errs)
	}
	var o benchOutput
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatalf("bench output: %v\n%s", err, out)
	}
	if o.Retrieval.N != 2000 || o.RetrievalP50Ms <= 0 || o.RetrievalP99Ms < o.RetrievalP50Ms || o.DecodeMsPerToken <= 0 ||
		o.P99ToDecode <= 0 || o.IndexMiB <= 0 || o.Decode.Synthetic || o.Decode.Tokens != 4 || len(o.Decode.RunsMsPerToken) != 2 ||
		len(o.Goals) != 2 || o.Pass != (code == 0) {
		t.Fatalf("bench figures: %+v", o)
	}
	for _, key := range []string{"retrieval_p50_ms", "retrieval_p99_ms", "decode_ms_per_token", "p99_to_decode_ratio", "index_mib"} {
		if !strings.Contains(out, `"`+key+`"`) {
			t.Errorf("bench JSON lacks %q", key)
		}
	}
	if code, _, errs := run(t, "", "memory", "bench", "--n", "0"); code != 2 || !strings.Contains(errs, "--n") {
		t.Errorf("bench --n 0: exit %d %q", code, errs)
	}
}
