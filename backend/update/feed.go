// Package update tells the user that a new release of ARIA exists, when they have turned the
// update check on (it is off by default). At most once a day it fetches a small release feed,
// checks its Ed25519 signature against the key built into the binary, and offers a release
// newer than the running one as a notice with its notes and its page. It never downloads or
// installs anything, and sends nothing but the request itself (with "aria/VERSION" as its
// User-Agent). A feed whose signature does not verify is logged and ignored.
//
// # The feed
//
// One JSON document, format "aria-release-feed/1":
//
//	{
//	  "release": {"version": "1.2.0", "notes": "What changed…", "url": "https://…/releases/tag/v1.2.0",
//	              "published": "2026-05-01T12:00:00Z"},
//	  "signature": "BASE64"
//	}
//
// "signature" is the standard base64 of an Ed25519 signature over the bytes
// "aria-release-feed/1\n" followed by the bytes of the "release" value exactly as they appear
// in the document, from its "{" to its matching "}". The signer writes the release object once,
// signs those bytes and embeds them unchanged (Sign does this); the checker verifies the bytes
// it received, so no canonical form of JSON is involved. version is "MAJOR.MINOR.PATCH" (an
// optional leading "v"), url an http(s) address (shown as a link, never fetched), notes plain
// text (shown as text, never as HTML), published an RFC 3339 time. Unknown fields are refused.
//
// The release workflow signs the feed with the private half of ReleaseKey, which is kept out of
// the repository (the secret ARIA_RELEASE_SIGNING_KEY; `go run ./build/releasefeed keygen` makes
// a pair, and its public half must replace ReleaseKey before the first release).
package update

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Format names the feed's format; it prefixes the signed bytes.
const Format = "aria-release-feed/1"

// DefaultFeed is where releases publish the feed.
const DefaultFeed = "https://github.com/aria-node/aria/releases/latest/download/release-feed.json"

// ReleaseKey is the public half of the key that signs release feeds; a binary trusts no other.
// A new key reaches users in a release announced by a feed signed with the old one.
var ReleaseKey = mustKey("a09f97fe63649c46350fe62f98f8a2f58544aad94a6e0fd428a128e9be73e7aa")

func mustKey(h string) ed25519.PublicKey {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != ed25519.PublicKeySize {
		panic("update: bad built-in key")
	}
	return ed25519.PublicKey(b)
}

// Release is one release, as the feed describes it.
type Release struct {
	Version   string    `json:"version"`
	Notes     string    `json:"notes"`
	URL       string    `json:"url"`
	Published time.Time `json:"published"`
}

// feed is the document: the release's exact bytes and their signature.
type feed struct {
	Release   json.RawMessage `json:"release"`
	Signature []byte          `json:"signature"` // base64 in JSON
}

// ErrSignature: the feed is not signed by the key.
var ErrSignature = errors.New("the release feed's signature does not verify")

// MaxFeed bounds the feed's size.
const MaxFeed = 64 << 10

func signed(release []byte) []byte {
	return append([]byte(Format+"\n"), release...)
}

// Sign writes the feed document of r signed with key (for the release workflow and tests).
func Sign(key ed25519.PrivateKey, r Release) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	rel, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	// Written by hand: encoding/json would re-indent the release's bytes, which are signed.
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, signed(rel)))
	return fmt.Appendf(nil, "{\n  \"release\": %s,\n  \"signature\": %q\n}\n", rel, sig), nil
}

// Verify reads a feed document and returns its release if key signed it and it is well formed.
func Verify(key ed25519.PublicKey, doc []byte) (Release, error) {
	var f feed
	d := json.NewDecoder(bytes.NewReader(doc))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return Release{}, fmt.Errorf("the release feed is not valid: %w", err)
	}
	if len(f.Release) == 0 || len(f.Signature) != ed25519.SignatureSize {
		return Release{}, ErrSignature
	}
	if !ed25519.Verify(key, signed(f.Release), f.Signature) {
		return Release{}, ErrSignature
	}
	// Only signed bytes are parsed further.
	var r Release
	d = json.NewDecoder(bytes.NewReader(f.Release))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return Release{}, fmt.Errorf("the release feed's release is not valid: %w", err)
	}
	if err := r.check(); err != nil {
		return Release{}, err
	}
	return r, nil
}

func (r Release) check() error {
	if _, ok := parseVersion(r.Version); !ok {
		return fmt.Errorf("the release's version %q is not MAJOR.MINOR.PATCH", r.Version)
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("the release's url %q is not an http(s) address", r.URL)
	}
	if r.Published.IsZero() {
		return errors.New("the release has no publication time")
	}
	return nil
}

// parseVersion reads "v1.2.3" or "1.2.3", with anything after a "-" or "+" ignored (git
// describe's "-12-gabc123" of a build after the tag, a pre-release label).
func parseVersion(s string) ([3]int, bool) {
	var v [3]int
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

// Newer reports whether release is newer than current. A build whose version is not a release
// version (a "dev" build from source) is offered any release.
func Newer(release, current string) bool {
	r, ok := parseVersion(release)
	if !ok {
		return false
	}
	c, ok := parseVersion(current)
	if !ok {
		return true
	}
	for i := range r {
		if r[i] != c[i] {
			return r[i] > c[i]
		}
	}
	return false
}
