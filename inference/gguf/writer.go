package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Writer builds a GGUF v3 file: metadata in insertion order, then tensors, each aligned.
// Tensor data is either held in memory or produced by a callback at write time, so that
// multi-gigabyte synthetic models stream to disk without being held whole.
type Writer struct {
	Alignment uint64
	kv        []KV
	keys      map[string]int
	tensors   []wtensor
	names     map[string]bool
}

type wtensor struct {
	Tensor
	data  []byte
	write func(w io.Writer) error
}

// NewWriter returns a writer with the default alignment.
func NewWriter() *Writer {
	return &Writer{Alignment: DefaultAlignment, keys: map[string]int{}, names: map[string]bool{}}
}

// Set adds or replaces a metadata entry. v may be any scalar Go type of GGUF (uint8 … float64,
// bool, string), a slice of one of them, or a Value.
func (w *Writer) Set(key string, v any) error {
	val, err := toValue(v)
	if err != nil {
		return fmt.Errorf("metadata %q: %w", key, err)
	}
	if i, ok := w.keys[key]; ok {
		w.kv[i].Value = val
		return nil
	}
	w.keys[key] = len(w.kv)
	w.kv = append(w.kv, KV{Key: key, Value: val})
	return nil
}

// AddTensor adds a tensor whose bytes are given. len(data) must equal the size of the type
// and dims.
func (w *Writer) AddTensor(name string, t Type, dims []uint64, data []byte) error {
	size, err := w.add(name, t, dims)
	if err != nil {
		return err
	}
	if uint64(len(data)) != size {
		return fmt.Errorf("tensor %q: %d bytes given, %s %v needs %d", name, len(data), t, dims, size)
	}
	w.tensors[len(w.tensors)-1].data = data
	return nil
}

// AddTensorFunc adds a tensor whose bytes are written by fn at write time; fn must write
// exactly the size of the type and dims.
func (w *Writer) AddTensorFunc(name string, t Type, dims []uint64, fn func(io.Writer) error) error {
	if _, err := w.add(name, t, dims); err != nil {
		return err
	}
	w.tensors[len(w.tensors)-1].write = fn
	return nil
}

func (w *Writer) add(name string, t Type, dims []uint64) (uint64, error) {
	if w.names[name] {
		return 0, fmt.Errorf("tensor %q added twice", name)
	}
	if len(dims) == 0 || len(dims) > maxDims {
		return 0, fmt.Errorf("tensor %q: %d dimensions", name, len(dims))
	}
	size, err := Size(t, dims)
	if err != nil {
		return 0, fmt.Errorf("tensor %q: %w", name, err)
	}
	var off uint64
	if n := len(w.tensors); n > 0 {
		last := w.tensors[n-1]
		off = alignUp(last.Offset+last.Size, w.Alignment)
	}
	w.names[name] = true
	w.tensors = append(w.tensors, wtensor{Tensor: Tensor{Name: name, Dims: append([]uint64(nil), dims...), Type: t, Offset: off, Size: size}})
	return size, nil
}

// WriteFile writes the file atomically: to a temporary file beside path, then renamed, so a
// crash never leaves a half-written model under the final name.
func (w *Writer) WriteFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := w.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes the file private; a model is an ordinary readable file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteTo writes the whole file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriterSize(out, 1<<20)}
	e := &encoder{w: cw}
	kv := w.kv
	if w.Alignment != DefaultAlignment {
		if _, ok := w.keys["general.alignment"]; !ok {
			kv = append(append([]KV(nil), kv...), KV{"general.alignment", Value{Type: ValUint32, V: uint32(w.Alignment)}})
		}
	}
	e.u32(Magic)
	e.u32(3)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(kv)))
	for _, p := range kv {
		e.str(p.Key)
		e.u32(uint32(p.Value.Type))
		e.value(p.Value)
	}
	for _, t := range w.tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(t.Offset)
	}
	if e.err != nil {
		return cw.n, e.err
	}
	e.pad(w.Alignment)
	start := cw.n
	for _, t := range w.tensors {
		e.zeros(start + int64(t.Offset) - cw.n)
		if e.err != nil {
			return cw.n, e.err
		}
		before := cw.n
		if t.write != nil {
			if err := t.write(cw); err != nil {
				return cw.n, fmt.Errorf("tensor %q: %w", t.Name, err)
			}
		} else {
			cw.Write(t.data)
		}
		if cw.err != nil {
			return cw.n, cw.err
		}
		if got := uint64(cw.n - before); got != t.Size {
			return cw.n, fmt.Errorf("tensor %q: wrote %d bytes, want %d", t.Name, got, t.Size)
		}
	}
	e.pad(w.Alignment)
	if e.err == nil {
		e.err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, e.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

type encoder struct {
	w   *countWriter
	err error
	buf [8]byte
}

func (e *encoder) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:], v); e.write(e.buf[:4]) }
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:], v); e.write(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.write([]byte(s)) }
func (e *encoder) zeros(n int64) {
	var z [256]byte
	for n > 0 && e.err == nil {
		k := min(n, int64(len(z)))
		e.write(z[:k])
		n -= k
	}
}
func (e *encoder) pad(a uint64) { e.zeros(int64(alignUp(uint64(e.w.n), a)) - e.w.n) }

func (e *encoder) value(v Value) {
	if v.Type == ValArray {
		e.u32(uint32(v.Elem))
		e.u64(uint64(v.Len()))
		e.array(v)
		return
	}
	e.scalar(v.Type, v.V)
}

func (e *encoder) scalar(t ValueType, x any) {
	le := binary.LittleEndian
	b := e.buf[:]
	switch t {
	case ValUint8:
		e.write([]byte{x.(uint8)})
	case ValInt8:
		e.write([]byte{byte(x.(int8))})
	case ValBool:
		if x.(bool) {
			e.write([]byte{1})
		} else {
			e.write([]byte{0})
		}
	case ValUint16:
		le.PutUint16(b, x.(uint16))
		e.write(b[:2])
	case ValInt16:
		le.PutUint16(b, uint16(x.(int16)))
		e.write(b[:2])
	case ValUint32:
		e.u32(x.(uint32))
	case ValInt32:
		e.u32(uint32(x.(int32)))
	case ValFloat32:
		e.u32(math.Float32bits(x.(float32)))
	case ValUint64:
		e.u64(x.(uint64))
	case ValInt64:
		e.u64(uint64(x.(int64)))
	case ValFloat64:
		e.u64(math.Float64bits(x.(float64)))
	case ValString:
		e.str(x.(string))
	}
}

func (e *encoder) array(v Value) {
	switch s := v.V.(type) {
	case []uint8:
		e.write(s)
	case []Value:
		for _, x := range s {
			e.value(x)
		}
	case []string:
		for _, x := range s {
			e.str(x)
		}
	default:
		each(v.V, func(x any) { e.scalar(v.Elem, x) })
	}
}

func each(s any, fn func(any)) {
	switch s := s.(type) {
	case []int8:
		for _, x := range s {
			fn(x)
		}
	case []bool:
		for _, x := range s {
			fn(x)
		}
	case []uint16:
		for _, x := range s {
			fn(x)
		}
	case []int16:
		for _, x := range s {
			fn(x)
		}
	case []uint32:
		for _, x := range s {
			fn(x)
		}
	case []int32:
		for _, x := range s {
			fn(x)
		}
	case []float32:
		for _, x := range s {
			fn(x)
		}
	case []uint64:
		for _, x := range s {
			fn(x)
		}
	case []int64:
		for _, x := range s {
			fn(x)
		}
	case []float64:
		for _, x := range s {
			fn(x)
		}
	}
}

func toValue(v any) (Value, error) {
	switch x := v.(type) {
	case Value:
		return x, nil
	case uint8:
		return Value{Type: ValUint8, V: x}, nil
	case int8:
		return Value{Type: ValInt8, V: x}, nil
	case uint16:
		return Value{Type: ValUint16, V: x}, nil
	case int16:
		return Value{Type: ValInt16, V: x}, nil
	case uint32:
		return Value{Type: ValUint32, V: x}, nil
	case int32:
		return Value{Type: ValInt32, V: x}, nil
	case float32:
		return Value{Type: ValFloat32, V: x}, nil
	case bool:
		return Value{Type: ValBool, V: x}, nil
	case string:
		return Value{Type: ValString, V: x}, nil
	case uint64:
		return Value{Type: ValUint64, V: x}, nil
	case int64:
		return Value{Type: ValInt64, V: x}, nil
	case float64:
		return Value{Type: ValFloat64, V: x}, nil
	case []uint8:
		return Value{Type: ValArray, Elem: ValUint8, V: x}, nil
	case []int8:
		return Value{Type: ValArray, Elem: ValInt8, V: x}, nil
	case []bool:
		return Value{Type: ValArray, Elem: ValBool, V: x}, nil
	case []uint16:
		return Value{Type: ValArray, Elem: ValUint16, V: x}, nil
	case []int16:
		return Value{Type: ValArray, Elem: ValInt16, V: x}, nil
	case []uint32:
		return Value{Type: ValArray, Elem: ValUint32, V: x}, nil
	case []int32:
		return Value{Type: ValArray, Elem: ValInt32, V: x}, nil
	case []float32:
		return Value{Type: ValArray, Elem: ValFloat32, V: x}, nil
	case []string:
		return Value{Type: ValArray, Elem: ValString, V: x}, nil
	case []uint64:
		return Value{Type: ValArray, Elem: ValUint64, V: x}, nil
	case []int64:
		return Value{Type: ValArray, Elem: ValInt64, V: x}, nil
	case []float64:
		return Value{Type: ValArray, Elem: ValFloat64, V: x}, nil
	}
	return Value{}, fmt.Errorf("unsupported value type %T", v)
}
