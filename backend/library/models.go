// Package library manages the node's model files: a catalogue of known BitNet GGUF models,
// resumable and verified downloads from Hugging Face, import of local files, and the offline
// demo model.
package library

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// catalogueJSON is the shipped catalogue. Every downloadable entry should be pinned: a
// "revision" that is a 40-hex commit of the Hugging Face repository (not a branch such as
// "main", whose file can be replaced), the file's "sha256" at that commit and its exact
// "size". The download then refuses a server announcing another hash, verifies the bytes
// against the pinned hash and never writes past the size.
//
// TODO(security): the bitnet-b1.58-2b4t entry still has revision "main" and an empty sha256
// (the download then trusts the hash Hugging Face announces in X-Linked-Etag). Its commit,
// SHA-256 and size must be looked up on a networked machine (for instance
// https://huggingface.co/api/models/microsoft/bitnet-b1.58-2B-4T-gguf/tree/main lists the
// file's LFS oid, i.e. its SHA-256, and size; the model page's history gives the commit) and
// filled in; never guessed.
//
//go:embed catalogue.json
var catalogueJSON []byte

// Entry is a model of the catalogue.
type Entry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Repo        string `json:"repo,omitempty"`
	File        string `json:"file"`
	// Revision is a branch, a tag or (pinned) a 40-hex commit; empty means "main".
	Revision string `json:"revision,omitempty"`
	Size     int64  `json:"size"`
	// SizeApproximate marks a size not confirmed from the source; the download uses the size
	// the server reports.
	SizeApproximate bool `json:"size_approximate,omitempty"`
	// SHA256 pins the file's hash: a server announcing another is refused before downloading
	// and the bytes must match it. When empty, the download takes the hash Hugging Face
	// computed at upload (the LFS object id, sent as X-Linked-Etag) and verifies against it.
	SHA256    string `json:"sha256"`
	Synthetic bool   `json:"synthetic,omitempty"`
}

// Local is a model file in the models directory, or one given by path.
type Local struct {
	Name        string `json:"name"` // file name without .gguf
	File        string `json:"file"`
	Path        string `json:"-"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256,omitempty"`
	CatalogueID string `json:"catalogue_id,omitempty"`
	// ByPath: a file outside the models directory that the node was given by path (serve
	// --model FILE). It is listed and loadable by name while the node runs, and never deleted.
	ByPath bool `json:"by_path,omitempty"`
}

// Errors callers branch on.
var (
	ErrUnknown    = errors.New("no such model in the catalogue")
	ErrInProgress = errors.New("this model is already being downloaded")
	ErrChecksum   = errors.New("checksum mismatch")
	ErrNoSpace    = errors.New("not enough disk space")
	ErrExists     = errors.New("a model with this name already exists")
	ErrTooLarge   = errors.New("the server sent more than announced")
	// ErrByPath refuses to delete a file given by path: it is the user's, outside the models
	// directory.
	ErrByPath = errors.New("the model was given by path: ARIA deletes only files in its models directory")
)

// Manager manages one models directory. It is safe for concurrent use.
type Manager struct {
	Dir     string
	BaseURL string       // https://huggingface.co unless a test points elsewhere
	Client  *http.Client // nil: a client without an overall timeout (files are large)
	// FreeSpace reports the bytes available in dir (tests replace it).
	FreeSpace func(dir string) (uint64, error)

	catalogue []Entry
	mu        sync.Mutex
	busy      map[string]bool
	byPath    []string // absolute paths of the files given by path (AddPath), under mu
}

// New returns a manager for dir, creating it.
func New(dir string) (*Manager, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("models directory: %w", err)
	}
	// Absolute, as the scheduler's paths are: a listed file is the loaded one when the paths
	// are equal.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("models directory: %w", err)
	}
	var cat []Entry
	if err := json.Unmarshal(catalogueJSON, &cat); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	return &Manager{Dir: dir, BaseURL: "https://huggingface.co", Client: &http.Client{}, FreeSpace: freeSpace,
		catalogue: cat, busy: map[string]bool{}}, nil
}

// Catalogue lists the known models.
func (m *Manager) Catalogue() []Entry { return append([]Entry(nil), m.catalogue...) }

// SetCatalogue replaces the catalogue (tests, and future catalogue updates).
func (m *Manager) SetCatalogue(c []Entry) { m.catalogue = append([]Entry(nil), c...) }

// Entry finds a catalogue entry.
func (m *Manager) Entry(id string) (Entry, error) {
	for _, e := range m.catalogue {
		if e.ID == id {
			return e, nil
		}
	}
	return Entry{}, fmt.Errorf("%w: %q", ErrUnknown, id)
}

// List returns the complete model files of the directory (never a partial download), by name,
// then the files given by path (AddPath) that still exist.
func (m *Manager) List() []Local {
	out := m.dirList()
	m.mu.Lock()
	paths := append([]string(nil), m.byPath...)
	m.mu.Unlock()
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		l := m.describe(p, info.Size())
		l.ByPath = true
		out = append(out, l)
	}
	return out
}

// dirList lists the model files of the directory, by name.
func (m *Manager) dirList() []Local {
	ents, err := os.ReadDir(m.Dir)
	if err != nil {
		return nil
	}
	var out []Local
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".gguf") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, m.describe(filepath.Join(m.Dir, e.Name()), info.Size()))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// describe is the entry of the model file at path.
func (m *Manager) describe(path string, size int64) Local {
	file := filepath.Base(path)
	l := Local{Name: strings.TrimSuffix(file, ".gguf"), File: file, Path: path, Size: size}
	l.SHA256, _ = ReadSum(l.Path)
	for _, c := range m.catalogue {
		if c.File == file {
			l.CatalogueID = c.ID
		}
	}
	return l
}

// AddPath lists a model file given by path (serve --model FILE) beside the directory's, for as
// long as this Manager lives, so that the app shows it and can load it again by name. A file
// inside the directory is listed already and is not added.
func (m *Manager) AddPath(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("model %s: not a file", path)
	}
	if filepath.Dir(abs) == m.Dir {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.byPath {
		if p == abs {
			return nil
		}
	}
	m.byPath = append(m.byPath, abs)
	return nil
}

// lookup finds a local model by name: the directory's first, then one given by path.
func (m *Manager) lookup(name string) (Local, error) {
	for _, l := range m.List() {
		if l.Name == name {
			return l, nil
		}
	}
	return Local{}, fmt.Errorf("no local model named %q", name)
}

// Path returns the path of a local model by name.
func (m *Manager) Path(name string) (string, error) {
	l, err := m.lookup(name)
	return l.Path, err
}

// Remove deletes a local model of the directory; a file given by path is refused (ErrByPath).
func (m *Manager) Remove(name string) error {
	l, err := m.lookup(name)
	if err != nil {
		return err
	}
	if l.ByPath {
		return fmt.Errorf("%s: %w", name, ErrByPath)
	}
	os.Remove(l.Path + sumSuffix)
	return os.Remove(l.Path)
}

func (m *Manager) claim(key string) (release func(), err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.busy[key] {
		return nil, fmt.Errorf("%w: %s", ErrInProgress, key)
	}
	m.busy[key] = true
	return func() { m.mu.Lock(); delete(m.busy, key); m.mu.Unlock() }, nil
}

// Demo writes (once) the synthetic demo model and returns it.
func (m *Manager) Demo() (Local, error) {
	e, err := m.Entry("demo-random")
	if err != nil {
		return Local{}, err
	}
	p := filepath.Join(m.Dir, e.File)
	if _, err := os.Stat(p); err != nil {
		release, err := m.claim(e.ID)
		if err != nil {
			return Local{}, err
		}
		defer release()
		o := synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1, Name: "ARIA demo (random weights: it babbles, for trying the app offline)"}
		if err := synth.Write(p, o); err != nil {
			return Local{}, fmt.Errorf("demo model: %w", err)
		}
	}
	for _, l := range m.List() {
		if l.File == e.File {
			return l, nil
		}
	}
	return Local{}, errors.New("demo model: written but not listed")
}

// checkGGUF makes sure path is a GGUF file that parses.
func checkGGUF(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	f.Close()
	if err != nil || string(magic[:]) != "GGUF" {
		return fmt.Errorf("%s is not a GGUF file", filepath.Base(path))
	}
	g, err := gguf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return g.Close()
}

// Newest is the most recently written local model file ("" when there is none): the app
// reopens with the model used last instead of an empty chat.
func (m *Manager) Newest() string {
	var best string
	var bestT time.Time
	for _, l := range m.dirList() {
		if st, err := os.Stat(l.Path); err == nil && st.ModTime().After(bestT) {
			best, bestT = l.Path, st.ModTime()
		}
	}
	return best
}
