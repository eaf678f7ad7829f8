package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/token"
)

// ratioRounds and ratioBlock shape the interleaved comparison: rounds of
// blocks of iterations, alternating the operation and its floor, so that both
// see the same machine load.
const (
	ratioRounds = 8
	ratioBlock  = 200
)

// BenchmarkVerifyVsFloor reports Verifier.Verify's time as a ratio to the raw
// signature primitive on the same bytes, as the median of interleaved rounds.
// Custom metrics: verify-ns, floor-ns and x-floor (the ratio).
func BenchmarkVerifyVsFloor(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			raw := f.mint(b, token.Request{Scopes: tenScopes()}).Raw
			floor := primitiveVerify(b, f, raw)
			ctx := context.Background()
			full := func() {
				if _, err := f.verifier.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
			reportRatio(b, "verify-ns", full, floor)
		})
	}
}

// BenchmarkMintVsFloor reports Minter.Mint's time as a ratio to the raw
// signing primitive on a payload of the same size.
func BenchmarkMintVsFloor(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			req := token.Request{Subject: "alice", Scopes: tenScopes()}
			raw := f.mint(b, req).Raw
			floor := primitiveSign(b, alg, len(raw))
			full := func() {
				if _, err := f.minter.Mint(req); err != nil {
					b.Fatal(err)
				}
			}
			reportRatio(b, "mint-ns", full, floor)
		})
	}
}

func reportRatio(b *testing.B, name string, full, floor func()) {
	reportRatioRounds(b, name, ratioRounds, ratioBlock, full, floor)
}

// reportRatioRounds is reportRatio with the number of rounds and the block
// size given; more, shorter rounds resist load changes better.
func reportRatioRounds(b *testing.B, name string, rounds, block int, full, floor func()) {
	var fullNs, floorNs []float64
	for b.Loop() {
		fullNs, floorNs = fullNs[:0], floorNs[:0]
		for r := 0; r < rounds; r++ {
			fullNs = append(fullNs, timeBlock(full, block))
			floorNs = append(floorNs, timeBlock(floor, block))
		}
	}
	fm, lm := median(fullNs), median(floorNs)
	b.ReportMetric(fm, name)
	b.ReportMetric(lm, "floor-ns")
	b.ReportMetric(fm/lm, "x-floor")
}

func timeBlock(op func(), block int) float64 {
	start := time.Now()
	for i := 0; i < block; i++ {
		op()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(block)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// primitiveVerify returns the bare signature check of raw: SHA-256 and ECDSA
// for ES256, Ed25519 for EdDSA.
func primitiveVerify(b *testing.B, f *fixture, raw string) func() {
	dot := strings.LastIndexByte(raw, '.')
	input := []byte(raw[:dot])
	sig, err := base64.RawURLEncoding.DecodeString(raw[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	key, _ := f.publicSet().LookupKeyID(f.keys.ActiveKeyID())
	var pub any
	if err := jwk.Export(key, &pub); err != nil {
		b.Fatal(err)
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return func() {
			sum := sha256.Sum256(input)
			if !ecdsa.Verify(k, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
				b.Fatal("signature does not verify")
			}
		}
	case ed25519.PublicKey:
		return func() {
			if !ed25519.Verify(k, input, sig) {
				b.Fatal("signature does not verify")
			}
		}
	}
	b.Fatalf("unexpected key type %T", pub)
	return nil
}
