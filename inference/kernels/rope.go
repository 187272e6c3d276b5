package kernels

import (
	"fmt"
	"math"
)

// RoPEAngles writes the cosines and sines of the NEOX rotation at position pos (headDim/2 of
// each), computed as llama.cpp does: θ_i = pos · r^i with r = θ^(−2/headDim) built by repeated
// f32 multiplication, then cos and sin. They depend only on the position, so a decode step
// computes them once and every layer and head reuses them.
func RoPEAngles(cs, sn []float32, headDim, pos int, theta float32) {
	half := headDim / 2
	if len(cs) < half || len(sn) < half {
		panic(fmt.Sprintf("kernels: RoPEAngles: tables of %d/%d for head dimension %d", len(cs), len(sn), headDim))
	}
	thetaScale := float32(math.Pow(float64(theta), float64(float32(-2)/float32(headDim))))
	angle := float32(pos)
	for i := range half {
		cs[i] = float32(math.Cos(float64(angle)))
		sn[i] = float32(math.Sin(float64(angle)))
		angle *= thetaScale
	}
}

// RoPENeoxTable rotates each head of x (nHeads × headDim) by the angles of RoPEAngles: the
// halves (x[i], x[i+headDim/2]) form the pairs.
func RoPENeoxTable(x []float32, nHeads, headDim int, cs, sn []float32) {
	if headDim <= 0 || headDim%2 != 0 || len(x) != nHeads*headDim {
		panic(fmt.Sprintf("kernels: RoPENeoxTable: %d elements for %d heads of %d", len(x), nHeads, headDim))
	}
	if len(cs) < headDim/2 || len(sn) < headDim/2 {
		panic(fmt.Sprintf("kernels: RoPENeoxTable: tables of %d/%d for head dimension %d", len(cs), len(sn), headDim))
	}
	ropeTable(x, nHeads, headDim, cs, sn)
}
