package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/token"
)

// The benchmarks below come in pairs: the full operation and its floor, the
// bare signature primitive of crypto/ecdsa or crypto/ed25519 on the same
// bytes. docs/performance.md records the ratios.

var benchAlgs = []string{"ES256", "EdDSA"}

func BenchmarkVerify(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			raw := f.mint(b, token.Request{Scopes: tenScopes()}).Raw
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.verifier.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyPrimitive(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			raw := f.mint(b, token.Request{Scopes: tenScopes()}).Raw
			input := []byte(raw[:strings.LastIndexByte(raw, '.')])
			sig, err := base64.RawURLEncoding.DecodeString(raw[strings.LastIndexByte(raw, '.')+1:])
			if err != nil {
				b.Fatal(err)
			}
			key, _ := f.publicSet().LookupKeyID(f.keys.ActiveKeyID())
			var pub any
			if err := jwk.Export(key, &pub); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			switch k := pub.(type) {
			case *ecdsa.PublicKey:
				for b.Loop() {
					sum := sha256.Sum256(input)
					r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
					if !ecdsa.Verify(k, sum[:], r, s) {
						b.Fatal("signature does not verify")
					}
				}
			case ed25519.PublicKey:
				for b.Loop() {
					if !ed25519.Verify(k, input, sig) {
						b.Fatal("signature does not verify")
					}
				}
			default:
				b.Fatalf("unexpected key type %T", pub)
			}
		})
	}
}

func BenchmarkMint(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			req := token.Request{Subject: "alice", Scopes: tenScopes()}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.minter.Mint(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// primitiveSign returns the bare signing of a size-byte input: SHA-256 and
// ECDSA for ES256, Ed25519 for EdDSA.
func primitiveSign(b *testing.B, alg string, size int) func() {
	input := []byte(strings.Repeat("x", size))
	if alg == "ES256" {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		return func() {
			sum := sha256.Sum256(input)
			if _, _, err := ecdsa.Sign(rand.Reader, k, sum[:]); err != nil {
				b.Fatal(err)
			}
		}
	}
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return func() { ed25519.Sign(k, input) }
}

func tenScopes() []string {
	return []string{
		"read:users!user=alice", "read:users:name!user=alice", "read:users:groups!user=alice",
		"read:users:activity!user=alice", "users:activity!user=alice", "servers!user=alice",
		"read:servers!user=alice", "delete:servers!user=alice", "tokens!user=alice",
		"access:servers!server=alice/",
	}
}
