package library

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// A model's SHA-256 — how nodes name it to each other — is kept beside the file as
// NAME.gguf.sha256, written by downloads and imports, so that nothing hashes a gigabyte twice.
const sumSuffix = ".sha256"

// SumFile is the SHA-256 of a file, in hex.
func SumFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadSum gives the SHA-256 kept beside a model file, when a well-formed one is there.
func ReadSum(path string) (string, bool) {
	b, err := os.ReadFile(path + sumSuffix)
	if err != nil {
		return "", false
	}
	s := strings.TrimSpace(string(b))
	if _, err := hex.DecodeString(s); err != nil || len(s) != 2*sha256.Size {
		return "", false
	}
	return s, true
}

// WriteSum keeps a model's SHA-256 beside it. Losing it costs only a hash at the next start.
func WriteSum(path, sum string) error {
	return os.WriteFile(path+sumSuffix, []byte(sum+"\n"), 0o644)
}
