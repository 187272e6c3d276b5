// Command releasefeed makes the key pair of ARIA's release feed and signs the feed a release
// publishes (backend/update: the format, and the check the app runs).
//
//	go run ./build/releasefeed keygen
//	ARIA_RELEASE_SIGNING_KEY=… go run ./build/releasefeed sign --version 1.2.0 --url URL --notes-file F -o release-feed.json
//
// keygen prints the public half, to put into update.ReleaseKey, and the private seed, to keep
// as the repository secret ARIA_RELEASE_SIGNING_KEY (never in the repository). sign refuses a
// key whose public half is not update.ReleaseKey: a feed the binaries do not trust is useless.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aria-node/aria/backend/update"
)

// KeyEnv holds the base64 Ed25519 seed that signs feeds.
const KeyEnv = "ARIA_RELEASE_SIGNING_KEY"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "releasefeed:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("want keygen or sign")
	}
	switch args[0] {
	case "keygen":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "public (update.ReleaseKey): %s\nprivate (secret %s): %s\n", hex.EncodeToString(pub), KeyEnv,
			base64.StdEncoding.EncodeToString(priv.Seed()))
		return nil
	case "sign":
		fs := flag.NewFlagSet("sign", flag.ContinueOnError)
		var r update.Release
		var notes, published, output string
		fs.StringVar(&r.Version, "version", "", "the release's version, MAJOR.MINOR.PATCH")
		fs.StringVar(&r.URL, "url", "", "the release's page")
		fs.StringVar(&notes, "notes-file", "", "a file with the release notes (plain text)")
		fs.StringVar(&published, "published", "", "RFC 3339 time (default: now)")
		fs.StringVar(&output, "o", "release-feed.json", "where to write the feed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if notes != "" {
			b, err := os.ReadFile(notes)
			if err != nil {
				return err
			}
			r.Notes = strings.TrimSpace(string(b))
		}
		r.Published = time.Now().UTC().Truncate(time.Second)
		if published != "" {
			t, err := time.Parse(time.RFC3339, published)
			if err != nil {
				return fmt.Errorf("--published: %w", err)
			}
			r.Published = t
		}
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(os.Getenv(KeyEnv)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return fmt.Errorf("$%s must hold a base64 Ed25519 seed of %d bytes (keygen makes one)", KeyEnv, ed25519.SeedSize)
		}
		doc, err := sign(ed25519.NewKeyFromSeed(seed), update.ReleaseKey, r)
		if err != nil {
			return err
		}
		return os.WriteFile(output, doc, 0o644)
	}
	return fmt.Errorf("unknown command %q: want keygen or sign", args[0])
}

// sign signs r with key after checking that its public half is trusted, and checks the result
// as the app will.
func sign(key ed25519.PrivateKey, trusted ed25519.PublicKey, r update.Release) ([]byte, error) {
	if !bytes.Equal(key.Public().(ed25519.PublicKey), trusted) {
		return nil, errors.New("the signing key is not the one the binaries trust (update.ReleaseKey): run keygen and put its public half there")
	}
	doc, err := update.Sign(key, r)
	if err != nil {
		return nil, err
	}
	if _, err := update.Verify(trusted, doc); err != nil {
		return nil, fmt.Errorf("the signed feed does not verify: %w", err)
	}
	return doc, nil
}
