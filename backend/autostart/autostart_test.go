package autostart

import (
	"encoding/xml"
	"strings"
	"testing"
)

// The LaunchAgent is a well-formed property list naming the executable exactly, run at load.
func TestLaunchAgent(t *testing.T) {
	a := App{ID: "aria", Name: "ARIA", Exec: "/Applications/ARIA & Co.app/Contents/MacOS/aria", Args: []string{"--x=<y>"}}
	b := LaunchAgent(a)
	var doc struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Value   string   `xml:",chardata"`
				Strings []string `xml:"string"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b)
	}
	got := map[string]string{}
	var args []string
	var key string
	for _, it := range doc.Dict.Items {
		switch it.XMLName.Local {
		case "key":
			key = it.Value
		case "array":
			args = it.Strings
		default:
			got[key] = it.XMLName.Local + ":" + it.Value
		}
	}
	if got["Label"] != "string:com.github.aria-node.aria" || got["RunAtLoad"] != "true:" || got["KeepAlive"] != "false:" {
		t.Fatalf("plist %v\n%s", got, b)
	}
	if len(args) != 2 || args[0] != a.Exec || args[1] != "--x=<y>" {
		t.Fatalf("ProgramArguments %q", args)
	}
}

// The Run key's command line reads back, by Windows' rules, as the same arguments.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{`C:\Users\ann\AppData\Local\ARIA\aria.exe`}, `C:\Users\ann\AppData\Local\ARIA\aria.exe`},
		{[]string{`C:\Program Files\ARIA\aria.exe`}, `"C:\Program Files\ARIA\aria.exe"`},
		{[]string{`C:\a b\aria.exe`, `C:\dir with space\`}, `"C:\a b\aria.exe" "C:\dir with space\\"`},
		{[]string{`x`, `say "hi"`, ``}, `x "say \"hi\"" ""`},
		{[]string{`a\\"b c`}, `"a\\\\\"b c"`},
	} {
		got := commandLine(tc.args)
		if got != tc.want {
			t.Errorf("commandLine(%q) = %s, want %s", tc.args, got, tc.want)
		}
		if back := splitWindows(got); strings.Join(back, "\x00") != strings.Join(tc.args, "\x00") {
			t.Errorf("%s reads back as %q, want %q", got, back, tc.args)
		}
	}
}

// splitWindows parses a command line as CommandLineToArgvW does (its documented rules).
func splitWindows(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inQuote = !inQuote
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			inQuote = !inQuote
			have = true
		case (c == ' ' || c == '\t') && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

func TestCheck(t *testing.T) {
	if err := Enable(App{ID: "aria", Name: "ARIA", Exec: "aria"}); err == nil {
		t.Fatal("a relative executable was accepted")
	}
}
