package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/aria-node/aria/backend/internal/testbus"
	"github.com/aria-node/aria/backend/policy"
)

// fakeNetworkManager puts a tiny NetworkManager on the bus: the object, its Metered property
// (emitting PropertiesChanged as the real one does) and the well-known name.
func fakeNetworkManager(t *testing.T, addr string, metered uint32) *prop.Properties {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	props, err := prop.Export(conn, "/org/freedesktop/NetworkManager", prop.Map{
		"org.freedesktop.NetworkManager": {"Metered": {Value: metered, Emit: prop.EmitTrue}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.NetworkManager", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request the name: %v %v", reply, err)
	}
	return props
}

func watch(t *testing.T, addr string, poll time.Duration) (*policy.NetworkManager, <-chan struct{}) {
	t.Helper()
	changed := make(chan struct{}, 16)
	nm := &policy.NetworkManager{Connect: func() (*dbus.Conn, error) { return dbus.Connect(addr) }, Poll: poll,
		OnChange: func() { changed <- struct{}{} }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- nm.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return nm, changed
}

func waitMetered(t *testing.T, nm *policy.NetworkManager, want bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := nm.Metered()
		if err != nil {
			t.Fatal(err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Metered() stayed %v, want %v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The real D-Bus client against a NetworkManager on a private bus: the first read, then each
// change through its PropertiesChanged signal (the poll is an hour: only the signal can tell).
func TestNetworkManagerMetered(t *testing.T) {
	addr := testbus.Start(t)
	props := fakeNetworkManager(t, addr, 4) // guessed not metered
	nm, changed := watch(t, addr, time.Hour)
	time.Sleep(200 * time.Millisecond) // the first read
	waitMetered(t, nm, false)

	p := policy.Default()
	p.Contribute = true
	e, err := policy.New(p, policy.Options{Power: mainsOnly{}, Network: nm})
	if err != nil {
		t.Fatal(err)
	}
	if st := e.Status(); !st.Contributing {
		t.Fatalf("not metered yet: %+v", st)
	}

	props.SetMust("org.freedesktop.NetworkManager", "Metered", uint32(1)) // yes
	waitMetered(t, nm, true)
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("OnChange was not called")
	}
	if st := e.Status(); st.Contributing || st.Reason != "on a metered network" {
		t.Fatalf("on a metered network: %+v", st)
	}
	if _, err := e.Admit(context.Background(), "peer"); !errors.Is(err, policy.ErrMetered) || !errors.Is(err, policy.ErrRefused) {
		t.Fatalf("Admit on a metered network: %v", err)
	}
	if err := e.Allowed("peer"); !errors.Is(err, policy.ErrMetered) {
		t.Fatalf("Allowed on a metered network: %v", err)
	}

	// The user says metered networks are fine.
	p.PauseOnMetered = false
	if err := e.Update(p); err != nil {
		t.Fatal(err)
	}
	release, err := e.Admit(context.Background(), "peer")
	if err != nil {
		t.Fatalf("pause_on_metered off: %v", err)
	}
	release()
	p.PauseOnMetered = true
	if err := e.Update(p); err != nil {
		t.Fatal(err)
	}

	props.SetMust("org.freedesktop.NetworkManager", "Metered", uint32(2)) // no
	waitMetered(t, nm, false)
	props.SetMust("org.freedesktop.NetworkManager", "Metered", uint32(3)) // guessed yes (a phone's hotspot)
	waitMetered(t, nm, true)
	props.SetMust("org.freedesktop.NetworkManager", "Metered", uint32(0)) // unknown
	waitMetered(t, nm, false)
}

// No NetworkManager on the bus: not metered, Serve keeps going, and picks NetworkManager up
// when it appears.
func TestNetworkManagerAbsentThenStarted(t *testing.T) {
	addr := testbus.Start(t)
	nm, _ := watch(t, addr, 100*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	waitMetered(t, nm, false)
	fakeNetworkManager(t, addr, 1)
	waitMetered(t, nm, true)
}

// No bus at all (a container, macOS): never metered, and Serve ends with its context.
func TestNetworkManagerNoBus(t *testing.T) {
	nm := &policy.NetworkManager{Connect: func() (*dbus.Conn, error) { return nil, errors.New("no bus") }, Poll: 10 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := nm.Serve(ctx); err != nil {
		t.Fatal(err)
	}
	if m, err := nm.Metered(); m || err != nil {
		t.Fatalf("Metered() = %v, %v", m, err)
	}
}

type mainsOnly struct{}

func (mainsOnly) OnBattery() (bool, error) { return false, nil }

// network is a NetworkSource with a fixed answer, for the enforcer's order of checks.
type network struct {
	metered bool
	err     error
}

func (n network) Metered() (bool, error) { return n.metered, n.err }

type unreadablePower struct{}

func (unreadablePower) OnBattery() (bool, error) { return false, errors.New("sysfs gone") }

func TestMeteredGate(t *testing.T) {
	on := policy.Default()
	on.Contribute = true
	for _, tc := range []struct {
		name   string
		p      policy.Policy
		power  policy.PowerSource
		net    policy.NetworkSource
		reason string
	}{
		{"metered", on, mainsOnly{}, network{metered: true}, "on a metered network"},
		{"metered, power unreadable", on, unreadablePower{}, network{metered: true}, "on a metered network"},
		{"metered state unreadable counts as not metered", on, mainsOnly{}, network{err: errors.New("no bus")}, ""},
		{"no network source", on, mainsOnly{}, nil, ""},
		{"not metered", on, mainsOnly{}, network{}, ""},
		{"off wins", policy.Default(), mainsOnly{}, network{metered: true}, "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := policy.New(tc.p, policy.Options{Power: tc.power, Network: tc.net})
			if err != nil {
				t.Fatal(err)
			}
			if st := e.Status(); st.Reason != tc.reason || st.Contributing != (tc.reason == "") {
				t.Fatalf("Status %+v, want reason %q", st, tc.reason)
			}
		})
	}
}
