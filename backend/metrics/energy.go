// Package metrics meters the node: tokens per second, CPU and memory (gopsutil), and energy per
// token — measured where the OS exposes an energy counter the process can read (Linux
// powercap/RAPL), otherwise estimated from the process's CPU time, and always labelled so.
package metrics

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v3/process"
)

// Kind says how an energy figure was obtained.
type Kind string

const (
	Measured  Kind = "measured"
	Estimated Kind = "estimated"
)

// EnergySource reads a cumulative energy counter in joules.
type EnergySource interface {
	Kind() Kind
	// Describe says, for users, what the figure is and how it was obtained.
	Describe() string
	ReadJoules() (float64, error)
}

// RAPL reads the package domains of Linux powercap (intel-rapl, also used by AMD). It measures
// the whole CPU package, not this process alone.
type RAPL struct {
	zones []raplZone
	mu    sync.Mutex
}

type raplZone struct {
	name          string
	energy        string // path of energy_uj
	maxRange      float64
	last, wrapped float64
	seen          bool
}

// NewRAPL finds the readable package zones under root (normally /sys/class/powercap).
func NewRAPL(root string) (*RAPL, error) {
	dirs, _ := filepath.Glob(filepath.Join(root, "*-rapl:*"))
	r := &RAPL{}
	for _, d := range dirs {
		base := filepath.Base(d)
		if strings.Count(base, ":") != 1 { // "intel-rapl:0" is a package; "intel-rapl:0:1" a sub-zone
			continue
		}
		name, _ := os.ReadFile(filepath.Join(d, "name"))
		if n := strings.TrimSpace(string(name)); n != "" && !strings.HasPrefix(n, "package") {
			continue // "psys" (the whole platform) already contains the packages
		}
		e := filepath.Join(d, "energy_uj")
		if _, err := readFloat(e); err != nil {
			continue // root-only on most systems since 2020
		}
		mr, _ := readFloat(filepath.Join(d, "max_energy_range_uj"))
		r.zones = append(r.zones, raplZone{name: strings.TrimSpace(string(name)), energy: e, maxRange: mr})
	}
	if len(r.zones) == 0 {
		return nil, fmt.Errorf("no readable RAPL package zone under %s", root)
	}
	return r, nil
}

func (r *RAPL) Kind() Kind { return Measured }

func (r *RAPL) Describe() string {
	var names []string
	for _, z := range r.zones {
		names = append(names, z.name)
	}
	return fmt.Sprintf("measured: RAPL energy counters of the CPU package (%s) via Linux powercap; the whole package, including other programs", strings.Join(names, ", "))
}

// ReadJoules sums the zones, unwrapping counters that passed their maximum.
func (r *RAPL) ReadJoules() (float64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum float64
	for i := range r.zones {
		z := &r.zones[i]
		v, err := readFloat(z.energy)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", z.energy, err)
		}
		if z.seen && v < z.last && z.maxRange > 0 {
			z.wrapped += z.maxRange
		}
		z.last, z.seen = v, true
		sum += (v + z.wrapped) / 1e6
	}
	return sum, nil
}

func readFloat(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}

// CPUTime estimates energy as the process's CPU seconds times a power figure per busy core.
type CPUTime struct {
	WattsPerCore float64
	Basis        string // where the figure comes from, shown to users
	cpuSeconds   func() (float64, error)
}

// DefaultWattsPerCore is the estimate's power per busy core: about 10 W for desktop and server
// x86 cores under a vector workload (package power over active cores at all-core load), 3 W for
// arm64 laptop/SBC cores. It is a model, not a measurement; --watts-per-core replaces it.
func DefaultWattsPerCore() float64 {
	if runtime.GOARCH == "arm64" {
		return 3
	}
	return 10
}

// NewCPUTime returns the estimate for this process.
func NewCPUTime(wattsPerCore float64) *CPUTime {
	basis := "default model"
	if wattsPerCore <= 0 {
		wattsPerCore = DefaultWattsPerCore()
	} else {
		basis = "set by the user"
	}
	p, err := process.NewProcess(int32(os.Getpid()))
	cpu := func() (float64, error) {
		if err != nil {
			return 0, err
		}
		t, err := p.Times()
		if err != nil {
			return 0, err
		}
		return t.User + t.System, nil
	}
	return &CPUTime{WattsPerCore: wattsPerCore, Basis: basis, cpuSeconds: cpu}
}

func (c *CPUTime) Kind() Kind { return Estimated }

func (c *CPUTime) Describe() string {
	return fmt.Sprintf("estimated: this process's CPU time × %.1f W per busy core (%s; no readable energy counter here)", c.WattsPerCore, c.Basis)
}

func (c *CPUTime) ReadJoules() (float64, error) {
	s, err := c.cpuSeconds()
	if err != nil {
		return 0, err
	}
	return s * c.WattsPerCore, nil
}

// Detect picks RAPL when this process can read it, else the CPU-time estimate.
func Detect(powercapRoot string, wattsPerCore float64) EnergySource {
	if powercapRoot == "" {
		powercapRoot = "/sys/class/powercap"
	}
	if r, err := NewRAPL(powercapRoot); err == nil {
		if _, err := r.ReadJoules(); err == nil {
			return r
		}
	}
	return NewCPUTime(wattsPerCore)
}

// since is the time elapsed since t, never zero.
func since(t time.Time) time.Duration { return max(time.Since(t), time.Nanosecond) }
