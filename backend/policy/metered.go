package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/godbus/dbus/v5"
)

// NetworkManager's D-Bus names (its "Metered" property is an NMMetered: 0 unknown, 1 yes,
// 2 no, 3 guessed yes, 4 guessed no).
const (
	nmDest  = "org.freedesktop.NetworkManager"
	nmPath  = dbus.ObjectPath("/org/freedesktop/NetworkManager")
	nmIface = "org.freedesktop.NetworkManager"
	propsIf = "org.freedesktop.DBus.Properties"
)

// nmMetered values that mean metered: NetworkManager says so, or guesses so (a phone's
// hotspot, mobile broadband).
const (
	meteredYes      = 1
	meteredGuessYes = 3
)

// NetworkManager tells whether the network in use is metered, as NetworkManager sees it (its
// Metered property over D-Bus, on Linux). Serve keeps the answer up to date, from
// NetworkManager's change signals and a periodic read; Metered reads the last answer, so the
// policy's checks never wait on the bus. Where NetworkManager (or the bus) is absent the
// network counts as not metered, as an unknown power state counts as mains.
type NetworkManager struct {
	// Connect opens the bus NetworkManager is on (nil: the system bus).
	Connect func() (*dbus.Conn, error)
	// Poll is how often the property is read besides the change signals, and how long to wait
	// before trying again to reach the bus (0: 30 s).
	Poll time.Duration
	// OnChange is called after the answer changed (nil: nothing), so that the node can publish
	// the policy's new status.
	OnChange func()
	Log      *slog.Logger // nil: slog.Default()

	state   atomic.Uint32 // the last NMMetered read (0: unknown)
	logOnce sync.Map      // messages logged once
}

// Metered reports whether NetworkManager says (or guesses) that the network is metered.
func (nm *NetworkManager) Metered() (bool, error) {
	s := nm.state.Load()
	return s == meteredYes || s == meteredGuessYes, nil
}

// Serve watches NetworkManager until ctx ends, reconnecting to the bus when it goes away.
func (nm *NetworkManager) Serve(ctx context.Context) error {
	connect, poll := nm.Connect, nm.Poll
	if connect == nil {
		connect = func() (*dbus.Conn, error) { return dbus.ConnectSystemBus() }
	}
	if poll <= 0 {
		poll = 30 * time.Second
	}
	for {
		conn, err := connect()
		if err != nil {
			nm.once("no D-Bus system bus: a metered network cannot be told and counts as not metered", err)
			nm.set(0)
		} else {
			err = nm.watch(ctx, conn, poll)
			_ = conn.Close()
			if ctx.Err() != nil {
				return nil
			}
			nm.once("lost the D-Bus connection to NetworkManager", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
}

// watch follows the property on conn until ctx ends or the connection fails.
func (nm *NetworkManager) watch(ctx context.Context, conn *dbus.Conn, poll time.Duration) error {
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchObjectPath(nmPath), dbus.WithMatchInterface(propsIf),
		dbus.WithMatchMember("PropertiesChanged"), dbus.WithMatchArg(0, nmIface)); err != nil {
		return fmt.Errorf("watch NetworkManager: %w", err)
	}
	sigs := make(chan *dbus.Signal, 16)
	conn.Signal(sigs)
	defer conn.RemoveSignal(sigs)
	if err := nm.read(ctx, conn); err != nil {
		return err
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-sigs:
			if !ok {
				return errors.New("the D-Bus connection closed")
			}
			if v, ok := changedMetered(sig); ok {
				nm.set(v)
			}
		case <-tick.C:
			if err := nm.read(ctx, conn); err != nil {
				return err
			}
		}
	}
}

// read asks NetworkManager for the property. NetworkManager not running (or not installed)
// is no error of the connection: the state is then unknown until it appears.
func (nm *NetworkManager) read(ctx context.Context, conn *dbus.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var v dbus.Variant
	err := conn.Object(nmDest, nmPath).CallWithContext(ctx, propsIf+".Get", 0, nmIface, "Metered").Store(&v)
	if err != nil {
		nm.set(0)
		if !conn.Connected() {
			return fmt.Errorf("read NetworkManager's Metered: %w", err)
		}
		nm.once("NetworkManager does not answer: a metered network cannot be told and counts as not metered", err)
		return nil
	}
	u, ok := v.Value().(uint32)
	if !ok {
		nm.set(0)
		nm.once("NetworkManager's Metered property is not a uint32", fmt.Errorf("got %s", v.Signature()))
		return nil
	}
	nm.set(u)
	return nil
}

// changedMetered reads the new Metered value out of a PropertiesChanged signal, if it has one.
func changedMetered(sig *dbus.Signal) (uint32, bool) {
	if sig == nil || sig.Path != nmPath || len(sig.Body) < 2 {
		return 0, false
	}
	if iface, _ := sig.Body[0].(string); iface != nmIface {
		return 0, false
	}
	changed, _ := sig.Body[1].(map[string]dbus.Variant)
	v, ok := changed["Metered"]
	if !ok {
		return 0, false
	}
	u, ok := v.Value().(uint32)
	return u, ok
}

func (nm *NetworkManager) set(v uint32) {
	was, _ := nm.Metered()
	nm.state.Store(v)
	if now, _ := nm.Metered(); now != was && nm.OnChange != nil {
		nm.OnChange()
	}
}

// once logs msg the first time only: the node would otherwise repeat it every Poll.
func (nm *NetworkManager) once(msg string, err error) {
	if _, seen := nm.logOnce.LoadOrStore(msg, true); seen {
		return
	}
	log := nm.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("policy: "+msg, "err", err)
}
