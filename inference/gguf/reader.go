// Package gguf reads and writes GGUF files, the container of llama.cpp and bitnet.cpp models.
// It knows the container (metadata, tensor infos, alignment, tensor byte sizes) and nothing
// about any model. Files are memory-mapped; tensor data is never copied into the Go heap.
package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"

	mmap "github.com/edsrzf/mmap-go"
)

// Magic is "GGUF" read as a little-endian uint32.
const Magic = 0x46554747

// DefaultAlignment applies when general.alignment is absent.
const DefaultAlignment = 32

// Limits that keep a hostile header from driving huge allocations or loops. Real models stay
// far below them (LLaMA-3 has 280 147 merges; the largest models a few thousand tensors).
const (
	maxKV         = 1 << 16
	maxTensors    = 1 << 20
	maxDims       = 4 // GGML_MAX_DIMS
	maxStringLen  = 1 << 26
	maxArrayDepth = 4
)

// ErrFormat is wrapped by every error about a malformed file, so callers can tell a bad file
// from an I/O failure.
var ErrFormat = errors.New("malformed GGUF")

// Tensor describes one tensor of the file.
type Tensor struct {
	Name   string
	Dims   []uint64 // ne[0] (contiguous) first
	Type   Type
	Offset uint64 // relative to the start of the data section
	Size   uint64 // bytes
}

// Elements is the number of elements of the tensor.
func (t *Tensor) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// File is a parsed GGUF file. Its tensor data aliases the mapping: keep the File open while
// any slice returned by Data is in use.
type File struct {
	Version    uint32
	Alignment  uint64
	KV         []KV
	Tensors    []Tensor
	DataOffset uint64 // absolute offset of the data section

	kv      map[string]int
	tensors map[string]int
	buf     []byte
	mapping mmap.MMap
	file    *os.File
}

// Open memory-maps and parses the GGUF file at path.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("open model %s: %w", path, err)
	}
	if st.Size() < 24 {
		fh.Close()
		return nil, fmt.Errorf("read %s: %w: file is %d bytes, too short for a GGUF header", path, ErrFormat, st.Size())
	}
	m, err := mmap.Map(fh, mmap.RDONLY, 0)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	f, err := Parse(m)
	if err != nil {
		m.Unmap()
		fh.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f.mapping = m
	f.file = fh
	return f, nil
}

// Close releases the mapping. Slices from Data must not be used afterwards.
func (f *File) Close() error {
	var err error
	if f.mapping != nil {
		err = f.mapping.Unmap()
		f.mapping = nil
	}
	if f.file != nil {
		if e := f.file.Close(); err == nil {
			err = e
		}
		f.file = nil
	}
	f.buf = nil
	return err
}

// Parse reads a whole GGUF image held in memory. The returned File aliases b.
func Parse(b []byte) (*File, error) {
	r := &reader{b: b}
	magic, err := r.u32()
	if err != nil {
		return nil, err
	}
	if magic != Magic {
		return nil, fmt.Errorf("%w: bad magic %#08x (not a GGUF file)", ErrFormat, magic)
	}
	f := &File{buf: b, kv: map[string]int{}, tensors: map[string]int{}}
	if f.Version, err = r.u32(); err != nil {
		return nil, err
	}
	if f.Version != 2 && f.Version != 3 {
		return nil, fmt.Errorf("%w: GGUF version %d is not supported (want 2 or 3)", ErrFormat, f.Version)
	}
	nTensors, err := r.u64()
	if err != nil {
		return nil, err
	}
	nKV, err := r.u64()
	if err != nil {
		return nil, err
	}
	if nKV > maxKV {
		return nil, fmt.Errorf("%w: %d metadata entries (limit %d)", ErrFormat, nKV, maxKV)
	}
	if nTensors > maxTensors {
		return nil, fmt.Errorf("%w: %d tensors (limit %d)", ErrFormat, nTensors, maxTensors)
	}
	// Each entry needs at least 12 bytes: a cheap bound before allocating.
	if nKV*12 > uint64(r.remaining()) || nTensors*24 > uint64(r.remaining()) {
		return nil, fmt.Errorf("%w: header claims %d entries and %d tensors, more than the file holds", ErrFormat, nKV, nTensors)
	}
	f.KV = make([]KV, 0, nKV)
	for i := uint64(0); i < nKV; i++ {
		key, err := r.str()
		if err != nil {
			return nil, fmt.Errorf("metadata entry %d: %w", i, err)
		}
		vt, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		v, err := r.value(ValueType(vt), 0)
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		if _, dup := f.kv[key]; dup {
			return nil, fmt.Errorf("%w: duplicate metadata key %q", ErrFormat, key)
		}
		f.kv[key] = len(f.KV)
		f.KV = append(f.KV, KV{Key: key, Value: v})
	}
	f.Alignment = DefaultAlignment
	if v, ok := f.Get("general.alignment"); ok {
		a, ok := v.asUint()
		if !ok || a == 0 || a&(a-1) != 0 || a > 1<<16 {
			return nil, fmt.Errorf("%w: general.alignment %v is not a power of two", ErrFormat, v.V)
		}
		f.Alignment = a
	}
	f.Tensors = make([]Tensor, 0, nTensors)
	for i := uint64(0); i < nTensors; i++ {
		t, err := r.tensorInfo()
		if err != nil {
			return nil, fmt.Errorf("tensor info %d: %w", i, err)
		}
		if _, dup := f.tensors[t.Name]; dup {
			return nil, fmt.Errorf("%w: duplicate tensor %q", ErrFormat, t.Name)
		}
		f.tensors[t.Name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, t)
	}
	f.DataOffset = alignUp(uint64(r.off), f.Alignment)
	if nTensors > 0 && f.DataOffset > uint64(len(b)) {
		return nil, fmt.Errorf("%w: file ends (%d bytes) before the tensor data starts at %d", ErrFormat, len(b), f.DataOffset)
	}
	if err := f.checkTensors(); err != nil {
		return nil, err
	}
	return f, nil
}

// checkTensors validates offsets and sizes against the file, resolving the I2_S ambiguity.
func (f *File) checkTensors() error {
	dataLen := uint64(0)
	if uint64(len(f.buf)) > f.DataOffset {
		dataLen = uint64(len(f.buf)) - f.DataOffset
	}
	order := make([]int, len(f.Tensors))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return f.Tensors[order[a]].Offset < f.Tensors[order[b]].Offset })
	for k, i := range order {
		t := &f.Tensors[i]
		if t.Offset%f.Alignment != 0 {
			return fmt.Errorf("%w: tensor %q offset %d is not a multiple of the alignment %d", ErrFormat, t.Name, t.Offset, f.Alignment)
		}
		// room = bytes up to the next tensor (or the end of the file).
		room := dataLen - min(t.Offset, dataLen)
		if k+1 < len(order) {
			next := f.Tensors[order[k+1]].Offset
			room = min(next, dataLen) - min(t.Offset, dataLen)
		}
		if t.Type == TypeI2_S {
			if err := checkI2S(t, room, f.Alignment); err != nil {
				return err
			}
		}
		if t.Offset > dataLen || t.Size > dataLen-t.Offset {
			return fmt.Errorf("%w: tensor %q (%s, %d bytes at data offset %d) runs past the end of the file (data section is %d bytes; truncated download?)",
				ErrFormat, t.Name, t.Type, t.Size, t.Offset, dataLen)
		}
		if t.Size > room {
			return fmt.Errorf("%w: tensor %q (%d bytes at %d) overlaps the next tensor", ErrFormat, t.Name, t.Size, t.Offset)
		}
	}
	return nil
}

// checkI2S accepts type 36 as bitnet.cpp's I2_S only when the bytes the file gives the tensor
// fit n/4+32 and not the size of upstream's IQ4_NL_4_4, which once used the same id.
func checkI2S(t *Tensor, room, align uint64) error {
	n := t.Elements()
	iq4 := n / 32 * 18
	if room >= t.Size && (room < alignUp(t.Size, align)+align || room < iq4) {
		return nil
	}
	if room >= iq4 {
		return fmt.Errorf("%w: tensor %q has type 36, which ARIA reads as bitnet.cpp's I2_S (%d bytes = n/4+32), but the file gives it %d bytes, the size of upstream ggml's IQ4_NL_4_4 (%d bytes), which is not supported",
			ErrFormat, t.Name, t.Size, room, iq4)
	}
	return fmt.Errorf("%w: tensor %q has type 36, read as bitnet.cpp's I2_S, which needs n/4+32 = %d bytes, but the file gives it %d (truncated file?)",
		ErrFormat, t.Name, t.Size, room)
}

func alignUp(x, a uint64) uint64 { return (x + a - 1) / a * a }

// Data returns the bytes of tensor t, aliasing the mapping.
func (f *File) Data(t *Tensor) []byte {
	start := f.DataOffset + t.Offset
	return f.buf[start : start+t.Size : start+t.Size]
}

// Tensor looks a tensor up by name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	i, ok := f.tensors[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// Get returns a metadata value by key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.kv[key]
	if !ok {
		return Value{}, false
	}
	return f.KV[i].Value, true
}

// String returns a string value.
func (f *File) String(key string) (string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.V.(string)
	return s, ok
}

// Uint returns any non-negative integer value as uint64.
func (f *File) Uint(key string) (uint64, bool) {
	v, ok := f.Get(key)
	if !ok || v.Type == ValArray {
		return 0, false
	}
	return v.asUint()
}

// Float returns any numeric value as float64.
func (f *File) Float(key string) (float64, bool) {
	v, ok := f.Get(key)
	if !ok || v.Type == ValArray {
		return 0, false
	}
	return v.asFloat()
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, bool) {
	v, ok := f.Get(key)
	if !ok {
		return false, false
	}
	b, ok := v.V.(bool)
	return b, ok
}

// Strings returns a string array.
func (f *File) Strings(key string) ([]string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	s, ok := v.V.([]string)
	return s, ok
}

// Ints returns an integer array of any integer element type as int64s.
func (f *File) Ints(key string) ([]int64, bool) {
	v, ok := f.Get(key)
	if !ok || v.Type != ValArray {
		return nil, false
	}
	out := make([]int64, 0, v.Len())
	switch x := v.V.(type) {
	case []int32:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []uint32:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []int64:
		out = append(out, x...)
	case []uint64:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []int8:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []uint8:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []int16:
		for _, e := range x {
			out = append(out, int64(e))
		}
	case []uint16:
		for _, e := range x {
			out = append(out, int64(e))
		}
	default:
		return nil, false
	}
	return out, true
}

// Floats returns a float array as float32s.
func (f *File) Floats(key string) ([]float32, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	switch x := v.V.(type) {
	case []float32:
		return x, true
	case []float64:
		out := make([]float32, len(x))
		for i, e := range x {
			out[i] = float32(e)
		}
		return out, true
	}
	return nil, false
}

// reader is a bounds-checked cursor over the file image.
type reader struct {
	b   []byte
	off int
}

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) need(n uint64) error {
	if n > uint64(r.remaining()) {
		return fmt.Errorf("%w: unexpected end of file at byte %d (need %d more bytes, %d left)", ErrFormat, r.off, n, r.remaining())
	}
	return nil
}

func (r *reader) take(n uint64) ([]byte, error) {
	if err := r.need(n); err != nil {
		return nil, err
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

func (r *reader) u32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (r *reader) u64() (uint64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (r *reader) str() (string, error) {
	n, err := r.u64()
	if err != nil {
		return "", err
	}
	if n > maxStringLen {
		return "", fmt.Errorf("%w: string of %d bytes (limit %d)", ErrFormat, n, maxStringLen)
	}
	b, err := r.take(n)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (r *reader) value(t ValueType, depth int) (Value, error) {
	if t == ValArray {
		return r.array(depth)
	}
	if t == ValString {
		s, err := r.str()
		return Value{Type: t, V: s}, err
	}
	sz := t.fixedSize()
	if sz == 0 {
		return Value{}, fmt.Errorf("%w: unknown metadata value type %d", ErrFormat, uint32(t))
	}
	b, err := r.take(uint64(sz))
	if err != nil {
		return Value{}, err
	}
	return Value{Type: t, V: scalar(t, b)}, nil
}

func scalar(t ValueType, b []byte) any {
	le := binary.LittleEndian
	switch t {
	case ValUint8:
		return b[0]
	case ValInt8:
		return int8(b[0])
	case ValBool:
		return b[0] != 0
	case ValUint16:
		return le.Uint16(b)
	case ValInt16:
		return int16(le.Uint16(b))
	case ValUint32:
		return le.Uint32(b)
	case ValInt32:
		return int32(le.Uint32(b))
	case ValFloat32:
		return math.Float32frombits(le.Uint32(b))
	case ValUint64:
		return le.Uint64(b)
	case ValInt64:
		return int64(le.Uint64(b))
	case ValFloat64:
		return math.Float64frombits(le.Uint64(b))
	}
	panic("unreachable")
}

func (r *reader) array(depth int) (Value, error) {
	if depth >= maxArrayDepth {
		return Value{}, fmt.Errorf("%w: arrays nested deeper than %d", ErrFormat, maxArrayDepth)
	}
	et32, err := r.u32()
	if err != nil {
		return Value{}, err
	}
	et := ValueType(et32)
	n, err := r.u64()
	if err != nil {
		return Value{}, err
	}
	// Every element takes at least one byte (strings 8), so n is bounded by the bytes left.
	minSize := uint64(et.fixedSize())
	switch et {
	case ValString:
		minSize = 8
	case ValArray:
		minSize = 12
	}
	if minSize == 0 {
		return Value{}, fmt.Errorf("%w: unknown array element type %d", ErrFormat, et32)
	}
	if n > uint64(r.remaining())/minSize {
		return Value{}, fmt.Errorf("%w: array of %d %s elements is longer than the rest of the file", ErrFormat, n, et)
	}
	v := Value{Type: ValArray, Elem: et}
	switch et {
	case ValString:
		s := make([]string, n)
		for i := range s {
			if s[i], err = r.str(); err != nil {
				return Value{}, fmt.Errorf("array element %d: %w", i, err)
			}
		}
		v.V = s
	case ValArray:
		s := make([]Value, n)
		for i := range s {
			if s[i], err = r.array(depth + 1); err != nil {
				return Value{}, fmt.Errorf("array element %d: %w", i, err)
			}
		}
		v.V = s
	default:
		b, _ := r.take(n * minSize)
		v.V = scalarSlice(et, b, int(n))
	}
	return v, nil
}

func scalarSlice(t ValueType, b []byte, n int) any {
	le := binary.LittleEndian
	switch t {
	case ValUint8:
		return append([]uint8(nil), b...)
	case ValInt8:
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(b[i])
		}
		return s
	case ValBool:
		s := make([]bool, n)
		for i := range s {
			s[i] = b[i] != 0
		}
		return s
	case ValUint16:
		s := make([]uint16, n)
		for i := range s {
			s[i] = le.Uint16(b[2*i:])
		}
		return s
	case ValInt16:
		s := make([]int16, n)
		for i := range s {
			s[i] = int16(le.Uint16(b[2*i:]))
		}
		return s
	case ValUint32:
		s := make([]uint32, n)
		for i := range s {
			s[i] = le.Uint32(b[4*i:])
		}
		return s
	case ValInt32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(le.Uint32(b[4*i:]))
		}
		return s
	case ValFloat32:
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
		return s
	case ValUint64:
		s := make([]uint64, n)
		for i := range s {
			s[i] = le.Uint64(b[8*i:])
		}
		return s
	case ValInt64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(le.Uint64(b[8*i:]))
		}
		return s
	case ValFloat64:
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
		return s
	}
	panic("unreachable")
}

func (r *reader) tensorInfo() (Tensor, error) {
	name, err := r.str()
	if err != nil {
		return Tensor{}, err
	}
	nd, err := r.u32()
	if err != nil {
		return Tensor{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if nd == 0 || nd > maxDims {
		return Tensor{}, fmt.Errorf("%w: tensor %q has %d dimensions (1 to %d allowed)", ErrFormat, name, nd, maxDims)
	}
	t := Tensor{Name: name, Dims: make([]uint64, nd)}
	for i := range t.Dims {
		if t.Dims[i], err = r.u64(); err != nil {
			return Tensor{}, fmt.Errorf("tensor %q: %w", name, err)
		}
	}
	typ, err := r.u32()
	if err != nil {
		return Tensor{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	t.Type = Type(typ)
	if t.Offset, err = r.u64(); err != nil {
		return Tensor{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if !t.Type.Known() {
		return Tensor{}, fmt.Errorf("%w: tensor %q has unknown type %d", ErrFormat, name, typ)
	}
	if t.Size, err = Size(t.Type, t.Dims); err != nil {
		return Tensor{}, fmt.Errorf("%w: tensor %q: %v", ErrFormat, name, err)
	}
	return t, nil
}
