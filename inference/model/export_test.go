package model

// SetTQ1AsT2 makes Load repack TQ1_0 weights as T2 (v) or T1, and returns the old setting.
func SetTQ1AsT2(v bool) bool {
	old := tq1AsT2
	tq1AsT2 = v
	return old
}
