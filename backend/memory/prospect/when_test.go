package prospect

import (
	"errors"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	now := time.Date(2026, 3, 11, 15, 4, 0, 0, paris) // a Wednesday afternoon
	for _, c := range []struct{ in, want string }{
		{"2026-04-01T08:30:00Z", "2026-04-01T08:30:00Z"},
		{"2026-04-01", "2026-04-01T09:00:00+01:00"},
		{"tomorrow at 9am", "2026-03-12T09:00:00+01:00"},
		{"Tomorrow at 9 am", "2026-03-12T09:00:00+01:00"},
		{"in 2 hours", "2026-03-11T17:04:00+01:00"},
		{"in 30 minutes", "2026-03-11T15:34:00+01:00"},
		{"next monday", "2026-03-16T09:00:00+01:00"},
		{"on 12 December at 14:00", "2026-12-12T14:00:00+01:00"},
		{"December 12 at 2pm", "2026-12-12T14:00:00+01:00"},
		{"friday at 5pm", "2026-03-13T17:00:00+01:00"},
		{"at 8am", "2026-03-12T08:00:00+01:00"}, // passed today: tomorrow
		{"at 16:30", "2026-03-11T16:30:00+01:00"},
	} {
		got, err := ParseWhen(c.in, now)
		if err != nil {
			t.Errorf("ParseWhen(%q): %v", c.in, err)
			continue
		}
		want, _ := time.Parse(time.RFC3339, c.want)
		if !got.Equal(want) {
			t.Errorf("ParseWhen(%q) = %v, want %v", c.in, got, want)
		}
	}
	for _, bad := range []string{"", "blah", "31 February", "February 30 at 9am", "at 25:00",
		"tomorrow at 9am and buy milk", "2026-02-30T10:00:00Z", "yesterday at 9am", "2020-01-01"} {
		_, err := ParseWhen(bad, now)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "at" {
			t.Errorf("ParseWhen(%q) = %v, want a FieldError for at", bad, err)
		}
	}
}
