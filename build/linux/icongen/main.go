// Command icongen writes the app icon (build/appicon.png) in the sizes the installers need: the
// hicolor PNGs of the Debian package and the Windows .ico of the NSIS installer. Standard library
// only, so that packaging needs no ImageMagick.
//
//	go run ./build/linux/icongen -src build/appicon.png -hicolor DIR -ico FILE
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// hicolorSizes are the freedesktop icon theme sizes a desktop may ask for (apps/ of each).
var hicolorSizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

// icoSizes are the sizes Windows picks from for the Start menu, Explorer and the taskbar.
var icoSizes = []int{16, 24, 32, 48, 64, 256}

func main() {
	src := flag.String("src", "build/appicon.png", "the source icon (square PNG)")
	hicolor := flag.String("hicolor", "", "write DIR/NxN/apps/NAME.png for each hicolor size")
	name := flag.String("name", "aria", "icon name in the hicolor theme")
	ico := flag.String("ico", "", "write a Windows .ico to this file")
	flag.Parse()
	if err := run(*src, *hicolor, *name, *ico); err != nil {
		fmt.Fprintln(os.Stderr, "icongen:", err)
		os.Exit(1)
	}
}

func run(src, hicolor, name, ico string) error {
	img, err := load(src)
	if err != nil {
		return err
	}
	if hicolor != "" {
		for _, n := range hicolorSizes {
			dir := filepath.Join(hicolor, sizeDir(n), "apps")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("hicolor: %w", err)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, resize(img, n)); err != nil {
				return fmt.Errorf("hicolor %d: %w", n, err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("hicolor: %w", err)
			}
		}
	}
	if ico != "" {
		var buf bytes.Buffer
		if err := writeICO(&buf, img, icoSizes); err != nil {
			return fmt.Errorf("ico: %w", err)
		}
		if err := os.WriteFile(ico, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("ico: %w", err)
		}
	}
	return nil
}

func sizeDir(n int) string { return fmt.Sprintf("%dx%d", n, n) }

func load(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("source icon: %w", err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("source icon %s: %w", path, err)
	}
	b := m.Bounds()
	if b.Dx() != b.Dy() {
		return nil, fmt.Errorf("source icon %s is %dx%d, not square", path, b.Dx(), b.Dy())
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), m, b.Min, draw.Src)
	return rgba, nil
}

// resize scales the square src to n×n: by area averaging when shrinking (each target pixel is
// the mean of the source area it covers), bilinearly when enlarging. image.RGBA holds
// premultiplied colour, so averaging it blends transparent edges correctly.
func resize(src *image.RGBA, n int) *image.RGBA {
	s := src.Bounds().Dx()
	dst := image.NewRGBA(image.Rect(0, 0, n, n))
	if n == s {
		copy(dst.Pix, src.Pix)
		return dst
	}
	scale := float64(s) / float64(n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var c [4]float64
			if n < s {
				c = area(src, float64(x)*scale, float64(y)*scale, scale)
			} else {
				c = bilinear(src, (float64(x)+0.5)*scale-0.5, (float64(y)+0.5)*scale-0.5)
			}
			i := dst.PixOffset(x, y)
			for k := range 4 {
				dst.Pix[i+k] = uint8(min(255, c[k]+0.5))
			}
		}
	}
	return dst
}

// area averages the square [x0, x0+w) × [y0, y0+w) of src, weighting partly covered pixels.
func area(src *image.RGBA, x0, y0, w float64) [4]float64 {
	var sum [4]float64
	var total float64
	for sy := int(y0); float64(sy) < y0+w; sy++ {
		wy := min(float64(sy+1), y0+w) - max(float64(sy), y0)
		for sx := int(x0); float64(sx) < x0+w; sx++ {
			wx := min(float64(sx+1), x0+w) - max(float64(sx), x0)
			i := src.PixOffset(sx, sy)
			for k := range 4 {
				sum[k] += wx * wy * float64(src.Pix[i+k])
			}
			total += wx * wy
		}
	}
	for k := range sum {
		sum[k] /= total
	}
	return sum
}

func bilinear(src *image.RGBA, fx, fy float64) [4]float64 {
	last := src.Bounds().Dx() - 1
	clamp := func(v int) int { return max(0, min(last, v)) }
	x0, y0 := int(fx), int(fy)
	if fx < 0 {
		x0 = -1
	}
	if fy < 0 {
		y0 = -1
	}
	tx, ty := fx-float64(x0), fy-float64(y0)
	var c [4]float64
	for _, p := range []struct {
		x, y int
		w    float64
	}{{x0, y0, (1 - tx) * (1 - ty)}, {x0 + 1, y0, tx * (1 - ty)}, {x0, y0 + 1, (1 - tx) * ty}, {x0 + 1, y0 + 1, tx * ty}} {
		i := src.PixOffset(clamp(p.x), clamp(p.y))
		for k := range 4 {
			c[k] += p.w * float64(src.Pix[i+k])
		}
	}
	return c
}

// writeICO writes an .ico with one image per size: 32-bit BMP for the small ones (which every
// consumer reads, NSIS included) and PNG for 256×256, as Windows does since Vista.
func writeICO(w io.Writer, src *image.RGBA, sizes []int) error {
	if len(sizes) == 0 {
		return errors.New("no sizes")
	}
	images := make([][]byte, len(sizes))
	for i, n := range sizes {
		m := resize(src, n)
		if n >= 256 {
			var buf bytes.Buffer
			if err := png.Encode(&buf, m); err != nil {
				return fmt.Errorf("%d: %w", n, err)
			}
			images[i] = buf.Bytes()
		} else {
			images[i] = dib(m)
		}
	}
	// ICONDIR, then one ICONDIRENTRY per image, then the images.
	hdr := []uint16{0, 1, uint16(len(sizes))}
	if err := binary.Write(w, binary.LittleEndian, hdr); err != nil {
		return err
	}
	offset := 6 + 16*len(sizes)
	for i, n := range sizes {
		entry := struct {
			Width, Height, Colors, Reserved uint8
			Planes, BitCount                uint16
			Size, Offset                    uint32
		}{uint8(n % 256), uint8(n % 256), 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)}
		if err := binary.Write(w, binary.LittleEndian, entry); err != nil {
			return err
		}
		offset += len(images[i])
	}
	for _, b := range images {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// dib is an icon image in BMP form: a BITMAPINFOHEADER of twice the height (colour plus mask),
// bottom-up rows of straight-alpha BGRA, then the 1-bit AND mask (all zero: alpha decides).
func dib(m *image.RGBA) []byte {
	n := m.Bounds().Dx()
	maskRow := (n + 31) / 32 * 4
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, struct {
		Size                 uint32
		Width, Height        int32
		Planes, BitCount     uint16
		Compression, SizeImg uint32
		XPels, YPels         int32
		ClrUsed, ClrImp      uint32
	}{40, int32(n), int32(2 * n), 1, 32, 0, uint32(n*n*4 + maskRow*n), 0, 0, 0, 0})
	for y := n - 1; y >= 0; y-- {
		for x := 0; x < n; x++ {
			c := color.NRGBAModel.Convert(m.RGBAAt(x, y)).(color.NRGBA)
			buf.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	buf.Write(make([]byte, maskRow*n))
	return buf.Bytes()
}
