package gguf

import "fmt"

// ValueType is the type tag of a GGUF metadata value.
type ValueType uint32

// GGUF metadata value types.
const (
	ValUint8   ValueType = 0
	ValInt8    ValueType = 1
	ValUint16  ValueType = 2
	ValInt16   ValueType = 3
	ValUint32  ValueType = 4
	ValInt32   ValueType = 5
	ValFloat32 ValueType = 6
	ValBool    ValueType = 7
	ValString  ValueType = 8
	ValArray   ValueType = 9
	ValUint64  ValueType = 10
	ValInt64   ValueType = 11
	ValFloat64 ValueType = 12
)

var valueNames = [...]string{"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"}

func (v ValueType) String() string {
	if int(v) < len(valueNames) {
		return valueNames[v]
	}
	return fmt.Sprintf("value(%d)", uint32(v))
}

// fixedSize is the encoded size of a scalar value type, 0 for variable-size types.
func (v ValueType) fixedSize() int {
	switch v {
	case ValUint8, ValInt8, ValBool:
		return 1
	case ValUint16, ValInt16:
		return 2
	case ValUint32, ValInt32, ValFloat32:
		return 4
	case ValUint64, ValInt64, ValFloat64:
		return 8
	}
	return 0
}

// Value is one metadata value. Scalars hold the matching Go type (uint8 … float64, bool,
// string); arrays hold a typed slice ([]uint32, []string, …) or []Value for arrays of arrays.
type Value struct {
	Type ValueType
	Elem ValueType // element type when Type == ValArray
	V    any
}

// KV is one metadata entry, in file order.
type KV struct {
	Key   string
	Value Value
}

// asUint converts any integer (or bool) scalar to uint64; negative values fail.
func (v Value) asUint() (uint64, bool) {
	switch x := v.V.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8:
		return uint64(x), x >= 0
	case int16:
		return uint64(x), x >= 0
	case int32:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func (v Value) asFloat() (float64, bool) {
	switch x := v.V.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if u, ok := v.asUint(); ok {
		return float64(u), true
	}
	switch x := v.V.(type) {
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// Len is the number of elements of an array value (0 for scalars).
func (v Value) Len() int {
	switch x := v.V.(type) {
	case []uint8:
		return len(x)
	case []int8:
		return len(x)
	case []uint16:
		return len(x)
	case []int16:
		return len(x)
	case []uint32:
		return len(x)
	case []int32:
		return len(x)
	case []float32:
		return len(x)
	case []bool:
		return len(x)
	case []string:
		return len(x)
	case []uint64:
		return len(x)
	case []int64:
		return len(x)
	case []float64:
		return len(x)
	case []Value:
		return len(x)
	}
	return 0
}

// Summary renders a value for humans, shortening long arrays and strings.
func (v Value) Summary(max int) string {
	if v.Type == ValArray {
		return fmt.Sprintf("[%s × %d]", v.Elem, v.Len())
	}
	if s, ok := v.V.(string); ok {
		if len(s) > max {
			return fmt.Sprintf("%q… (%d bytes)", s[:max], len(s))
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v.V)
}
