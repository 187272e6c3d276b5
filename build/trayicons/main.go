// Command trayicons draws the tray's state icons: build/tray-STATE.png (64×64, Linux and macOS)
// and build/tray-STATE.ico (16, 32 and 64 px, Windows), for the states idle, contributing,
// serving and error. They are the app icon's "A" of three nodes (build/appicon.png), drawn so
// that a state reads by shape, not only by colour: hollow nodes when idle, filled ones when
// contributing, amber links when serving, a red "!" badge on error.
//
//	go run ./build/trayicons   (from the repository root; `go generate` on tray_window.go runs it)
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// The palette of the interface (frontend/src/styles.css).
var (
	panel  = rgb(0x16, 0x1a, 0x24)
	muted  = rgb(0x9a, 0xa0, 0xad)
	dim    = rgb(0x5d, 0x64, 0x75)
	link   = rgb(0x9a, 0xa5, 0xbd)
	ok     = rgb(0x3e, 0xcf, 0x8e)
	accent = rgb(0x6e, 0xa8, 0xfe)
	warn   = rgb(0xf0, 0xb4, 0x29)
	bad    = rgb(0xe5, 0x48, 0x4d)
	white  = rgb(0xff, 0xff, 0xff)
)

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 255} }

// Shapes are signed distance functions on the app icon's 256-unit grid: negative inside.
type shape func(x, y float64) float64

func disc(cx, cy, r float64) shape {
	return func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) - r }
}

func ring(cx, cy, r, w float64) shape {
	return func(x, y float64) float64 { return math.Abs(math.Hypot(x-cx, y-cy)-r) - w/2 }
}

// segment is a line from (ax, ay) to (bx, by) w units wide with round ends.
func segment(ax, ay, bx, by, w float64) shape {
	return func(x, y float64) float64 {
		dx, dy := bx-ax, by-ay
		t := math.Max(0, math.Min(1, ((x-ax)*dx+(y-ay)*dy)/(dx*dx+dy*dy)))
		return math.Hypot(x-(ax+t*dx), y-(ay+t*dy)) - w/2
	}
}

func roundRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) float64 {
		qx := math.Max(math.Abs(x-(x0+x1)/2)-((x1-x0)/2-r), 0)
		qy := math.Max(math.Abs(y-(y0+y1)/2)-((y1-y0)/2-r), 0)
		return math.Hypot(qx, qy) - r
	}
}

type layer struct {
	s shape
	c color.NRGBA
}

// The nodes and links of the "A".
const (
	topX, topY     = 128.0, 62.0
	leftX, leftY   = 60.0, 192.0
	rightX, rightY = 196.0, 192.0
	nodeR          = 30.0
	linkW          = 16.0
)

func icon(state string) []layer {
	ls := []layer{{roundRect(4, 4, 252, 252, 56), panel}}
	links := func(c color.NRGBA) {
		bar := 0.5 // the crossbar at half height
		ls = append(ls,
			layer{segment(topX, topY, leftX, leftY, linkW), c},
			layer{segment(topX, topY, rightX, rightY, linkW), c},
			layer{segment(topX+(leftX-topX)*bar, topY+(leftY-topY)*bar, topX+(rightX-topX)*bar, topY+(rightY-topY)*bar, linkW), c})
	}
	filled := func(top, others color.NRGBA) {
		ls = append(ls, layer{disc(topX, topY, nodeR), top}, layer{disc(leftX, leftY, nodeR), others}, layer{disc(rightX, rightY, nodeR), others})
	}
	hollow := func(c color.NRGBA) {
		for _, p := range [][2]float64{{topX, topY}, {leftX, leftY}, {rightX, rightY}} {
			ls = append(ls, layer{disc(p[0], p[1], nodeR), panel}, layer{ring(p[0], p[1], nodeR-7, 14), c})
		}
	}
	switch state {
	case "idle":
		links(dim)
		hollow(muted)
	case "contributing":
		links(link)
		filled(ok, accent)
	case "serving":
		links(warn)
		filled(ok, accent)
		ls = append(ls, layer{ring(topX, topY, nodeR+12, 9), warn})
	case "error":
		links(dim)
		hollow(muted)
		bx, by := 188.0, 188.0
		ls = append(ls, layer{disc(bx, by, 66), panel}, layer{disc(bx, by, 58), bad},
			layer{segment(bx, by-34, bx, by+6, 20), white}, layer{disc(bx, by+30, 11), white})
	default:
		panic("unknown state " + state)
	}
	return ls
}

// render draws the layers at size×size pixels; each edge is antialiased over one pixel.
func render(ls []layer, size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	unit := 256 / float64(size) // grid units per pixel
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			x, y := (float64(px)+0.5)*unit, (float64(py)+0.5)*unit
			var r, g, b, a float64 // premultiplied, 0..1
			for _, l := range ls {
				cov := math.Max(0, math.Min(1, 0.5-l.s(x, y)/unit))
				if cov == 0 {
					continue
				}
				ca := cov * float64(l.c.A) / 255
				r = float64(l.c.R)/255*ca + r*(1-ca)
				g = float64(l.c.G)/255*ca + g*(1-ca)
				b = float64(l.c.B)/255*ca + b*(1-ca)
				a = ca + a*(1-ca)
			}
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{uint8(math.Round(r / a * 255)), uint8(math.Round(g / a * 255)),
					uint8(math.Round(b / a * 255)), uint8(math.Round(a * 255))})
			}
		}
	}
	return img
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// ico packs PNG images (each under 256 px) into one .ico file, which Windows reads since Vista.
func ico(sizes []int, pngs [][]byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, 0) // reserved
	b = binary.LittleEndian.AppendUint16(b, 1)    // type: icon
	b = binary.LittleEndian.AppendUint16(b, uint16(len(pngs)))
	offset := 6 + 16*len(pngs)
	for i, p := range pngs {
		b = append(b, byte(sizes[i]), byte(sizes[i]), 0, 0) // width, height, no palette, reserved
		b = binary.LittleEndian.AppendUint16(b, 1)          // colour planes
		b = binary.LittleEndian.AppendUint16(b, 32)         // bits per pixel
		b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
		b = binary.LittleEndian.AppendUint32(b, uint32(offset))
		offset += len(p)
	}
	for _, p := range pngs {
		b = append(b, p...)
	}
	return b
}

func main() {
	out := flag.String("o", "build", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "trayicons:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	for _, state := range []string{"idle", "contributing", "serving", "error"} {
		ls := icon(state)
		big, err := encode(render(ls, 64))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "tray-"+state+".png"), big, 0o644); err != nil {
			return fmt.Errorf("write %s icon: %w", state, err)
		}
		sizes := []int{16, 32, 64}
		var pngs [][]byte
		for _, s := range sizes[:2] {
			p, err := encode(render(ls, s))
			if err != nil {
				return err
			}
			pngs = append(pngs, p)
		}
		pngs = append(pngs, big)
		if err := os.WriteFile(filepath.Join(out, "tray-"+state+".ico"), ico(sizes, pngs), 0o644); err != nil {
			return fmt.Errorf("write %s icon: %w", state, err)
		}
	}
	return nil
}
