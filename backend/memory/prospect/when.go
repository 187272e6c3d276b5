package prospect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/common"
	"github.com/olebedev/when/rules/en"
)

// DefaultHour is the time of day given to a date with no time ("tomorrow", "next monday"): a
// reminder for a day is wanted in the morning of that day, not at the minute it was set.
const DefaultHour = 9

var (
	// A time of day in the text: 9am, 9 pm, 14:00, noon… "in 2 hours" is relative, also a time.
	timeOfDay = regexp.MustCompile(`\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\b(noon|midday|midnight|morning|afternoon|evening|tonight)\b|\bin\s+(\d+|an?|a few|half an)\s+(min|minute|minutes|hour|hours|hr|hrs|sec|seconds)\b`)
	// A date word: the clock time alone ("at 14:00") rolls to tomorrow when it has passed today.
	dateWord  = regexp.MustCompile(`\b(today|tonight|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|week|month|year|days?|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)\b`)
	clock24   = regexp.MustCompile(`\b(\d{1,2}):(\d{2})\b`)
	monthName = `(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)`
	dayMonth  = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthName + `\b`)
	monthDay  = regexp.MustCompile(`\b` + monthName + `\s+(\d{1,2})(?:st|nd|rd|th)?\b`)
	// Words allowed around the recognised expression: "on 12 December", "by tomorrow".
	filler = map[string]bool{"on": true, "at": true, "by": true, "the": true, "this": true, "of": true, "around": true, "about": true}
)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

// ParseWhen reads the time of an `at` intention: RFC 3339 ("2026-12-12T14:00:00+01:00"), a date
// ("2026-12-12", at DefaultHour), or English relative to now in now's location ("tomorrow at
// 9am", "in 2 hours", "next monday", "on 12 December at 14:00"). Anything else, an impossible
// date ("31 February", "25:00"), text around the expression that is not part of it, or a time
// in the past gives a *FieldError for "at".
func ParseWhen(text string, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return time.Time{}, &FieldError{"at", "is empty"}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, now.Location()); err == nil {
		t = t.Add(DefaultHour * time.Hour)
		if t.Before(now) {
			return time.Time{}, &FieldError{"at", fmt.Sprintf("%q is in the past", text)}
		}
		return t, nil
	}
	low := strings.ToLower(s)
	if err := checkDate(low, text); err != nil {
		return time.Time{}, err
	}
	w := when.New(nil)
	w.Add(en.All...)
	w.Add(common.All...)
	r, err := w.Parse(low, now)
	if err != nil || r == nil {
		return time.Time{}, &FieldError{"at", fmt.Sprintf("%q is not a time I understand (try RFC 3339, \"tomorrow at 9am\" or \"in 2 hours\")", text)}
	}
	rest := low[:r.Index] + " " + low[r.Index+len(r.Text):]
	for _, f := range strings.FieldsFunc(rest, func(c rune) bool { return c == ' ' || c == ',' || c == '.' }) {
		if !filler[f] {
			return time.Time{}, &FieldError{"at", fmt.Sprintf("%q: %q is not part of a time I understand", text, f)}
		}
	}
	t := r.Time
	// Month and day as written must survive: when rolls "31 February" over into March.
	if err := checkDayKept(low, t, text); err != nil {
		return time.Time{}, err
	}
	hasTime := timeOfDay.MatchString(low)
	hasDate := dateWord.MatchString(low) || dayMonth.MatchString(low) || monthDay.MatchString(low)
	if !hasTime {
		t = time.Date(t.Year(), t.Month(), t.Day(), DefaultHour, 0, 0, 0, t.Location())
	}
	if hasTime && !hasDate && t.Before(now) {
		t = t.AddDate(0, 0, 1) // "at 8am" said at noon means tomorrow
	}
	if t.Before(now) {
		return time.Time{}, &FieldError{"at", fmt.Sprintf("%q is in the past", text)}
	}
	return t, nil
}

// checkDate refuses clock times and days that cannot exist.
func checkDate(low, text string) error {
	for _, m := range clock24.FindAllStringSubmatch(low, -1) {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		if h > 23 || mi > 59 {
			return &FieldError{"at", fmt.Sprintf("%q: %s is not a time of day", text, m[0])}
		}
	}
	check := func(day, month string) error {
		d, _ := strconv.Atoi(day)
		mo := months[month[:3]]
		if month == "sept" {
			mo = 9
		}
		// 2024 is a leap year, so 29 February passes here; checkDayKept catches it in other years.
		if d < 1 || d > time.Date(2024, mo+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return &FieldError{"at", fmt.Sprintf("%q: %s has no day %d", text, mo, d)}
		}
		return nil
	}
	for _, m := range dayMonth.FindAllStringSubmatch(low, -1) {
		if err := check(m[1], m[2]); err != nil {
			return err
		}
	}
	for _, m := range monthDay.FindAllStringSubmatch(low, -1) {
		if err := check(m[2], m[1]); err != nil {
			return err
		}
	}
	return nil
}

func checkDayKept(low string, t time.Time, text string) error {
	var day, month string
	if m := dayMonth.FindStringSubmatch(low); m != nil {
		day, month = m[1], m[2]
	} else if m := monthDay.FindStringSubmatch(low); m != nil {
		day, month = m[2], m[1]
	} else {
		return nil
	}
	d, _ := strconv.Atoi(day)
	if t.Day() != d || t.Month() != months[month[:3]] {
		return &FieldError{"at", fmt.Sprintf("%q is not a date in %d", text, t.Year())}
	}
	return nil
}
