package token_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
)

// BenchmarkVerifyWithMirror reports Verify with a revocation mirror of 100,000
// entries attached as a ratio to Verify without one, interleaved (x-floor).
// Target: under 1.05.
func BenchmarkVerifyWithMirror(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			f := newFixture(b, alg)
			raw := f.mint(b, token.Request{Scopes: tenScopes()}).Raw
			mirror := revocation.NewMirror(revocation.MirrorConfig{
				Now: func() time.Time { return epoch }, Logger: slog.New(slog.DiscardHandler)})
			entries := make([]revocation.Entry, 0, 100_000)
			for i := range cap(entries) {
				entries = append(entries, revocation.Entry{Kind: revocation.KindToken,
					JTI: fmt.Sprintf("jti-%d", i), CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour)})
			}
			mirror.Apply(revocation.Update{Entries: entries, Generation: "g1", Full: true})
			src, err := token.NewStaticKeys(f.publicSet())
			if err != nil {
				b.Fatal(err)
			}
			clock := token.WithVerifierClock(func() time.Time { return epoch })
			cfg := token.VerifierConfig{Issuer: testIssuer, Audience: testAudience}
			with, err := token.NewVerifier(cfg, src, clock, token.WithRevocationList(mirror))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			verify := func(v *token.Verifier) func() {
				return func() {
					if _, err := v.Verify(ctx, raw); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportRatioRounds(b, "mirror-ns", 64, 25, verify(with), verify(f.verifier))
		})
	}
}
