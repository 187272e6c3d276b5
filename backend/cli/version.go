package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version, Commit and Date describe the build. The Makefile sets them with -ldflags
// "-X github.com/aria-node/aria/backend/cli.Version=… -X …Commit=… -X …Date=…"; a plain
// `go build` leaves "dev" and takes the commit from Go's VCS stamp when there is one.
var (
	Version = "dev"
	Commit  = ""
	// Date is the commit's date (not the build's), so that two builds of one commit are identical.
	Date = ""
)

// BuildInfo is what `aria version --json` prints.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date,omitempty"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// currentBuild reads the values above, falling back on the VCS stamp Go writes into binaries
// built from a git checkout without -buildvcs=false.
func currentBuild() BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, Date: Date, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok && b.Commit == "" {
		dirty := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(b.Commit) > 12 {
			b.Commit = b.Commit[:12]
		}
		if dirty && b.Commit != "" {
			b.Commit += "-dirty"
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// line is the text after "aria version ": what `aria --version` and `aria version` print.
func (b BuildInfo) line() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (commit %s", b.Version, b.Commit)
	if b.Date != "" {
		fmt.Fprintf(&s, ", %s", b.Date)
	}
	fmt.Fprintf(&s, ", %s %s/%s)", b.Go, b.OS, b.Arch)
	return s.String()
}

func versionCmd(stdio IO) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "version",
		Short: "print the version, commit and Go toolchain of this binary",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			b := currentBuild()
			if asJSON {
				return printJSON(stdio.Out, b)
			}
			_, err := fmt.Fprintf(stdio.Out, "aria version %s\n", b.line())
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
