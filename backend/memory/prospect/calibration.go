package prospect

import (
	"context"
	"fmt"
)

// CueSample is a topic cue with user turns that mention its topic only through other
// inflections of the cue's words (calibrate_test.go checks that no cue word appears verbatim).
type CueSample struct {
	Cue   string
	Turns []string
}

// cueSet is the labelled set Threshold was calibrated on (calibrate_test.go); `aria memory eval`
// measures it again.
var cueSet = []CueSample{
	{Cue: "travel plans", Turns: []string{"I'm travelling next week and planning the route", "we planned our travels to Spain", "the travellers finally planned everything"}},
	{Cue: "dentist appointment", Turns: []string{"I have two appointments with my dentists on Friday", "my dentists moved all appointments to May", "is it normal for dentists to cancel appointments"}},
	{Cue: "birthday present", Turns: []string{"what presents should I get for my mum's birthdays", "I always forget birthdays and presents", "presents for the twins' birthdays are sorted"}},
	{Cue: "job interview", Turns: []string{"I interviewed for two jobs yesterday", "how do I prepare for interviews for engineering jobs", "the jobs I'm interviewing for are all remote"}},
	{Cue: "car repair", Turns: []string{"the garage repaired both cars", "repairing old cars is expensive", "my cars keep needing repairs"}},
	{Cue: "tax return", Turns: []string{"when are the taxes due, I haven't returned the forms", "I returned my taxes late", "returning the taxes online is easier"}},
	{Cue: "wedding invitation", Turns: []string{"we got three weddings this summer, invitations everywhere", "I'm designing invitations for my sister's weddings", "how formal should invitations to weddings be"}},
	{Cue: "garden plants", Turns: []string{"I planted tomatoes in the gardens behind the house", "planting things in small gardens", "the neighbours' gardens are full of planted roses"}},
	{Cue: "book club", Turns: []string{"our clubs read three books a month", "I booked the room for the clubs", "readers should join clubs with more books"}},
	{Cue: "piano lessons", Turns: []string{"my daughter's lesson with the pianos teacher is moved", "pianos are hard, I need another lesson", "she gives lesson plans for pianos"}},
	{Cue: "marathon training", Turns: []string{"I'm trained up for the marathons in spring", "trained for marathons for months", "the marathons I trained for got cancelled"}},
	{Cue: "house move", Turns: []string{"we're moving houses in May", "moving between houses twice a year is tiring", "my parents moved houses again"}},
	{Cue: "exam results", Turns: []string{"the exams went fine, the result comes Monday", "I resulted in a pass on both exams", "when do exams get their result published"}},
	{Cue: "doctor visit", Turns: []string{"I visited two doctors this month", "visiting doctors makes me nervous", "the doctors I'm visiting are in town"}},
	{Cue: "flight booking", Turns: []string{"I booked the flights to Lisbon", "are flights cheaper if booked early", "I booked flights for four people, what a pain"}},
	{Cue: "kitchen renovation", Turns: []string{"we're renovating the kitchens of both flats", "renovated kitchens sell better", "kitchens are the hardest to renovate"}},
	{Cue: "running shoes", Turns: []string{"I run a lot and my shoe is worn out", "which shoe is best for runners", "runners in an old shoe get blisters"}},
	{Cue: "grocery shopping", Turns: []string{"I shopped for groceries after work", "the shops were out of groceries", "shops sell out of groceries on Sundays"}},
	{Cue: "cooking classes", Turns: []string{"I cooked at a class last night", "the class taught us how cooks cut onions", "she cooks and teaches a class on Tuesdays"}},
	{Cue: "photo editing", Turns: []string{"I edited the photos from the weekend", "edits to photos take forever", "which app edits photos best"}},
	{Cue: "conference talk", Turns: []string{"I'm talking at two conferences in June", "the conferences had great talks", "she talked about it at the conferences"}},
	{Cue: "project deadline", Turns: []string{"both projects have deadlines on Friday", "the deadlines for my projects moved", "projects with tight deadlines stress me"}},
	{Cue: "budget meeting", Turns: []string{"the meetings about budgets ran long", "we've got meetings to discuss budgets", "I hate meetings on budgets"}},
	{Cue: "painting walls", Turns: []string{"I painted the wall of the bedroom", "the wall needs painted again", "they paint each wall twice"}},
	{Cue: "language learning", Turns: []string{"I learned two languages as a child", "languages are learned easier when young", "she learns languages fast"}},
	{Cue: "guitar practice", Turns: []string{"I practiced the guitars for an hour", "my guitars need tuning before I practiced", "he practices on both guitars"}},
	{Cue: "baby shower", Turns: []string{"the babies' showers are next month", "we showered the babies with gifts", "two showers for babies in one week"}},
	{Cue: "insurance claim", Turns: []string{"I claimed on the insured items", "the claims for insured goods were refused", "claiming insured losses is slow"}},
	{Cue: "phone contract", Turns: []string{"both phones have contracts until June", "the contracts for our phones renew soon", "cancelling phones' contracts early costs money"}},
	{Cue: "holiday photos", Turns: []string{"I printed a photo from both holidays", "holidays are for taking a photo or two", "the photo from our holidays is on the wall"}},
	{Cue: "sister visit", Turns: []string{"my sisters are visiting on Sunday", "I visited my sisters in Leeds", "visiting sisters abroad is expensive"}},
	{Cue: "laptop repair", Turns: []string{"they repaired both laptops", "repairing laptops is my side job", "the laptops need repairs again"}},
	{Cue: "vegetable soup", Turns: []string{"I made soups with winter vegetables", "soups with vegetables are easy", "vegetables make the best soups"}},
	{Cue: "climbing trip", Turns: []string{"we climbed a lot on our trips", "the trips were all about climbers", "climbers take trips to Spain"}},
	{Cue: "bike ride", Turns: []string{"I'm riding my bikes to work", "I rode the bikes along the canal and riding was great", "bikes are for riding not parking"}},
	{Cue: "concert tickets", Turns: []string{"I got a ticket for both concerts", "concerts sell each ticket in minutes", "one ticket for the concerts left"}},
	{Cue: "tent camping", Turns: []string{"we camped in two tents", "campers need good tents", "tents for campers on sale"}},
	{Cue: "swimming pool", Turns: []string{"I swim in the pools near work", "the pools are closed, no swims", "she swims laps in pools"}},
	{Cue: "espresso machine", Turns: []string{"espressos from these machines taste burnt", "the machines make great espressos", "two espressos from the new machines"}},
	{Cue: "rent payment", Turns: []string{"I'm paying the rents late", "payments for rents go out Monday", "rented flat, paying monthly"}},
	{Cue: "dog walking", Turns: []string{"I walked the dogs in the park", "the dogs need walks twice a day", "walks with dogs clear my head"}},
	{Cue: "cat adoption", Turns: []string{"we're adopting two cats", "adopting cats from shelters", "the cats we adopted are shy"}},
	{Cue: "essay writing", Turns: []string{"she writes two essays a week", "the essays he writes are long", "who writes essays by hand"}},
	{Cue: "fishing rod", Turns: []string{"I fished with my dad's rods", "the rods were great, we fished all day", "rods for fishers on sale"}},
	{Cue: "wine tasting", Turns: []string{"we tasted wines in Bordeaux", "the wines tasted of oak", "tastings of wines are fun"}},
	{Cue: "election campaign", Turns: []string{"the elections are near, campaigning started", "campaigns before elections get nasty", "they campaigned through the elections"}},
	{Cue: "mortgage rates", Turns: []string{"mortgages went up, the rate doubled", "what rate do mortgages have now", "fixed rate mortgages are popular"}},
	{Cue: "hiking boots", Turns: []string{"I hiked in new boot and got blisters", "hikers need a good boot", "the boot I hiked in broke"}},
	{Cue: "knitting patterns", Turns: []string{"I knitted a scarf from a pattern", "the pattern my gran knitted", "knitters share a pattern online"}},
	{Cue: "podcast episode", Turns: []string{"the podcasts had great episodes", "episodes of my podcasts are long", "three podcasts with new episodes"}},
	{Cue: "video games", Turns: []string{"I've been gaming and watching videos", "videos about gaming are popular", "gaming videos on weekends"}},
	{Cue: "birthday party", Turns: []string{"the parties for both birthdays were fun", "birthdays with parties for kids", "I planned parties for two birthdays"}},
	{Cue: "team dinner", Turns: []string{"dinners with the teams are nice", "both teams had dinners out", "the teams' dinners got cancelled"}},
	{Cue: "exercise routine", Turns: []string{"I'm exercising with new routines", "routines for exercising at home", "exercised with a strict set of routines"}},
	{Cue: "apartment hunting", Turns: []string{"we hunt for apartments daily", "hunted for apartments all week", "apartments are hard to hunt down"}},
	{Cue: "school fees", Turns: []string{"the schools raised the fee", "schools charge a fee for trips", "one fee for both schools"}},
	{Cue: "bank loan", Turns: []string{"the banks refused the loans", "loans from banks cost more now", "banks offer loans to students"}},
	{Cue: "recipe ideas", Turns: []string{"give me an idea for recipes", "recipes with an idea of spring", "I have an idea for new recipes"}},
	{Cue: "sleep schedule", Turns: []string{"I'm sleeping badly, my schedules are a mess", "schedules for sleeping babies", "sleeping on fixed schedules helps"}},
	{Cue: "meal planning", Turns: []string{"I planned meals for the week", "meals planned ahead save money", "plans for meals every Sunday"}},
}

// CueSamples returns a copy of the labelled cue set, so that other scorers can be examined turn
// by turn (backend/memory's match_test.go logs the turns its hybrid scorer misses).
func CueSamples() []CueSample {
	out := make([]CueSample, len(cueSet))
	for i, c := range cueSet {
		out[i] = CueSample{Cue: c.Cue, Turns: append([]string(nil), c.Turns...)}
	}
	return out
}

// Distractors are user turns that should fire no cue: general chat, and turns that share one
// word (or its inflection) with a cue.
func Distractors() []string {
	hard := []string{
		"What should I plan for dinner tonight?", "The dentist down the road closed",
		"my cat is sleeping on the sofa", "Tell me about time travel in fiction",
		"I read a good book on the train", "the club was loud last night",
		"how do pianos work inside", "what is a marathon's exact length",
		"our house has a red door", "the results of the survey are odd",
		"what does a doctor of philosophy do", "flights of stairs are tiring",
		"my kitchen smells of garlic", "those shoes are nice", "shopping malls are dying",
		"is cooking oil bad for you", "the class of 1999 reunion", "what's a good photo app",
		"the talk was boring", "the deadline is a myth", "the meeting room is booked",
		"the walls are thin here", "what language is spoken in Chad", "learning to whistle",
		"a guitar has six strings", "the baby is asleep", "a shower of rain this morning",
		"is insurance worth it", "my phone is slow", "holiday traffic is awful",
		"my sister is a nurse", "my laptop is fast", "vegetables are good for you",
		"rock climbing is hard", "bikes are everywhere in Amsterdam", "tickets to the museum",
		"a tent in the garden", "swimming in the sea", "machines in the factory",
		"rent is too high in London", "dogs are loyal", "cats ignore me", "writing code all day",
		"the rod of Asclepius", "wine with dinner", "the election was close",
		"interest rates in 1980", "hiking in the Alps", "knitting is relaxing",
		"what is a podcast", "video calls tire me", "party games for adults",
		"team sports for kids", "exercise is good", "apartment buildings in Berlin",
		"the school bell", "a bank holiday", "a recipe for bread", "sleep is important",
		"a meal for one", "how much is a plane ticket", "returns on investment",
		"plant-based milk", "planets of the solar system", "the job market is tough",
		"repairs to the bridge", "tax havens", "my wedding ring", "the planning office",
		"the interview with the mayor", "car parks in the city", "fees for the museum",
		"a visit to Rome", "the booking site crashed", "the renovation of Notre Dame",
		"running a business", "grocery prices rose", "editing my CV", "conference rooms",
		"the project manager quit", "budget airlines", "painting with watercolours",
		"practice makes perfect", "baby names from the 90s", "a claim to fame",
		"the contract was signed", "photos of the moon", "a visit from the landlord",
		"soup of the day", "a trip to the coast", "riding lessons for kids",
		"concert halls in Vienna", "camping stoves", "pool tables", "espresso or latte",
		"payment failed again", "walking in the rain", "adoption papers",
		"an essay on Kant", "fishing villages in Norway", "tasting menus are pricey",
		"campaign finance rules", "mortgage brokers", "boots for winter", "pattern recognition",
		"episode four is the best", "games of the 80s", "the birthday paradox",
		"dinner at eight", "the morning routine of CEOs", "treasure hunting", "school uniforms",
		"loan sharks", "idea of the week", "schedule a call", "meal deals",
		// Both words of a cue, another topic: a lexical scorer cannot tell, and should not be
		// tuned to; they are here so the false-fire rate is not flattered.
		"the film plans a twist with time travel", "a book about the club scene in the 60s",
		"the walls of the painting gallery", "my dog loves walking on the beach",
	}
	topics := []string{
		"photosynthesis", "the French revolution", "black holes", "the stock market",
		"how vaccines work", "quantum computing", "the Roman empire", "climate change",
		"the human heart", "volcanoes", "the Renaissance", "machine learning", "the Cold War",
		"the water cycle", "DNA replication", "plate tectonics", "the printing press",
		"jazz history", "the Silk Road", "electric cars", "the Great Wall of China",
		"supply and demand", "Shakespeare's sonnets", "the moon landing", "honey bees",
		"the Amazon rainforest", "cryptography", "the Olympic games", "the periodic table",
		"ancient Egypt", "the immune system", "solar energy", "the Industrial Revolution",
		"Greek mythology", "the speed of light", "coral reefs", "the Beatles", "impressionism",
		"the Pythagorean theorem", "the Magna Carta", "glaciers", "artificial sweeteners",
		"the Byzantine empire", "inflation", "the Mona Lisa", "earthquakes", "the blockchain",
		"bird migration", "the Big Bang", "the Ottoman empire", "compound interest",
		"the Hubble telescope", "rainbows", "the Vikings", "recycling plastics", "tides",
		"the Enlightenment", "neurons", "the Aztecs", "wind turbines", "the Cuban missile crisis",
		"origami", "the Fibonacci sequence", "the Sahara desert", "antibiotics", "Mount Everest",
		"the Gutenberg bible", "sourdough starters", "the Higgs boson", "the Dead Sea",
		"Morse code", "the Mayan calendar", "jellyfish", "the Hanseatic League",
		"lightning", "Baroque music", "the Suez canal", "tardigrades", "the Meiji restoration",
		"prime numbers", "the Krebs cycle", "Stonehenge", "the gold standard", "octopuses",
		"the Apollo program", "haiku", "the Treaty of Versailles", "photons", "the Andes",
		"chess openings", "the Marshall plan", "auroras", "the Incas", "sign language",
		"the Panama canal", "dark matter", "the Bauhaus", "penguins", "the Mongol empire",
		"geysers", "the Rosetta stone",
	}
	frames := []string{"Can you explain %s in simple words?", "Write me three facts about %s."}
	out := append([]string{}, hard...)
	for _, t := range topics {
		for _, f := range frames {
			out = append(out, fmt.Sprintf(f, t))
		}
	}
	return out
}

// TriggerRates is how a scorer and threshold do on the labelled set: the share of cue turns
// that fire their cue, and of distractor turns that fire any cue (and of distractor–cue pairs).
type TriggerRates struct {
	Hit       float64 `json:"hit_rate"`
	FalseTurn float64 `json:"false_fire_rate"`
	FalsePair float64 `json:"false_pair_rate"`
	CueTurns  int     `json:"cue_turns"`
	NegTurns  int     `json:"distractor_turns"`
	Cues      int     `json:"cues"`
	Threshold float64 `json:"threshold"`
}

// MeasureTriggers runs the labelled set through s at threshold.
func MeasureTriggers(ctx context.Context, s Scorer, threshold float64) TriggerRates {
	r := TriggerRates{Cues: len(cueSet), Threshold: threshold}
	hits := 0
	for _, c := range cueSet {
		for _, turn := range c.Turns {
			r.CueTurns++
			if s.Match(ctx, c.Cue, turn) >= threshold {
				hits++
			}
		}
	}
	negs := Distractors()
	falseTurns, falsePairs := 0, 0
	for _, turn := range negs {
		r.NegTurns++
		any := false
		for _, c := range cueSet {
			if s.Match(ctx, c.Cue, turn) >= threshold {
				falsePairs++
				any = true
			}
		}
		if any {
			falseTurns++
		}
	}
	r.Hit = float64(hits) / float64(r.CueTurns)
	r.FalseTurn = float64(falseTurns) / float64(r.NegTurns)
	r.FalsePair = float64(falsePairs) / float64(r.NegTurns*len(cueSet))
	return r
}
