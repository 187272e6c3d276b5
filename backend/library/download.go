package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// State is where a download stands.
type State string

const (
	Queued      State = "queued"
	Downloading State = "downloading"
	Verifying   State = "verifying"
	Done        State = "done"
	Failed      State = "failed"
	Cancelled   State = "cancelled"
)

// Progress reports a download or an import.
type Progress struct {
	ID          string  `json:"id"`
	File        string  `json:"file"`
	Done        int64   `json:"done"`
	Total       int64   `json:"total"`
	BytesPerS   float64 `json:"bytes_per_s"`
	ETASeconds  float64 `json:"eta_s"`
	State       State   `json:"state"`
	ResumedFrom int64   `json:"resumed_from,omitempty"`
	Error       string  `json:"error,omitempty"`
}

// sidecar is stored beside a partial download so that a later run resumes it safely.
type sidecar struct {
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	ETag   string `json:"etag,omitempty"`
}

// MaxAttempts bounds the automatic retries of a dropped connection.
const MaxAttempts = 6

// MaxUnknownSize caps a download whose size neither the catalogue (an exact size) nor the
// server (X-Linked-Size, Content-Length) announces: such a download proceeds, hash-verified as
// always, but fails with ErrTooLarge rather than write more than this to the disk.
const MaxUnknownSize int64 = 64 << 30

// Download fetches a catalogue model into the directory: to FILE.part (resumed with an HTTP
// Range request on a later call or after a dropped connection), verified by SHA-256, then
// renamed. A cancelled ctx keeps the part for resuming; a bad checksum deletes it.
func (m *Manager) Download(ctx context.Context, id string, progress func(Progress)) (Local, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	e, err := m.Entry(id)
	if err != nil {
		return Local{}, err
	}
	if e.Synthetic {
		return m.Demo()
	}
	release, err := m.claim(id)
	if err != nil {
		return Local{}, err
	}
	defer release()
	p := Progress{ID: id, File: e.File, State: Queued, Total: e.Size}
	fail := func(err error) (Local, error) {
		p.State, p.Error = Failed, err.Error()
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			p.State, p.Error = Cancelled, ""
		}
		progress(p)
		return Local{}, fmt.Errorf("download %s: %w", e.File, err)
	}
	final := filepath.Join(m.Dir, e.File)
	if _, err := os.Stat(final); err == nil {
		return fail(fmt.Errorf("%w: %s", ErrExists, e.File))
	}
	if e.SHA256 != "" && !isHex(e.SHA256, 64) {
		return fail(fmt.Errorf("the catalogue's sha256 %q is not 64 hexadecimal digits", e.SHA256))
	}
	url := fmt.Sprintf("%s/%s/resolve/%s/%s", strings.TrimSuffix(m.BaseURL, "/"), e.Repo, revisionPath(e.Revision), e.File)
	size, sum, etag, err := m.probe(ctx, url)
	if err != nil {
		return fail(err)
	}
	if size > 0 && e.Size > 0 && !e.SizeApproximate && size != e.Size {
		return fail(fmt.Errorf("the catalogue gives %s as %d bytes but the server announces %d", e.File, e.Size, size))
	}
	if e.SHA256 != "" {
		if sum != "" && !strings.EqualFold(sum, e.SHA256) {
			return fail(fmt.Errorf("%w: the catalogue pins %s but the server announces %s", ErrChecksum, e.SHA256, sum))
		}
		sum = strings.ToLower(e.SHA256)
	}
	if sum == "" {
		return fail(errors.New("no SHA-256 to verify against: the catalogue has none and the server sent no X-Linked-Etag"))
	}
	if size <= 0 && !e.SizeApproximate {
		size = e.Size
	}
	p.Total = size
	limit := size // fetch never writes past it
	if limit <= 0 {
		limit = MaxUnknownSize
	}
	part, side := final+".part", final+".part.json"
	want := sidecar{URL: url, Size: size, SHA256: sum, ETag: etag}
	var have sidecar
	if b, err := os.ReadFile(side); err == nil && json.Unmarshal(b, &have) == nil && (have.SHA256 != want.SHA256 || have.Size != want.Size) {
		os.Remove(part) // a different file now: start over
	}
	if b, err := json.Marshal(want); err == nil {
		if err := os.WriteFile(side, b, 0o644); err != nil {
			return fail(err)
		}
	}
	h := sha256.New()
	off, err := hashExisting(part, h)
	if err != nil {
		return fail(err)
	}
	if size > 0 {
		free, err := m.FreeSpace(m.Dir)
		if err == nil && uint64(size-off) > free {
			return fail(fmt.Errorf("%w: need %d bytes, %d available in %s", ErrNoSpace, size-off, free, m.Dir))
		}
	}
	p.ResumedFrom = off
	for attempt := 1; ; attempt++ {
		var restart bool
		off, restart, err = m.fetch(ctx, url, etag, part, off, limit, h, &p, progress)
		if err == nil {
			break
		}
		if restart {
			h.Reset()
			continue
		}
		if errors.Is(err, ErrTooLarge) {
			os.Remove(part) // what this server sends is not the announced file
			os.Remove(side)
			return fail(err)
		}
		var se *statusError
		if ctx.Err() != nil || errors.As(err, &se) || errors.Is(err, ErrNoSpace) || attempt >= MaxAttempts {
			return fail(err)
		}
		time.Sleep(time.Duration(100<<attempt) * time.Millisecond) // the connection dropped: resume
	}
	p.State = Verifying
	progress(p)
	got := hex.EncodeToString(h.Sum(nil))
	if size > 0 && off != size {
		return fail(fmt.Errorf("size mismatch: got %d bytes, the server announced %d", off, size))
	}
	if got != sum {
		os.Remove(part)
		os.Remove(side)
		return fail(fmt.Errorf("%w: the file downloaded has SHA-256 %s, expected %s; the partial file was deleted", ErrChecksum, got, sum))
	}
	if err := os.Rename(part, final); err != nil {
		return fail(err)
	}
	os.Remove(side)
	_ = WriteSum(final, got)
	p.State, p.Done = Done, off
	progress(p)
	for _, l := range m.List() {
		if l.File == e.File {
			return l, nil
		}
	}
	return Local{}, fmt.Errorf("download %s: done but not listed", e.File)
}

// revisionPath is the revision as it goes in a resolve URL: a 40-hex commit as is (the pinned
// form: the file under a commit cannot change), a branch or tag ("main" when empty) escaped as
// one path segment, as huggingface_hub does ("refs/pr/1" becomes "refs%2Fpr%2F1").
func revisionPath(rev string) string {
	switch {
	case rev == "":
		return "main"
	case isHex(rev, 40):
		return strings.ToLower(rev)
	}
	return url.PathEscape(rev)
}

// isHex reports whether s is n hexadecimal digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// statusError is an HTTP error answer (not retried).
type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("the server answered %d: %s", e.code, e.body)
}

func errorFromResponse(r *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 300))
	return &statusError{code: r.StatusCode, body: strings.TrimSpace(string(b))}
}

// probe asks the resolve URL (without following its redirect, where Hugging Face puts the LFS
// metadata) for the size, the SHA-256 and the ETag.
func (m *Manager) probe(ctx context.Context, url string) (size int64, sum, etag string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return 0, "", "", err
	}
	c := *m.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", "", fmt.Errorf("reach %s: %w", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return 0, "", "", &statusError{code: resp.StatusCode, body: resp.Status}
	}
	etag = resp.Header.Get("ETag")
	if v := strings.Trim(resp.Header.Get("X-Linked-Etag"), `"W/`); len(v) == 64 {
		sum = strings.ToLower(v)
		etag = resp.Header.Get("X-Linked-Etag")
	}
	if v := resp.Header.Get("X-Linked-Size"); v != "" {
		size, _ = strconv.ParseInt(v, 10, 64)
	} else if resp.StatusCode == http.StatusOK {
		size = resp.ContentLength
	}
	return size, sum, etag, nil
}

// hashExisting feeds an existing part file to h and returns its length.
func hashExisting(part string, h hash.Hash) (int64, error) {
	f, err := os.Open(part)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(h, f)
}

// fetch downloads from off to the end, appending to part, never past limit bytes: a server
// sending more fails with ErrTooLarge and the part keeps at most limit bytes. restart reports
// that the server could not resume (the part was truncated and the hash must start over).
func (m *Manager) fetch(ctx context.Context, url, etag, part string, off, limit int64, h hash.Hash, p *Progress, progress func(Progress)) (int64, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return off, false, err
	}
	if off > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
		if etag != "" {
			req.Header.Set("If-Range", etag)
		}
	}
	resp, err := m.Client.Do(req)
	if err != nil {
		return off, false, err
	}
	defer resp.Body.Close()
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	switch {
	case resp.StatusCode == http.StatusPartialContent && off > 0:
	case resp.StatusCode == http.StatusOK:
		if off > 0 {
			// The server ignored the range (or the file changed): start from zero.
			off = 0
			h.Reset()
		}
		flags = os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		os.Remove(part)
		return 0, true, nil
	default:
		return off, false, errorFromResponse(resp)
	}
	tooLarge := fmt.Errorf("%w: the server sent more than the announced %d bytes", ErrTooLarge, limit)
	if resp.ContentLength > 0 && off+resp.ContentLength > limit {
		return off, false, fmt.Errorf("%w (its Content-Length says %d from offset %d)", tooLarge, resp.ContentLength, off)
	}
	// Read at most one byte more than the rest of the file: enough to tell that there is more.
	body := io.LimitReader(resp.Body, limit-off+1)
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return off, false, err
	}
	p.State = Downloading
	if p.Total <= 0 && resp.ContentLength > 0 {
		p.Total = off + resp.ContentLength
	}
	t0, done0, last := time.Now(), off, time.Time{}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := body.Read(buf)
		over := false
		if rest := limit - off; int64(n) > rest {
			n, over = int(rest), true
		}
		if n > 0 {
			if _, werr := f.Write(buf[:n]); werr != nil {
				f.Close()
				if errors.Is(werr, syscall.ENOSPC) {
					return off, false, fmt.Errorf("%w: the disk filled up at %d bytes in %s", ErrNoSpace, off, m.Dir)
				}
				return off, false, werr
			}
			h.Write(buf[:n])
			off += int64(n)
			if now := time.Now(); now.Sub(last) > 200*time.Millisecond {
				last = now
				p.Done = off
				if s := now.Sub(t0).Seconds(); s > 0 {
					p.BytesPerS = float64(off-done0) / s
					if p.BytesPerS > 0 && p.Total > 0 {
						p.ETASeconds = float64(p.Total-off) / p.BytesPerS
					}
				}
				progress(*p)
			}
		}
		if over {
			f.Close()
			p.Done = off
			return off, false, tooLarge
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			return off, false, rerr
		}
	}
	p.Done = off
	if err := f.Sync(); err != nil {
		f.Close()
		return off, false, err
	}
	return off, false, f.Close()
}

// Import copies a GGUF file into the directory, hashing it on the way; the copy appears under
// its final name only when complete.
func (m *Manager) Import(ctx context.Context, path string, progress func(Progress)) (Local, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	if err := checkGGUF(path); err != nil {
		return Local{}, fmt.Errorf("import: %w", err)
	}
	name := filepath.Base(path)
	if !strings.HasSuffix(name, ".gguf") {
		name += ".gguf"
	}
	final := filepath.Join(m.Dir, name)
	if _, err := os.Stat(final); err == nil {
		return Local{}, fmt.Errorf("import: %w: %s", ErrExists, name)
	}
	release, err := m.claim(name)
	if err != nil {
		return Local{}, err
	}
	defer release()
	src, err := os.Open(path)
	if err != nil {
		return Local{}, fmt.Errorf("import: %w", err)
	}
	defer src.Close()
	st, _ := src.Stat()
	if free, err := m.FreeSpace(m.Dir); err == nil && uint64(st.Size()) > free {
		return Local{}, fmt.Errorf("import: %w: need %d bytes, %d available", ErrNoSpace, st.Size(), free)
	}
	part := final + ".part"
	dst, err := os.Create(part)
	if err != nil {
		return Local{}, fmt.Errorf("import: %w", err)
	}
	h := sha256.New()
	p := Progress{ID: name, File: name, Total: st.Size(), State: Downloading}
	_, err = io.Copy(io.MultiWriter(dst, h), &ctxReader{ctx: ctx, r: src})
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, final)
	}
	if err != nil {
		os.Remove(part)
		return Local{}, fmt.Errorf("import: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	_ = WriteSum(final, sum)
	p.Done, p.State = st.Size(), Done
	progress(p)
	return Local{Name: strings.TrimSuffix(name, ".gguf"), File: name, Path: final, Size: st.Size(), SHA256: sum}, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}
