package memory

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Embedder turns texts into vectors of one space; vectors of different spaces are never compared.
type Embedder interface {
	Space() string // e.g. "lexical/v1/512", "model/<sha256>/<layer>/<template hash>"
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error) // normalised
}

// LexicalDim is the lexical embedder's dimension.
const LexicalDim = 512

// Feature weights of the lexical embedder: a word counts most, its character trigrams together
// about as much as a word (so a typo keeps most of the similarity), a pair of adjacent words
// less (order matters a little).
const (
	wWord    = 1.0
	wPair    = 0.25
	wTrigram = 1.5
)

type lexical struct{ syn synonyms }

// NewLexical returns the model-independent embedder: signed feature hashing of Porter-stemmed
// words (synonyms mapped to one group), adjacent word pairs and character trigrams, L2-normalised.
// Deterministic; a few microseconds a text.
func NewLexical() Embedder { return lexical{syn: newSynonyms()} }

func (lexical) Space() string { return fmt.Sprintf("lexical/v1/%d", LexicalDim) }
func (lexical) Dim() int      { return LexicalDim }

func (l lexical) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("lexical embed: %w", err)
			}
		}
		out[i] = l.embed(t)
	}
	return out, nil
}

func (l lexical) embed(text string) []float32 {
	v := make([]float32, LexicalDim)
	words := contentWords(words(text))
	prev := ""
	for _, w := range words {
		g := l.syn.group(Stem(w))
		addFeature(v, "w:"+g, wWord)
		if prev != "" {
			addFeature(v, "p:"+prev+" "+g, wPair)
		}
		prev = g
		tg := trigrams(w)
		if len(tg) > 0 {
			wt := float32(wTrigram / math.Sqrt(float64(len(tg))))
			for _, t := range tg {
				addFeature(v, "t:"+t, wt)
			}
		}
	}
	normalize(v)
	return v
}

// addFeature adds w at the feature's hashed index with the hash's sign, so that collisions
// cancel on average instead of adding up.
func addFeature(v []float32, f string, w float32) {
	h := fnv.New64a()
	h.Write([]byte(f))
	x := h.Sum64()
	i := int(x % uint64(len(v)))
	if x>>63 == 1 {
		w = -w
	}
	v[i] += w
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// words splits text into lower-case words of letters and digits (an apostrophe inside a word
// ends it: "user's" gives "user" and "s").
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// contentWords drops stop words, unless nothing else is left.
func contentWords(ws []string) []string {
	out := ws[:0:0]
	for _, w := range ws {
		if !stopWords[w] && len(w) > 1 {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return ws
	}
	return out
}

// trigrams of a word with boundary marks, so that "cat" gives "^ca", "cat", "at$".
func trigrams(w string) []string {
	r := []rune("^" + w + "$")
	if len(r) < 3 {
		return nil
	}
	out := make([]string, 0, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, string(r[i:i+3]))
	}
	return out
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be been but by can could did do does for from had has
		have he her hers him his how i if in into is it its me my no not of on or our ours she so than that the
		their them then there these they this to too us was we were what when where which who whom why will with
		would you your yours s t about also just am any all`) {
		m[w] = true
	}
	return m
}()

// synonyms maps a word's stem to its group's name (the stem of the group's first word), so
// that the lexical arms treat "car" and "automobile" alike. The table is small and general;
// a model embedder finds synonyms without it.
type synonyms struct {
	group_  map[string]string   // stem → group name
	members map[string][]string // group name → the group's words
}

func newSynonyms() synonyms {
	s := synonyms{group_: map[string]string{}, members: map[string][]string{}}
	for _, line := range synonymTable {
		ws := strings.Fields(line)
		name := Stem(ws[0])
		for _, w := range ws {
			st := Stem(w)
			if _, ok := s.group_[st]; ok {
				continue // first group wins
			}
			s.group_[st] = name
			s.members[name] = append(s.members[name], w)
		}
	}
	return s
}

func (s synonyms) group(stem string) string {
	if g, ok := s.group_[stem]; ok {
		return g
	}
	return stem
}

// alternatives are the other words of w's group (nil when w has none).
func (s synonyms) alternatives(w string) []string {
	g, ok := s.group_[Stem(w)]
	if !ok {
		return nil
	}
	var out []string
	for _, m := range s.members[g] {
		if m != w {
			out = append(out, m)
		}
	}
	return out
}

// synonymTable: one group a line, words that mean the same in everyday speech (British and
// American spellings and words included).
var synonymTable = []string{
	"car automobile", "film movie", "sofa couch settee", "holiday vacation", "lawyer attorney",
	"apartment flat", "bicycle bike", "child kid", "shop store", "doctor physician",
	"sweater jumper pullover", "trousers pants", "biscuit cookie", "lorry truck", "rubbish garbage trash",
	"cellphone mobile smartphone", "eraser rubber", "flashlight torch", "highway motorway freeway",
	"petrol gasoline", "sidewalk pavement", "elevator lift", "candy sweets", "soccer football",
	"eggplant aubergine", "zucchini courgette", "cilantro coriander", "boat ship vessel", "gift present",
	"dinner supper", "exam examination", "medicine medication", "illness sickness disease", "job occupation profession",
	"house home residence", "hat cap", "stone rock pebble", "path trail track", "ocean sea",
	"jacket coat", "photo photograph picture", "journey trip voyage", "novel book", "song tune",
	"dog puppy hound", "cat kitten", "physician medic", "purchase buy", "begin start commence",
	"finish complete", "help assist", "fix repair mend", "build construct", "choose select pick",
	"talk speak", "big large huge", "small little tiny", "quick fast rapid", "happy glad cheerful",
	"sad unhappy", "angry furious mad", "buddy friend pal", "wife spouse",
	"teacher tutor instructor", "garden yard", "notebook laptop", "television tv telly",
	"fridge refrigerator", "cooker stove oven", "postman mailman", "post mail", "parcel package",
	"tap faucet", "underground subway metro", "nappy diaper", "chips fries",
	"timetable schedule", "appointment meeting", "salary wage", "holidaymaker tourist",
	"grandmother grandma granny", "grandfather grandpa", "mother mom mum", "father dad",
	"cinema theater theatre", "airplane aeroplane plane aircraft", "luggage baggage", "pharmacy chemist drugstore",
	"vet veterinarian", "bin dustbin", "kitchen galley", "wallet billfold", "sneakers trainers",
	"hoover vacuum", "cupboard closet wardrobe", "biro pen", "maths mathematics math",
	"allergy intolerance", "dentist orthodontist", "guitar ukulele",
	"bread loaf", "coffee espresso", "soda pop", "beer ale lager",
}
