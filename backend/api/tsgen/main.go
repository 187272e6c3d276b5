// Command tsgen writes the frontend's TypeScript types of the node's HTTP contract
// (frontend/src/api/generated.ts) from the Go types: the OpenAI responses and the app's
// answers (backend/api, backend/node), the event payloads (backend/events and the packages
// that publish their own types) and the types they hold.
//
// Run it from anywhere in the repository:
//
//	go run ./backend/api/tsgen        (or: go generate ./backend/api)
//
// Its test fails when the committed file differs from what it writes now.
//
// The mapping: a field's name is its JSON name; omitempty or omitzero makes it optional (?); a pointer
// without omitempty and a slice or a map that is not marked non-null may be null; []byte is
// a base64 string, time.Time a string, time.Duration a number of nanoseconds; named string
// types listed in enums are unions of their values, other named strings are strings.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/policy"
	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/backend/settings"
	"github.com/aria-node/aria/backend/update"
)

// Output is the generated file, relative to the repository's root.
const Output = "frontend/src/api/generated.ts"

// named is one contract type and its TypeScript name.
type named struct {
	ts  string
	typ reflect.Type
	doc string
}

func t[T any]() reflect.Type { return reflect.TypeFor[T]() }

// contract lists every struct type the generated file declares, in its order. A struct type
// reachable from one of them must be listed too (the generator refuses otherwise), except an
// embedded one, whose fields are inlined as encoding/json does.
var contract = []named{
	// /v1 (OpenAI)
	{"Model", t[api.Model](), "GET /v1/models/{id}; an entry of GET /v1/models"},
	{"ModelList", t[api.ModelList](), "GET /v1/models"},
	{"Usage", t[api.Usage](), ""},
	{"Logprobs", t[api.Logprobs](), "always null: ARIA computes no log probabilities"},
	{"Energy", t[api.Energy](), "the meter's figures for one request"},
	{"Aria", t[api.Aria](), `ARIA's extension of a completion ("aria")`},
	{"Audit", t[api.Audit](), "how much of the peers' work on a request was re-executed"},
	{"MemoryReport", t[api.MemoryReport](), `a memory chat's "aria.memory"`},
	{"UsedMemory", t[api.UsedMemory](), "a memory put into a turn's context"},
	{"FiredIntention", t[api.FiredIntention](), "an intention a turn fired"},
	{"ChatCompletionMessage", t[api.ChatMessage](), ""},
	{"ChatChoice", t[api.ChatChoice](), ""},
	{"ChatCompletion", t[api.ChatCompletion](), "POST /v1/chat/completions"},
	{"ChatDelta", t[api.ChatDelta](), ""},
	{"ChatChunkChoice", t[api.ChatChunkChoice](), ""},
	{"ChatCompletionChunk", t[api.ChatCompletionChunk](), "POST /v1/chat/completions with stream: one event"},
	{"CompletionChoice", t[api.CompletionChoice](), ""},
	{"Completion", t[api.Completion](), "POST /v1/completions"},
	{"CompletionChunkChoice", t[api.CompletionChunkChoice](), ""},
	{"CompletionChunk", t[api.CompletionChunk](), "POST /v1/completions with stream: one event"},
	{"ApiErrorObject", t[api.ErrorObject](), ""},
	{"ApiErrorBody", t[api.ErrorBody](), "every error of /v1 and /api"},

	// /api (the app)
	{"ModelStatus", t[api.ModelStatus](), ""},
	{"Status", t[api.Status](), "GET /api/status"},
	{"CatalogueEntry", t[api.CatalogueItem](), ""},
	{"LocalModel", t[api.LocalItem](), ""},
	{"ModelFile", t[library.Local](), "POST /api/models/import and /api/models/demo"},
	{"Progress", t[library.Progress](), `a download or an import; the "download" event`},
	{"ModelsResponse", t[api.ModelsAnswer](), "GET /api/models"},
	{"IDAnswer", t[api.IDAnswer](), "POST /api/models/download and /api/models/cancel"},
	{"NameAnswer", t[api.NameAnswer](), "DELETE /api/models/{name}"},
	{"LoadedModel", t[scheduler.ModelInfo](), "POST /api/models/load"},
	{"ModelCap", t[p2p.ModelCap](), ""},
	{"Capabilities", t[p2p.Capabilities](), ""},
	{"PeerInfo", t[p2p.PeerInfo](), ""},
	{"Policy", t[policy.Policy](), ""},
	{"ContributionStatus", t[policy.Status](), ""},
	{"NetworkInfo", t[api.NetworkInfo](), "GET /api/network"},
	{"Liar", t[api.Liar](), "evidence against a peer caught returning wrong work"},
	{"RouteAnswer", t[api.RouteAnswer](), "PUT /api/network"},
	{"PolicyResponse", t[api.PolicyState](), `GET and PUT /api/policy; the "policy" event`},
	{"Receipt", t[ledger.Receipt](), ""},
	{"LedgerEntry", t[ledger.Entry](), ""},
	{"LedgerList", t[api.LedgerList](), "GET /api/ledger"},
	{"LedgerSum", t[ledger.Totals](), "the sums of some ledger entries"},
	{"LedgerTotals", t[api.LedgerTotals](), "GET /api/ledger/totals"},
	{"LedgerChoices", t[api.LedgerChoices](), "GET /api/ledger/choices"},
	{"LedgerProblem", t[ledger.Problem](), ""},
	{"LedgerReport", t[ledger.Report](), ""},
	{"VerifyResponse", t[api.LedgerVerify](), "GET /api/ledger/verify and /api/ledger/{seq}/verify"},
	{"MemoryStatus", t[api.MemoryStatus](), "GET /api/memory/status"},
	{"ConversationSummary", t[api.ConversationSummary](), `a conversation in GET /api/conversations; PATCH /api/conversations/{id}; the "conversation" event`},
	{"ConversationList", t[api.ConversationList](), "GET /api/conversations"},
	{"ConversationMessage", t[api.ConversationMessage](), "a message of a saved conversation"},
	{"Conversation", t[api.Conversation](), "GET /api/conversations/{id}; the body and answer of POST /api/conversations; the JSON export"},
	{"ConversationPatch", t[api.ConversationPatch](), "the body of PATCH /api/conversations/{id}"},
	{"AppSettings", t[settings.Settings](), "the app's saved settings (settings.json)"},
	{"ApiListen", t[settings.API](), "where the API listens from the next start"},
	{"ServerState", t[api.ServerState](), "the API server as it runs now"},
	{"AutostartState", t[api.AutostartState](), ""},
	{"Release", t[update.Release](), "a release the signed feed describes"},
	{"UpdateState", t[update.State](), `the update check; the "update" event`},
	{"SettingsState", t[api.SettingsState](), `GET, PUT and PATCH /api/settings; the "settings" event`},
	{"APIKeyAnswer", t[api.APIKeyAnswer](), "POST /api/settings/api-key/regenerate"},

	// events (GET /api/events)
	{"TokenEvent", t[events.Token](), ""},
	{"TokenRateEvent", t[events.TokenRate](), ""},
	{"GenerationEvent", t[metrics.Report](), ""},
	{"MetricsEvent", t[metrics.Live](), ""},
	{"NodeEvent", t[events.Node](), ""},
	{"RouteHop", t[events.Hop](), ""},
	{"RouteEvent", t[events.Route](), ""},
	{"LedgerEvent", t[events.Ledger](), ""},
	{"LiarEvent", t[events.Liar](), ""},
	{"MemoryReembedEvent", t[events.Reembed](), `the memory's re-embedding after a model change; GET /api/memory/status's "reembed"`},
	{"ConversationDeletedEvent", t[api.ConversationDeleted](), "a conversation was deleted"},
}

// eventMap is the payload of each event type (EventMap in the generated file).
var eventMap = []struct {
	name string
	typ  reflect.Type
}{
	{events.TypeToken, t[events.Token]()},
	{events.TypeTokenRate, t[events.TokenRate]()},
	{events.TypeGeneration, t[metrics.Report]()},
	{events.TypeMetrics, t[metrics.Live]()},
	{events.TypeDownload, t[library.Progress]()},
	{events.TypeNode, t[events.Node]()},
	{events.TypePeers, t[[]p2p.PeerInfo]()},
	{events.TypePolicy, t[api.PolicyState]()},
	{events.TypeRoute, t[events.Route]()},
	{events.TypeLedger, t[events.Ledger]()},
	{events.TypeLiar, t[events.Liar]()},
	{events.TypeReembed, t[events.Reembed]()},
	{api.EventConversation, t[api.ConversationSummary]()},
	{api.EventConversationDeleted, t[api.ConversationDeleted]()},
	{api.EventSettings, t[api.SettingsState]()},
	{api.EventUpdate, t[update.State]()},
}

// enum is a union of string values: of a named Go string type, or of a field's values.
type enum struct {
	ts     string
	typ    reflect.Type // nil: used through fieldTypes only
	values []string
}

var enums = []enum{
	{"EnergyKind", t[metrics.Kind](), []string{string(metrics.Measured), string(metrics.Estimated)}},
	{"DownloadState", t[library.State](), []string{string(library.Queued), string(library.Downloading), string(library.Verifying),
		string(library.Done), string(library.Failed), string(library.Cancelled)}},
	{"LedgerKind", t[ledger.Kind](), []string{string(ledger.Local), string(ledger.Served), string(ledger.Hop), string(ledger.Remote)}},
	{"Route", nil, []string{route.Local, route.Remote, route.Pipeline}},
	{"ReembedState", nil, []string{events.ReembedRunning, events.ReembedDone, events.ReembedStopped}},
	{"ConversationRole", nil, []string{convo.RoleSystem, convo.RoleUser, convo.RoleAssistant}},
	{"RouteState", nil, []string{events.RouteRunning, events.RouteEnded}},
	{"PeerConnection", nil, []string{p2p.Direct, p2p.Relayed}},
	{"Theme", t[settings.Theme](), []string{string(settings.ThemeSystem), string(settings.ThemeLight), string(settings.ThemeDark)}},
	{"KeySource", nil, []string{api.KeyFromFile, api.KeyFromFlag, api.KeyNone}},
}

// fieldTypes gives plain string fields their union ("TSName.json_name" → TypeScript type).
var fieldTypes = map[string]string{
	"NetworkInfo.route":          "Route",
	"RouteAnswer.route":          "Route",
	"LedgerEntry.energy_label":   "EnergyKind",
	"LedgerEvent.kind":           "LedgerKind",
	"TokenRateEvent.energy_kind": "EnergyKind",
	"MemoryReembedEvent.state":   "ReembedState",
	"ConversationMessage.role":   "ConversationRole",
	"RouteEvent.state":           "RouteState",
	"PeerInfo.connection":        "PeerConnection",
	"ServerState.key_source":     "KeySource",
}

// nonNull are the slice fields the server never sends as null ("TSName.json_name").
var nonNull = map[string]bool{
	"ModelList.data":              true,
	"ChatCompletion.choices":      true,
	"ChatCompletionChunk.choices": true,
	"Completion.choices":          true,
	"CompletionChunk.choices":     true,
	"ModelsResponse.catalogue":    true,
	"ModelsResponse.local":        true,
	"ModelsResponse.downloads":    true,
	"LedgerList.entries":          true,
	"LedgerChoices.models":        true,
	"LedgerChoices.peers":         true,
	"ConversationList.data":       true,
	"Conversation.messages":       true,
	"NetworkInfo.last_hops":       true,
	"RouteEvent.hops":             true,
	"SettingsState.pending":       true,
}

type gen struct {
	names map[reflect.Type]string
	enums map[reflect.Type]string
	used  map[string]bool // fieldTypes and nonNull keys that matched a field
	errs  []error
}

// Generate returns the file's text.
func Generate() ([]byte, error) {
	g := &gen{names: map[reflect.Type]string{}, enums: map[reflect.Type]string{}, used: map[string]bool{}}
	seen := map[string]bool{}
	for _, c := range contract {
		if seen[c.ts] {
			return nil, fmt.Errorf("tsgen: %s is listed twice", c.ts)
		}
		seen[c.ts] = true
		g.names[c.typ] = c.ts
	}
	for _, e := range enums {
		if e.typ != nil {
			g.enums[e.typ] = e.ts
		}
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./backend/api/tsgen; DO NOT EDIT.\n")
	b.WriteString("// The node's HTTP contract, from the Go types (backend/api, backend/node, backend/events and\n")
	b.WriteString("// the types they hold). Change the Go types, then regenerate.\n")
	for _, e := range enums {
		q := make([]string, len(e.values))
		for i, v := range e.values {
			q[i] = fmt.Sprintf("'%s'", v)
		}
		fmt.Fprintf(&b, "\nexport type %s = %s;\n", e.ts, strings.Join(q, " | "))
	}
	for _, c := range contract {
		if c.typ.Kind() != reflect.Struct {
			return nil, fmt.Errorf("tsgen: %s (%v) is not a struct", c.ts, c.typ)
		}
		b.WriteString("\n")
		doc := c.typ.String()
		if c.doc != "" {
			doc += ": " + c.doc
		}
		fmt.Fprintf(&b, "/** %s */\n", doc)
		fields := g.fields(c.ts, c.typ, false)
		if len(fields) == 0 {
			fmt.Fprintf(&b, "export type %s = Record<string, never>;\n", c.ts)
			continue
		}
		fmt.Fprintf(&b, "export interface %s {\n", c.ts)
		for _, f := range fields {
			fmt.Fprintf(&b, "  %s;\n", f)
		}
		b.WriteString("}\n")
	}
	b.WriteString("\n/** The payload of each event type of GET /api/events. */\nexport interface EventMap {\n")
	for _, e := range eventMap {
		fmt.Fprintf(&b, "  %s: %s;\n", e.name, g.tsType(e.typ, "EventMap."+e.name, false))
	}
	b.WriteString("}\n")
	for _, m := range []map[string]string{fieldTypes, keys(nonNull)} {
		for k := range m {
			if !g.used[k] {
				g.errs = append(g.errs, fmt.Errorf("tsgen: %s matches no field", k))
			}
		}
	}
	if len(g.errs) > 0 {
		sort.Slice(g.errs, func(i, j int) bool { return g.errs[i].Error() < g.errs[j].Error() })
		return nil, errors.Join(g.errs...)
	}
	return b.Bytes(), nil
}

func keys(m map[string]bool) map[string]string {
	out := map[string]string{}
	for k := range m {
		out[k] = ""
	}
	return out
}

// fields are the TypeScript members of struct st (optional all: an embedded pointer's).
func (g *gen) fields(owner string, st reflect.Type, optional bool) []string {
	var out []string
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			ptr := ft.Kind() == reflect.Pointer
			if ptr {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, g.fields(owner, ft, optional || ptr)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		key := owner + "." + name
		omit := optional || strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		var ts string
		if o, ok := fieldTypes[key]; ok {
			g.used[key] = true
			if ft.Kind() != reflect.String {
				g.errs = append(g.errs, fmt.Errorf("tsgen: %s is overridden but is not a string", key))
			}
			ts = o
		} else {
			nn := omit || nonNull[key]
			if nonNull[key] {
				g.used[key] = true
			}
			ts = g.tsType(ft, key, nn)
		}
		q := ""
		if omit {
			q = "?"
			ts = strings.TrimSuffix(ts, " | null")
		}
		out = append(out, fmt.Sprintf("%s%s: %s", tsName(name), q, ts))
	}
	return out
}

func tsName(n string) string {
	for _, r := range n {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Sprintf("'%s'", n)
		}
	}
	return n
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// tsType is the TypeScript type of a value of Go type x at key; nonNull: a nil slice or map
// never reaches the wire there.
func (g *gen) tsType(x reflect.Type, key string, nonNull bool) string {
	if n, ok := g.names[x]; ok {
		return n
	}
	if n, ok := g.enums[x]; ok {
		return n
	}
	switch {
	case x == timeType:
		return "string"
	case x == durationType:
		return "number"
	case x.Kind() == reflect.Slice && x.Elem().Kind() == reflect.Uint8:
		return "string" // base64
	}
	switch x.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Pointer:
		return g.tsType(x.Elem(), key, true) + " | null"
	case reflect.Slice, reflect.Array:
		el := g.tsType(x.Elem(), key+"[]", true)
		if strings.Contains(el, " ") {
			el = "(" + el + ")"
		}
		if nonNull || x.Kind() == reflect.Array {
			return el + "[]"
		}
		return el + "[] | null"
	case reflect.Map:
		r := fmt.Sprintf("Record<%s, %s>", g.tsType(x.Key(), key, true), g.tsType(x.Elem(), key+"{}", true))
		if nonNull {
			return r
		}
		return r + " | null"
	case reflect.Interface:
		return "unknown"
	case reflect.Struct:
		if x.Name() == "" {
			return "{ " + strings.Join(g.fields(key, x, false), "; ") + " }"
		}
		g.errs = append(g.errs, fmt.Errorf("tsgen: %s (at %s) is not in the contract list", x, key))
		return "unknown"
	}
	g.errs = append(g.errs, fmt.Errorf("tsgen: %s (at %s) has no TypeScript type", x, key))
	return "unknown"
}

// root is the repository's root: the directory of go.mod, from the working directory up.
func root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = up
	}
}

func main() {
	out := flag.String("o", "", "output file (default: "+Output+" in the repository)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out string) error {
	if out == "" {
		r, err := root()
		if err != nil {
			return fmt.Errorf("tsgen: find the repository: %w", err)
		}
		out = filepath.Join(r, Output)
	}
	b, err := Generate()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("tsgen: write the types: %w", err)
	}
	return nil
}
