package echoauth_test

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/echoauth"
	"github.com/hubjwt/hubjwt/token/httpauth"
	"github.com/hubjwt/hubjwt/token/internal/authtest"
)

// serve starts the table's routes behind echo middleware built from opts.
func serve(t *testing.T, opts httpauth.Options) string {
	t.Helper()
	mw, err := echoauth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	whoami := func(c echo.Context) error {
		claims, ok := echoauth.ClaimsFrom(c)
		if !ok {
			return c.String(http.StatusInternalServerError, "no claims in the context")
		}
		if stored, _ := c.Get(echoauth.ClaimsKey).(*token.Claims); stored != claims {
			return c.String(http.StatusInternalServerError, "ClaimsKey holds other claims")
		}
		return c.String(http.StatusOK, claims.Subject+"\n")
	}
	e := echo.New()
	e.GET("/servers/:user/", whoami, mw)
	e.GET("/servers/:user/:server", whoami, mw)
	return authtest.NewLoopbackServer(t, e).URL
}

func TestMiddlewareTable(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier, Realm: authtest.Realm,
		TokenScheme: true,
		Authorizer:  httpauth.RequireScope(authtest.RequiredScope, authtest.ServerFromPath)})
	for _, c := range authtest.Cases(t, f) {
		t.Run(c.Name, func(t *testing.T) { authtest.Check(t, url, c) })
	}
}

func TestNewRejectsMissingVerifier(t *testing.T) {
	if _, err := echoauth.New(httpauth.Options{}); err == nil {
		t.Fatal("New without a verifier: got nil error, want one")
	}
}
