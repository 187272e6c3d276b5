package library

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSumBesideTheModel(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.gguf")
	if err := os.WriteFile(model, []byte("ternary"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := SumFile(model)
	if err != nil {
		t.Fatal(err)
	}
	// sha256("ternary"), from sha256sum.
	if sum != "3039b4d3c3ede801289623c918aa729f8fe34d2e7c4fde55fdd9ab82518211c4" {
		t.Fatalf("sum %q", sum)
	}
	if err := WriteSum(model, sum); err != nil {
		t.Fatal(err)
	}
	if got, ok := ReadSum(model); !ok || got != sum {
		t.Fatalf("read back %q %v, wrote %q", got, ok, sum)
	}
	for name, content := range map[string]string{
		"truncated": sum[:40],
		"not hex":   "z" + sum[1:],
		"empty":     "",
	} {
		if err := os.WriteFile(model+sumSuffix, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, ok := ReadSum(model); ok {
			t.Errorf("%s sidecar read as %q", name, got)
		}
	}
	if _, ok := ReadSum(filepath.Join(dir, "none.gguf")); ok {
		t.Error("a sum for a model with no sidecar")
	}
}
