package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinKeyLength is the shortest API key accepted (in characters).
const MinKeyLength = 16

// CheckKey reports why k cannot be the API key: shorter than MinKeyLength characters, or
// with control characters or surrounding spaces (it travels as "Authorization: Bearer KEY").
func CheckKey(k string) error {
	if n := utf8.RuneCountInString(k); n < MinKeyLength {
		return fmt.Errorf("the API key has %d characters; it needs at least %d", n, MinKeyLength)
	}
	if strings.IndexFunc(k, unicode.IsControl) >= 0 {
		return errors.New("the API key has a control character")
	}
	if strings.TrimSpace(k) != k {
		return errors.New("the API key starts or ends with a space")
	}
	return nil
}

// LoadOrCreateKey reads the API key stored at path, or creates one there (mode 0600).
func LoadOrCreateKey(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && utf8.RuneCountInString(strings.TrimSpace(string(b))) >= MinKeyLength {
		return strings.TrimSpace(string(b)), nil
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make an API key: %w", err)
	}
	k := "aria-" + hex.EncodeToString(b[:])
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store the API key: %w", err)
	}
	return k, nil
}
