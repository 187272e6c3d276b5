// Package keychain keeps small secrets (the memory store's key) in the operating system's
// keychain: the Secret Service over D-Bus on Linux (GNOME Keyring, KWallet), the login Keychain
// on macOS, the Credential Manager on Windows, through github.com/zalando/go-keyring.
package keychain

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// Service is the name ARIA's entries carry in the keychain.
const Service = "ARIA"

// ErrNotFound: the keychain has no such entry.
var ErrNotFound = errors.New("no such entry in the OS keychain")

// OS is the operating system's keychain.
type OS struct{}

// Get returns the secret kept for account.
func (OS) Get(ctx context.Context, account string) ([]byte, error) {
	v, err := call(ctx, func() (string, error) { return keyring.Get(Service, account) })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("keychain %q: %w", account, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("keychain %q: %w", account, err)
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("keychain %q: %w", account, err)
	}
	return b, nil
}

// Set keeps secret for account, replacing what was there.
func (OS) Set(ctx context.Context, account string, secret []byte) error {
	_, err := call(ctx, func() (string, error) {
		return "", keyring.Set(Service, account, base64.StdEncoding.EncodeToString(secret))
	})
	if err != nil {
		return fmt.Errorf("keychain %q: %w", account, err)
	}
	return nil
}

// Delete removes account's entry; a missing one is not an error.
func (OS) Delete(ctx context.Context, account string) error {
	_, err := call(ctx, func() (string, error) { return "", keyring.Delete(Service, account) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("keychain %q: %w", account, err)
	}
	return nil
}

// call runs a keychain call, which may wait on the user (an unlock prompt) and takes no
// context, and stops waiting for it when ctx ends.
func call(ctx context.Context, f func() (string, error)) (string, error) {
	type res struct {
		v   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := f()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
