package httpauth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
)

// A service guards /users/{name} with read:users on the user in the path.
func ExampleRequireScope() {
	keys, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: "ES256"})
	if err != nil {
		log.Fatal(err)
	}
	if err := keys.Load(context.Background()); err != nil {
		log.Fatal(err)
	}
	const issuer = "https://hub.example.org/hubjwt"
	static, err := token.NewStaticKeys(keys.Document().Set)
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: issuer,
		Audience: "service-reports"}, static)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := httpauth.New(httpauth.Options{Verifier: verifier, Realm: "reports",
		Authorizer: httpauth.RequireScope("read:users",
			func(r *http.Request) (scopes.Resource, error) {
				return scopes.UserResource(r.PathValue("name"), nil), nil
			})})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /users/{name}", auth.Middleware(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			claims, _ := token.ClaimsFromContext(r.Context())
			fmt.Fprintf(w, "hello %s", claims.Subject)
		})))

	minter := token.NewMinter(token.MinterConfig{Issuer: issuer, DefaultTTL: time.Minute,
		MaxTTL: time.Hour, DefaultAudience: []string{"service-reports"}}, keys, nil)
	tok, err := minter.Mint(token.Request{Subject: "alice",
		Scopes: []string{"read:users!user=alice"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range []string{"/users/alice", "/users/bob"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Raw)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(path, rec.Code, rec.Header().Get("WWW-Authenticate") != "")
	}
	req := httptest.NewRequest("GET", "/users/alice", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// /users/alice 200 false
	// /users/bob 403 true
	// 401 Bearer realm="reports"
}
