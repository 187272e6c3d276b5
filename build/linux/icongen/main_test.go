package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// A 2×2 checker of opaque red and transparent pixels, drawn at 64×64.
func checker(t *testing.T) *image.RGBA {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			if (x/32+y/32)%2 == 0 {
				m.SetRGBA(x, y, color.RGBA{255, 0, 0, 255})
			}
		}
	}
	return m
}

// Shrinking averages: a 64×64 checker of 32-pixel squares is four solid pixels at 2×2 and a
// half-transparent red at 1×1; enlarging keeps the corners' colours.
func TestResize(t *testing.T) {
	src := checker(t)
	two := resize(src, 2)
	if got := two.RGBAAt(0, 0); got != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("2×2 (0,0) = %v, want opaque red", got)
	}
	if got := two.RGBAAt(1, 0); got != (color.RGBA{}) {
		t.Errorf("2×2 (1,0) = %v, want transparent", got)
	}
	if got := resize(src, 1).RGBAAt(0, 0); got != (color.RGBA{128, 0, 0, 128}) {
		t.Errorf("1×1 = %v, want premultiplied half red", got)
	}
	big := resize(src, 128)
	if big.Bounds().Dx() != 128 || big.RGBAAt(0, 0) != (color.RGBA{255, 0, 0, 255}) || big.RGBAAt(127, 0) != (color.RGBA{}) {
		t.Errorf("128×128: %v, corners %v %v", big.Bounds(), big.RGBAAt(0, 0), big.RGBAAt(127, 0))
	}
	// 48 is not a divisor of 64: partly covered source pixels are weighted, nothing spills.
	if got := resize(src, 48).RGBAAt(47, 47); got != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("48×48 corner = %v", got)
	}
}

// The files the packages install: one PNG per hicolor size at its size, and an .ico whose
// directory names every size with a readable image at its offset.
func TestRunWritesIconsAtTheirSizes(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := png.Encode(&buf, checker(t)); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "src.png")
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ico := filepath.Join(dir, "aria.ico")
	if err := run(src, filepath.Join(dir, "hicolor"), "aria", ico); err != nil {
		t.Fatal(err)
	}
	for _, n := range hicolorSizes {
		f, err := os.Open(filepath.Join(dir, "hicolor", sizeDir(n), "apps", "aria.png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != n || cfg.Height != n {
			t.Errorf("hicolor %d: %dx%d, %v", n, cfg.Width, cfg.Height, err)
		}
	}

	b, err := os.ReadFile(ico)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(b[0:]) != 0 || le.Uint16(b[2:]) != 1 || int(le.Uint16(b[4:])) != len(icoSizes) {
		t.Fatalf("ICONDIR % x", b[:6])
	}
	for i, n := range icoSizes {
		e := b[6+16*i:]
		w, size, off := int(e[0]), le.Uint32(e[8:]), le.Uint32(e[12:])
		if w == 0 {
			w = 256
		}
		if w != n || int(off+size) > len(b) {
			t.Fatalf("entry %d: width %d size %d offset %d (file %d bytes)", i, w, size, off, len(b))
		}
		img := b[off : off+size]
		if n >= 256 {
			cfg, err := png.DecodeConfig(bytes.NewReader(img))
			if err != nil || cfg.Width != n {
				t.Errorf("entry %d: PNG %v, %v", i, cfg, err)
			}
			continue
		}
		// BITMAPINFOHEADER: width, double height, 32 bits; the first stored row is the bottom one,
		// whose left pixel is transparent in the checker and whose right one is red.
		if le.Uint32(img) != 40 || int(le.Uint32(img[4:])) != n || int(le.Uint32(img[8:])) != 2*n || le.Uint16(img[14:]) != 32 {
			t.Fatalf("entry %d: header % x", i, img[:16])
		}
		px := img[40:]
		if left, right := px[0:4], px[4*(n-1):4*n]; !bytes.Equal(left, []byte{0, 0, 0, 0}) || !bytes.Equal(right, []byte{0, 0, 255, 255}) {
			t.Errorf("entry %d: bottom row starts % x, ends % x (BGRA)", i, left, right)
		}
	}
}

func TestRunRefusesANonSquareSource(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 2)))
	src := filepath.Join(dir, "wide.png")
	os.WriteFile(src, buf.Bytes(), 0o644)
	if err := run(src, dir, "aria", ""); err == nil {
		t.Fatal("a 4×2 icon was accepted")
	}
}
