package main

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var states = []string{"idle", "contributing", "serving", "error"}

// The committed icons are what the generator draws now: a change to the drawing without
// `go generate` fails here.
func TestIconsUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		for _, ext := range []string{".png", ".ico"} {
			name := "tray-" + s + ext
			want, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("..", name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("build/%s is not what build/trayicons draws: run go generate", name)
			}
		}
	}
}

// Each state has its own picture, and each .ico holds the 16, 32 and 64 px images Windows picks
// from, where its directory says they are.
func TestIconsReadable(t *testing.T) {
	seen := map[string]string{}
	for _, s := range states {
		p, err := os.ReadFile(filepath.Join("..", "tray-"+s+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(p))
		if err != nil {
			t.Fatalf("tray-%s.png: %v", s, err)
		}
		if img.Bounds().Dx() != 64 || img.Bounds().Dy() != 64 {
			t.Fatalf("tray-%s.png is %v, not 64×64", s, img.Bounds())
		}
		var pix bytes.Buffer
		for y := 0; y < 64; y++ {
			for x := 0; x < 64; x++ {
				r, g, b, a := img.At(x, y).RGBA()
				pix.Write([]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8), byte(a >> 8)})
			}
		}
		if other, dup := seen[pix.String()]; dup {
			t.Errorf("the %s and %s icons are the same picture", s, other)
		}
		seen[pix.String()] = s

		ico, err := os.ReadFile(filepath.Join("..", "tray-"+s+".ico"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ico) < 6 || binary.LittleEndian.Uint16(ico[2:]) != 1 || binary.LittleEndian.Uint16(ico[4:]) != 3 {
			t.Fatalf("tray-%s.ico: not an icon file of three images", s)
		}
		for i, want := range []int{16, 32, 64} {
			e := ico[6+16*i:]
			size, off := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
			if int(e[0]) != want || int(e[1]) != want || int(off+size) > len(ico) {
				t.Fatalf("tray-%s.ico entry %d: %d×%d at %d+%d of %d", s, i, e[0], e[1], off, size, len(ico))
			}
			img, err := png.Decode(bytes.NewReader(ico[off : off+size]))
			if err != nil {
				t.Fatalf("tray-%s.ico entry %d: %v", s, i, err)
			}
			if img.Bounds().Dx() != want {
				t.Fatalf("tray-%s.ico entry %d is %v, not %d px wide", s, i, img.Bounds(), want)
			}
		}
	}
}
