package events

import (
	"encoding/json"
	"testing"
)

// The payloads replaced maps: their JSON must stay what the maps gave.
func TestPayloadsAsTheMapsWere(t *testing.T) {
	two := 2
	for _, tc := range []struct {
		p    Payload
		typ  string
		was  any
		want string
	}{
		{Token{ID: "a", Text: "x"}, TypeToken, map[string]string{"id": "a", "text": "x"}, ""},
		{TokenRate{ID: "a", TokensPerS: 1.5, MJPerToken: 2, EnergyKind: "estimated"}, TypeTokenRate,
			map[string]any{"id": "a", "tokens_per_s": 1.5, "mj_per_token": 2.0, "energy_kind": "estimated"}, ""},
		{Node{State: "ready", Model: "m"}, TypeNode, map[string]string{"state": "ready", "model": "m"}, ""},
		{Ledger{RequestID: "r", Kind: "hop"}, TypeLedger, map[string]any{"request_id": "r", "kind": "hop"}, ""},
		{Route{RequestID: "r", Route: "local[0,4)", State: RouteEnded, Failovers: two,
			Hops: []Hop{{Hop: "local[0,4)", Steps: 3, Tokens: 2, LastMs: 1.5, Peer: LocalHop, From: 0, To: 4, Ms: 1.25}}}, TypeRoute, nil,
			`{"failovers":2,"hops":[{"hop":"local[0,4)","steps":3,"tokens":2,"last_ms":1.5,"peer":"local","from":0,"to":4,"ms":1.25}],` +
				`"request_id":"r","route":"local[0,4)","state":"ended"}`},
	} {
		if tc.p.EventType() != tc.typ {
			t.Errorf("%T: type %q, want %q", tc.p, tc.p.EventType(), tc.typ)
		}
		got, err := json.Marshal(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		want := tc.want
		if tc.was != nil {
			b, _ := json.Marshal(tc.was)
			want = string(b)
		}
		if string(got) != want {
			t.Errorf("%T: %s, want %s", tc.p, got, want)
		}
	}
}
