// Package wire is the message format of ARIA's peer protocols: each message is one frame, an
// unsigned varint length followed by that many bytes of CBOR (RFC 8949). Frames have a hard size
// limit, and the decoder refuses duplicate keys, indefinite lengths and deep nesting, so a peer
// that sends garbage gets an error, never an allocation of its choosing.
package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fxamacker/cbor/v2"
)

// MaxFrame bounds one message: a 64-token batch of 2B4T hidden states is 655 KB; 16 MiB leaves
// room for larger models without letting a peer make us allocate gigabytes.
const MaxFrame = 16 << 20

// ErrTooLarge is returned for a frame longer than the limit.
var ErrTooLarge = errors.New("wire: frame exceeds the size limit")

var (
	enc cbor.EncMode
	dec cbor.DecMode
)

func init() {
	var err error
	enc, err = cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	dec, err = cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		MaxNestedLevels:  16,
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 10,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Marshal encodes v in the canonical (deterministic) CBOR encoding, the form that is hashed
// and signed.
func Marshal(v any) ([]byte, error) { return enc.Marshal(v) }

// Unmarshal decodes b into v with the decoder's limits.
func Unmarshal(b []byte, v any) error { return dec.Unmarshal(b, v) }

// Write sends v as one frame.
func Write(w io.Writer, v any) error {
	b, err := enc.Marshal(v)
	if err != nil {
		return fmt.Errorf("wire: encode %T: %w", v, err)
	}
	if len(b) > MaxFrame {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	var hdr [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(len(b)))
	buf := make([]byte, 0, n+len(b))
	buf = append(append(buf, hdr[:n]...), b...)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("wire: send %T: %w", v, err)
	}
	return nil
}

// Reader reads frames from a stream.
type Reader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

// NewReader reads frames of at most max bytes (0: MaxFrame).
func NewReader(r io.Reader, max int) *Reader {
	if max <= 0 || max > MaxFrame {
		max = MaxFrame
	}
	return &Reader{r: bufio.NewReader(r), max: max}
}

// Read decodes the next frame into v. io.EOF means the stream ended cleanly between frames;
// io.ErrUnexpectedEOF means it ended inside one.
func (r *Reader) Read(v any) error {
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return fmt.Errorf("wire: frame length: %w", err)
	}
	if n > uint64(r.max) {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, r.max)
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("wire: frame of %d bytes: %w", n, err)
	}
	if err := dec.Unmarshal(b, v); err != nil {
		return fmt.Errorf("wire: decode %T: %w", v, err)
	}
	return nil
}
