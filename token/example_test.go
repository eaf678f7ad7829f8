package token_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

const exampleIssuer = "https://hub.example.org/hubjwt"

// exampleIssuerKeys returns a key manager with one ES256 key and a minter that
// signs with it, standing in for a running hubjwt serve.
func exampleIssuerKeys() (*jwks.Manager, *token.Minter) {
	keys, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: "ES256"})
	if err != nil {
		log.Fatal(err)
	}
	if err := keys.Load(context.Background()); err != nil {
		log.Fatal(err)
	}
	minter := token.NewMinter(token.MinterConfig{Issuer: exampleIssuer,
		DefaultTTL: 5 * time.Minute, MaxTTL: time.Hour,
		DefaultAudience: []string{"jupyterhub-user-alice"}}, keys, nil)
	return keys, minter
}

func mustMint(m *token.Minter, req token.Request) string {
	tok, err := m.Mint(req)
	if err != nil {
		log.Fatal(err)
	}
	return tok.Raw
}

// A single-user server fetches the issuer's JWK Set over HTTP, caches it and
// verifies tokens offline.
func ExampleNewRemoteKeys() {
	keys, minter := exampleIssuerKeys()
	jwksServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(keys.Document().Body)
	}))
	defer jwksServer.Close()

	ctx := context.Background()
	remote, err := token.NewRemoteKeys(ctx, jwksServer.URL+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer remote.Close()
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: exampleIssuer,
		Audience: "jupyterhub-user-alice"}, remote)
	if err != nil {
		log.Fatal(err)
	}

	raw := mustMint(minter, token.Request{Subject: "alice",
		Scopes: []string{"access:servers!server=alice/"}})
	claims, err := verifier.Verify(ctx, raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject, claims.Scope)
	// Output: alice access:servers!server=alice/
}

// Required scopes make Verify itself reject a token that lacks them.
func ExampleWithRequiredScopes() {
	keys, minter := exampleIssuerKeys()
	static, err := token.NewStaticKeys(keys.Document().Set)
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: exampleIssuer,
		Audience: "jupyterhub-user-alice"}, static,
		token.WithRequiredScopes("access:servers!server=alice/"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, scope := range []string{"access:servers!user=alice", "access:servers!server=bob/"} {
		raw := mustMint(minter, token.Request{Subject: "alice", Scopes: []string{scope}})
		_, err := verifier.Verify(ctx, raw)
		fmt.Printf("%s: insufficient scope %v\n", scope,
			errors.Is(err, token.ErrInsufficientScope))
	}
	// Output:
	// access:servers!user=alice: insufficient scope false
	// access:servers!server=bob/: insufficient scope true
}

// Access checks a verified token against resources that a request names, with
// a group lookup for `!group=` filters.
func ExampleVerifier_Access() {
	keys, minter := exampleIssuerKeys()
	static, err := token.NewStaticKeys(keys.Document().Set)
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: exampleIssuer,
		Audience: "jupyterhub-user-alice"}, static,
		token.WithGroupLookup(scopes.Groups{"bob": {"team"}}))
	if err != nil {
		log.Fatal(err)
	}
	raw := mustMint(minter, token.Request{Subject: "alice",
		Scopes: []string{"read:users!user=alice", "access:servers!group=team"}})
	claims, err := verifier.Verify(context.Background(), raw)
	if err != nil {
		log.Fatal(err)
	}
	access, err := verifier.Access(claims)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(access.Allows("read:users", scopes.UserResource("alice", nil)))
	fmt.Println(access.Allows("read:users", scopes.UserResource("bob", nil)))
	fmt.Println(access.OpensServer(scopes.ServerAccess{User: "bob"}))
	fmt.Println(access.OpensServer(scopes.ServerAccess{User: "carol"}))
	// Output:
	// true
	// false
	// true
	// false
}

// A revocation mirror makes Verify reject revoked tokens. Here an entry is
// added by hand; in a service a source keeps the mirror current (see the
// Redis example and revocation.NewFeedSource for the signed HTTP feed).
func ExampleWithRevocationList() {
	keys, minter := exampleIssuerKeys()
	static, err := token.NewStaticKeys(keys.Document().Set)
	if err != nil {
		log.Fatal(err)
	}
	mirror := revocation.NewMirror(revocation.MirrorConfig{})
	mirror.Apply(revocation.Update{Generation: "g1", Full: true})
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: exampleIssuer,
		Audience: "jupyterhub-user-alice"}, static, token.WithRevocationList(mirror))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := minter.Mint(token.Request{Subject: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = verifier.Verify(ctx, tok.Raw)
	fmt.Println("before:", err)
	mirror.Add(revocation.Entry{Kind: revocation.KindToken, JTI: tok.Claims.ID,
		CreatedAt: time.Now(), ExpiresAt: tok.Claims.ExpiresAt.Time()})
	_, err = verifier.Verify(ctx, tok.Raw)
	fmt.Println("after:", errors.Is(err, token.ErrRevoked))
	// Output:
	// before: <nil>
	// after: true
}

// A service that can reach the issuer's Redis follows the revocation list
// from it directly. The example needs a Redis server, so it is compiled but
// not run.
func ExampleWithRevocationList_redis() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	mirror := revocation.NewMirror(revocation.MirrorConfig{
		Source: redisstore.NewSource(client, redisstore.SourceOptions{})})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = mirror.Run(ctx) }()

	keys, err := token.NewRemoteKeys(ctx, exampleIssuer+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer keys.Close()
	_, err = token.NewVerifier(token.VerifierConfig{Issuer: exampleIssuer,
		Audience: "service-reports"}, keys, token.WithRevocationList(mirror))
	if err != nil {
		log.Fatal(err)
	}
}
