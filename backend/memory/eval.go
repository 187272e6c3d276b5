package memory

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"time"
)

// Query types of the evaluation set.
const (
	QExact     = "exact"     // the target's words as written
	QInflected = "inflected" // other inflections of the same words ("travelled" for "travels")
	QTypo      = "typo"      // one edit in a word (two words for a third of the queries)
	QPartial   = "partial"   // leading parts of the words ("deco wardr")
	QSynonym   = "synonym"   // the object named by a synonym from the built-in table
)

// QueryTypes in report order.
var QueryTypes = []string{QExact, QInflected, QTypo, QPartial, QSynonym}

// EvalQuery is a labelled query: Target is the index in the set's items of its one relevant
// memory.
type EvalQuery struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Target int    `json:"target"`
}

// evalVerbs: every form of a line shares its Porter stem (EvalSet drops a form that does not).
var evalVerbs = []string{
	"paint paints painted painting", "clean cleans cleaned cleaning", "fix fixes fixed fixing",
	"visit visits visited visiting", "watch watches watched watching", "repair repairs repaired repairing",
	"borrow borrows borrowed borrowing", "collect collects collected collecting",
	"deliver delivers delivered delivering", "discuss discusses discussed discussing",
	"enjoy enjoys enjoyed enjoying", "order orders ordered ordering", "plant plants planted planting",
	"record records recorded recording", "rent rents rented renting", "wash washes washed washing",
	"polish polishes polished polishing", "inspect inspects inspected inspecting",
	"measure measures measured measuring", "decorate decorates decorated decorating",
	"rehearse rehearses rehearsed rehearsing", "review reviews reviewed reviewing",
	"sketch sketches sketched sketching", "study studies studied studying",
	"photograph photographs photographed photographing", "organise organises organised organising",
	"insure insures insured insuring", "cook cooks cooked cooking", "travel travels travelled travelling",
	"park parks parked parking", "pack packs packed packing", "recommend recommends recommended recommending",
	"mention mentions mentioned mentioning", "return returns returned returning",
}

// evalNouns: singular, plural, a synonym from synonymTable.
var evalNouns = []string{
	"bicycle bicycles bike", "apartment apartments flat", "holiday holidays vacation", "lawyer lawyers attorney",
	"doctor doctors physician", "sweater sweaters jumper", "biscuit biscuits cookie", "lorry lorries truck",
	"cellphone cellphones smartphone", "eraser erasers rubber", "flashlight flashlights torch",
	"highway highways motorway", "sidewalk sidewalks pavement", "elevator elevators lift", "candy candies sweets",
	"eggplant eggplants aubergine", "zucchini zucchinis courgette", "dinner dinners supper",
	"medicine medicines medication", "illness illnesses sickness", "jacket jackets coat", "photo photos picture",
	"journey journeys voyage", "novel novels book", "guitar guitars ukulele", "teacher teachers tutor",
	"garden gardens yard", "notebook notebooks laptop", "television televisions telly", "fridge fridges refrigerator",
	"cooker cookers stove", "parcel parcels package", "timetable timetables schedule",
	"appointment appointments meeting", "salary salaries wage", "luggage luggage baggage",
	"pharmacy pharmacies drugstore", "wallet wallets billfold", "cupboard cupboards wardrobe",
	"grandmother grandmothers granny", "airplane airplanes aircraft", "cinema cinemas theatre",
	"allergy allergies intolerance", "dentist dentists orthodontist", "coffee coffees espresso",
	"kitchen kitchens galley", "stone stones pebble", "gift gifts present", "ocean oceans sea",
	"trousers trousers pants", "soccer soccer football", "petrol petrol gasoline",
}

var evalNames = strings.Fields(`Maria Tom Anna Ravi Chen Fatima Lucas Sofia Kenji Amara Oliver Ines Pavel Leila
	Diego Hannah Yusuf Mei Jonas Clara Omar Priya Felix Nora Mateo Zara Elif Hugo Alice Samir`)

var evalPlaces = strings.Fields(`Lisbon Porto Kyoto Nairobi Oslo Lima Dublin Krakow Hanoi Quito Tunis Riga Bergen
	Seville Utrecht Tartu Ghent Lyon Bilbao Cusco Split Sapporo Tbilisi Zagreb Accra Leeds Malmo Graz Turin Bruges`)

var evalTimes = []string{"last week", "on Sunday", "in March", "yesterday", "every spring", "twice a month",
	"before the holidays", "after work", "this morning", "in the summer", "on weekends", "last year"}

var evalTemplates = []string{
	"%[1]s %[2]s the %[3]s in %[4]s %[5]s.",
	"%[5]s, %[1]s %[2]s the %[3]s near %[4]s.",
	"%[1]s said they %[2]s the %[3]s at the place in %[4]s %[5]s.",
	"Note: %[1]s %[2]s the %[3]s while staying in %[4]s %[5]s.",
}

// EvalSet builds the labelled set: n memories (at least 500 are needed for Eval's figures),
// each naming a person doing something to a thing, somewhere, sometime, where no two
// memories share both the verb and the thing; and perType queries of each type, each
// targeting one memory by its verb and its thing. Deterministic for a seed.
func EvalSet(seed int64, n, perType int) ([]Item, []EvalQuery) {
	r := rand.New(rand.NewSource(seed))
	verbs := formsOf(evalVerbs, false)
	nouns := formsOf(evalNouns, true)
	type pick struct{ v, vf, o, of int }
	var picks []pick
	used := map[[2]int]bool{}
	for len(picks) < n && len(used) < len(verbs)*len(nouns) {
		v, o := r.Intn(len(verbs)), r.Intn(len(nouns))
		if used[[2]int{v, o}] {
			continue
		}
		used[[2]int{v, o}] = true
		picks = append(picks, pick{v, r.Intn(len(verbs[v])), o, r.Intn(len(nouns[o]) - 1)})
	}
	items := make([]Item, len(picks))
	for i, p := range picks {
		tpl := evalTemplates[r.Intn(len(evalTemplates))]
		text := fmt.Sprintf(tpl, evalNames[r.Intn(len(evalNames))], verbs[p.v][p.vf], nouns[p.o][p.of],
			evalPlaces[r.Intn(len(evalPlaces))], evalTimes[r.Intn(len(evalTimes))])
		items[i] = Item{
			Text:       strings.ToUpper(text[:1]) + text[1:],
			Kind:       []Kind{Episodic, Semantic, Semantic}[r.Intn(3)],
			Source:     "eval",
			Importance: float64(r.Intn(11)) / 10,
		}
	}
	var qs []EvalQuery
	for _, typ := range QueryTypes {
		for j := 0; j < perType && len(picks) > 0; j++ {
			t := r.Intn(len(picks))
			p := picks[t]
			verb, noun := verbs[p.v][p.vf], nouns[p.o][p.of]
			var q string
			switch typ {
			case QExact:
				q = verb + " " + noun
			case QInflected:
				vf := (p.vf + 1 + r.Intn(len(verbs[p.v])-1)) % len(verbs[p.v])
				of := 1 - p.of
				if nouns[p.o][of] == noun {
					of = p.of
				}
				q = verbs[p.v][vf] + " " + nouns[p.o][of]
			case QTypo:
				if r.Intn(3) == 0 {
					verb = typo(r, verb)
				}
				q = verb + " " + typo(r, noun)
			case QPartial:
				q = prefix(verb) + " " + prefix(noun)
			case QSynonym:
				q = verb + " " + nouns[p.o][len(nouns[p.o])-1]
			}
			qs = append(qs, EvalQuery{Type: typ, Text: q, Target: t})
		}
	}
	return items, qs
}

// formsOf splits each line into forms and keeps those that stem like the first (the synonym,
// last on a noun line, is kept as it is).
func formsOf(lines []string, noun bool) [][]string {
	out := make([][]string, 0, len(lines))
	for _, l := range lines {
		f := strings.Fields(l)
		keep := []string{f[0]}
		last := len(f)
		if noun { // singular plural synonym
			last = 2
		}
		for _, w := range f[1:last] {
			if Stem(w) == Stem(f[0]) {
				keep = append(keep, w)
			}
		}
		if last == 2 {
			if len(keep) == 1 {
				keep = append(keep, f[0])
			}
			keep = append(keep, f[2])
		}
		out = append(out, keep)
	}
	return out
}

// typo makes one edit inside w (never its first letter): swap two letters, drop one, or
// replace one.
func typo(r *rand.Rand, w string) string {
	b := []byte(w)
	if len(b) < 4 {
		return w
	}
	i := 1 + r.Intn(len(b)-2)
	switch r.Intn(3) {
	case 0:
		if b[i] == b[i+1] {
			return string(b[:i]) + string(b[i+1:])
		}
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	case 1:
		return string(b[:i]) + string(b[i+1:])
	default:
		c := byte('a' + r.Intn(26))
		for c == b[i] {
			c = byte('a' + r.Intn(26))
		}
		b[i] = c
		return string(b)
	}
}

// prefix is the leading three fifths of w, at least four letters.
func prefix(w string) string {
	n := max(4, (len(w)*3+4)/5)
	return w[:min(n, len(w))]
}

// ArmScores are one figure per retrieval arm and for the fused ranking.
type ArmScores struct {
	BM25    float64 `json:"bm25"`
	Trigram float64 `json:"trigram"`
	Vector  float64 `json:"vector"`
	Fused   float64 `json:"fused"`
}

// TypeReport is the evaluation of one query type.
type TypeReport struct {
	Type      string    `json:"type"`
	Queries   int       `json:"queries"`
	RecallAt5 ArmScores `json:"recall_at_5"`
	MRR       ArmScores `json:"mrr"`
}

// EvalReport is what Eval measures: recall@5 and MRR (over the first 50 results) for each
// query type and over all queries, for each arm alone and fused (Search as chat uses it,
// rescoring included).
type EvalReport struct {
	Space     string       `json:"space"`
	Memories  int          `json:"memories"`
	Queries   int          `json:"queries"`
	Types     []TypeReport `json:"types"`
	RecallAt5 ArmScores    `json:"recall_at_5"`
	MRR       ArmScores    `json:"mrr"`
	Seconds   float64      `json:"seconds"`
}

// Type returns the report of one query type.
func (r EvalReport) Type(typ string) TypeReport {
	for _, t := range r.Types {
		if t.Type == typ {
			return t
		}
	}
	return TypeReport{Type: typ}
}

// Eval loads the labelled set (EvalSet with seed 14: 520 memories, 50 queries of each type)
// into st, which must be empty (use a scratch directory, never the user's memory), and
// measures retrieval on it. Item times are spread over the last 90 days by st's clock.
func Eval(ctx context.Context, st *Store) (EvalReport, error) {
	start := time.Now()
	var n int
	if err := st.db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&n); err != nil {
		return EvalReport{}, fmt.Errorf("eval: %w", err)
	}
	if n != 0 {
		return EvalReport{}, fmt.Errorf("eval: the store holds %d memories; evaluate on an empty scratch store", n)
	}
	items, qs := EvalSet(14, 520, 50)
	now := st.now()
	r := rand.New(rand.NewSource(15))
	for i := range items {
		if err := normalise(&items[i], now.Add(-time.Duration(r.Int63n(int64(90*24*time.Hour))))); err != nil {
			return EvalReport{}, fmt.Errorf("eval: item %d: %w", i, err)
		}
		items[i].ID = fmt.Sprintf("eval%04d", i)
	}
	if err := st.addMany(ctx, items, nil); err != nil {
		return EvalReport{}, fmt.Errorf("eval: %w", err)
	}
	rep := EvalReport{Space: st.emb.Space(), Memories: len(items), Queries: len(qs)}
	byType := map[string]*TypeReport{}
	for _, typ := range QueryTypes {
		byType[typ] = &TypeReport{Type: typ}
	}
	type run struct {
		use     arms
		rescore bool
		recall  func(*ArmScores) *float64
	}
	runs := []run{
		{useBM25, false, func(a *ArmScores) *float64 { return &a.BM25 }},
		{useTrigram, false, func(a *ArmScores) *float64 { return &a.Trigram }},
		{useVector, false, func(a *ArmScores) *float64 { return &a.Vector }},
		{allArms, true, func(a *ArmScores) *float64 { return &a.Fused }},
	}
	for _, q := range qs {
		tr := byType[q.Type]
		tr.Queries++
		for _, ru := range runs {
			hits, err := st.search(ctx, q.Text, 50, Filter{}, ru.use, ru.rescore)
			if err != nil {
				return EvalReport{}, fmt.Errorf("eval: query %q: %w", q.Text, err)
			}
			rank := 0
			for i, h := range hits {
				if h.ID == items[q.Target].ID {
					rank = i + 1
					break
				}
			}
			if rank > 0 {
				*ru.recall(&tr.MRR) += 1 / float64(rank)
				*ru.recall(&rep.MRR) += 1 / float64(rank)
				if rank <= 5 {
					*ru.recall(&tr.RecallAt5)++
					*ru.recall(&rep.RecallAt5)++
				}
			}
		}
	}
	div := func(a *ArmScores, n int) {
		if n == 0 {
			return
		}
		f := float64(n)
		a.BM25, a.Trigram, a.Vector, a.Fused = a.BM25/f, a.Trigram/f, a.Vector/f, a.Fused/f
	}
	for _, typ := range QueryTypes {
		tr := byType[typ]
		div(&tr.RecallAt5, tr.Queries)
		div(&tr.MRR, tr.Queries)
		rep.Types = append(rep.Types, *tr)
	}
	div(&rep.RecallAt5, len(qs))
	div(&rep.MRR, len(qs))
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}
