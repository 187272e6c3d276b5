package autostart

import (
	"strings"
)

// DesktopEntry is the app's XDG autostart entry (a Desktop Entry file).
func DesktopEntry(a App) []byte {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Name=" + escapeValue(a.Name) + "\n")
	b.WriteString("Comment=Start " + escapeValue(a.Name) + " when you log in\n")
	b.WriteString("Exec=" + escapeValue(execLine(append([]string{a.Exec}, a.Args...))) + "\n")
	b.WriteString("Icon=" + escapeValue(a.ID) + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String())
}

// execLine writes an Exec command line: arguments with reserved characters are quoted, and
// inside quotes ", `, $ and \ are escaped with a backslash; % is doubled (field codes).
func execLine(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		a = strings.ReplaceAll(a, "%", "%%")
		if a != "" && !strings.ContainsAny(a, " \t\n\"'\\><~|&;$*?#()`") {
			out[i] = a
			continue
		}
		var q strings.Builder
		q.WriteByte('"')
		for _, r := range a {
			if strings.ContainsRune("\"`$\\", r) {
				q.WriteByte('\\')
			}
			q.WriteRune(r)
		}
		q.WriteByte('"')
		out[i] = q.String()
	}
	return strings.Join(out, " ")
}

// escapeValue escapes a string value of a desktop file: backslash, newline, tab, CR.
func escapeValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}
