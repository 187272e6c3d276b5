package memory

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Encryption at rest. A sealed store keeps every text (items, intentions) and every vector in
// memory.db as XChaCha20-Poly1305 boxes under a random data key; the data key is kept in meta
// 'seal', itself sealed under a key from the OS keychain or derived from a passphrase with
// Argon2id, so a passphrase can be checked (a wrong one opens nothing and writes nothing). The
// full-text index of a sealed store lives in an in-memory database rebuilt at each open
// (ftsAttach), since an index on disk would be the text again.

// SealMode is how a store that is not sealed yet is to be sealed at open.
type SealMode string

const (
	SealOff        SealMode = ""           // leave a plain store plain
	SealKeychain   SealMode = "keychain"   // a random key kept in the OS keychain
	SealPassphrase SealMode = "passphrase" // a key derived from Options.Passphrase (Argon2id)
)

// ParseSealMode reads a --memory-encryption value: off, keychain or passphrase.
func ParseSealMode(s string) (SealMode, error) {
	switch s {
	case "", "off":
		return SealOff, nil
	case string(SealKeychain), string(SealPassphrase):
		return SealMode(s), nil
	}
	return SealOff, fmt.Errorf("memory encryption %q: want off, keychain or passphrase", s)
}

// Keychain keeps secrets in the operating system's keychain (backend/keychain).
type Keychain interface {
	Get(ctx context.Context, account string) ([]byte, error)
	Set(ctx context.Context, account string, secret []byte) error
}

var (
	// ErrLocked: the store is sealed and no key was given for it.
	ErrLocked = errors.New("memory is encrypted")
	// ErrWrongKey: the key or passphrase given does not open the store.
	ErrWrongKey = errors.New("wrong memory passphrase or key")
)

// Sealer seals and opens the values of a sealed store; ad binds a box to its place (a row and
// column), so that boxes cannot be swapped between rows unnoticed.
type Sealer interface {
	Seal(ad string, plain []byte) []byte
	Open(ad string, box []byte) ([]byte, error)
}

// box format: version byte, 24-byte nonce, ciphertext with its 16-byte tag.
const boxVersion = 1

type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("memory key: %w", err)
	}
	return &sealer{aead: a}, nil
}

func (s *sealer) Seal(ad string, plain []byte) []byte {
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, 1+chacha20poly1305.NonceSizeX+len(plain)+s.aead.Overhead())
	out[0] = boxVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic(fmt.Sprintf("memory: no randomness for a nonce: %v", err)) // crypto/rand never fails on supported systems
	}
	return s.aead.Seal(out, out[1:1+chacha20poly1305.NonceSizeX], plain, []byte(ad))
}

func (s *sealer) Open(ad string, box []byte) ([]byte, error) {
	if len(box) < 1+chacha20poly1305.NonceSizeX+s.aead.Overhead() || box[0] != boxVersion {
		return nil, fmt.Errorf("sealed value of %s: not a box", ad)
	}
	p, err := s.aead.Open(nil, box[1:1+chacha20poly1305.NonceSizeX], box[1+chacha20poly1305.NonceSizeX:], []byte(ad))
	if err != nil {
		return nil, fmt.Errorf("sealed value of %s: %w", ad, err)
	}
	return p, nil
}

// sealRecord is meta 'seal': how the data key is kept.
type sealRecord struct {
	Version int    `json:"v"`
	KDF     string `json:"kdf"` // "argon2id" or "keychain"
	Salt    []byte `json:"salt,omitempty"`
	Time    uint32 `json:"t,omitempty"`
	MemKiB  uint32 `json:"m,omitempty"`
	Threads uint8  `json:"p,omitempty"`
	Account string `json:"account,omitempty"` // the keychain entry
	Wrapped []byte `json:"wrapped"`           // the data key sealed under the key-encryption key
}

// Argon2id parameters: RFC 9106's second recommended option (t=3, 64 MiB, p=4).
const (
	argonTime    = 3
	argonMemKiB  = 64 << 10
	argonThreads = 4
)

const wrapAD = "aria-memory/data-key"

// readSeal returns meta 'seal', or nil for a plain (or new) store. It writes nothing.
func readSeal(ctx context.Context, db *sql.DB) (*sealRecord, error) {
	var v string
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'seal'").Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil && strings.Contains(err.Error(), "no such table"):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read seal: %w", err)
	}
	var r sealRecord
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return nil, fmt.Errorf("read seal: %w", err)
	}
	if r.Version != 1 {
		return nil, fmt.Errorf("read seal: version %d is newer than this program", r.Version)
	}
	return &r, nil
}

// unlock opens the data key of a sealed store with what o gives.
func unlock(ctx context.Context, r *sealRecord, o Options) (*sealer, error) {
	var kek []byte
	switch r.KDF {
	case "argon2id":
		if o.Passphrase == "" {
			return nil, fmt.Errorf("%w with a passphrase: give it (ARIA_MEMORY_PASSPHRASE)", ErrLocked)
		}
		if r.MemKiB > 4<<20 || r.Time > 64 || r.Threads == 0 || len(r.Salt) < 16 {
			return nil, fmt.Errorf("seal: Argon2id parameters out of range")
		}
		kek = argon2.IDKey([]byte(o.Passphrase), r.Salt, r.Time, r.MemKiB, r.Threads, chacha20poly1305.KeySize)
	case "keychain":
		if o.Keychain == nil {
			return nil, fmt.Errorf("%w with a key in the OS keychain, which is not available here", ErrLocked)
		}
		k, err := o.Keychain.Get(ctx, r.Account)
		if err != nil {
			return nil, fmt.Errorf("%w with a key in the OS keychain: %w", ErrLocked, err)
		}
		kek = k
	default:
		return nil, fmt.Errorf("seal: unknown key kind %q", r.KDF)
	}
	w, err := newSealer(kek)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrongKey, err)
	}
	dek, err := w.Open(wrapAD, r.Wrapped)
	if err != nil {
		return nil, ErrWrongKey
	}
	return newSealer(dek)
}

// newSeal makes a data key and its record for mode; the keychain entry, if any, is written
// before the record, so a record never names a key that is not kept.
func newSeal(ctx context.Context, mode SealMode, account string, o Options) (*sealRecord, *sealer, error) {
	dek := make([]byte, chacha20poly1305.KeySize)
	if _, err := rand.Read(dek); err != nil {
		return nil, nil, fmt.Errorf("data key: %w", err)
	}
	r := &sealRecord{Version: 1}
	var kek []byte
	switch mode {
	case SealPassphrase:
		if len(o.Passphrase) < 8 {
			return nil, nil, &FieldError{Field: "passphrase", Msg: "needs at least 8 characters"}
		}
		r.KDF, r.Time, r.MemKiB, r.Threads = "argon2id", argonTime, argonMemKiB, argonThreads
		r.Salt = make([]byte, 16)
		if _, err := rand.Read(r.Salt); err != nil {
			return nil, nil, fmt.Errorf("salt: %w", err)
		}
		kek = argon2.IDKey([]byte(o.Passphrase), r.Salt, r.Time, r.MemKiB, r.Threads, chacha20poly1305.KeySize)
	case SealKeychain:
		if o.Keychain == nil {
			return nil, nil, fmt.Errorf("encrypt memory: no OS keychain here; use a passphrase")
		}
		kek = make([]byte, chacha20poly1305.KeySize)
		if _, err := rand.Read(kek); err != nil {
			return nil, nil, fmt.Errorf("key: %w", err)
		}
		r.KDF, r.Account = "keychain", account
		if err := o.Keychain.Set(ctx, account, kek); err != nil {
			return nil, nil, fmt.Errorf("encrypt memory: keep the key in the OS keychain: %w", err)
		}
	default:
		return nil, nil, fmt.Errorf("encrypt memory: mode %q", mode)
	}
	w, err := newSealer(kek)
	if err != nil {
		return nil, nil, err
	}
	r.Wrapped = w.Seal(wrapAD, dek)
	s, err := newSealer(dek)
	if err != nil {
		return nil, nil, err
	}
	return r, s, nil
}

// Box places: what a sealed value is bound to.
func itemAD(id string) string               { return "aria-memory/item/" + id }
func vectorAD(space string, n int64) string { return fmt.Sprintf("aria-memory/vector/%s/%d", space, n) }
