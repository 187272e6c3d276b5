package autostart

import "strings"

// commandLine writes a Windows command line as the Run key holds it: each argument that needs
// it in double quotes, with the backslashes before a quote doubled (the rules of
// CommandLineToArgvW, which the program's runtime parses it with).
func commandLine(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = quoteArg(a)
	}
	return strings.Join(out, " ")
}

func quoteArg(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n\v\"") {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(a); i++ {
		switch c := a[i]; c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1)) // the slashes written so far, doubled, and one for the quote
			slashes = 0
			b.WriteByte(c)
			continue
		default:
			slashes = 0
		}
		b.WriteByte(a[i])
	}
	b.WriteString(strings.Repeat(`\`, slashes)) // before the closing quote they must be doubled
	b.WriteByte('"')
	return b.String()
}
