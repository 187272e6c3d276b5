package p2p

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// IdentityFile is the node's private key inside its data directory.
const IdentityFile = "identity.key"

// LoadOrCreateIdentity returns the node's Ed25519 key from dataDir, creating it on first use.
// The peer ID derived from it is the node's name everywhere. A file that exists but does not
// hold a key is an error: replacing it would silently change who the node is.
func LoadOrCreateIdentity(dataDir string) (crypto.PrivKey, error) {
	path := filepath.Join(dataDir, IdentityFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("identity %s is corrupt (move it away to make a new identity): %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("identity: %w", err)
	}
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	b, err = crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, ".identity-*")
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(b)
		if err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Link rather than rename: two processes starting at once must not each make a key.
		err = os.Link(tmp.Name(), path)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateIdentity(dataDir)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("identity: write %s: %w", path, err)
	}
	return k, nil
}
