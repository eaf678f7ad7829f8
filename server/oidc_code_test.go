package server

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestCheckCode(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rec := codeRecord{ClientID: "rp", RedirectURI: "https://rp.example/cb",
		Challenge: pkceChallenge(verifier), Expires: now.Add(time.Minute).Unix()}
	good := url.Values{"redirect_uri": {rec.RedirectURI}, "code_verifier": {verifier}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range good {
			f[key] = vals
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	cases := []struct {
		name    string
		client  string
		form    url.Values
		at      time.Time
		wantErr bool
	}{
		{"valid", "rp", good, now, false},
		{"expired code", "rp", good, now.Add(time.Minute), true},
		{"another client", "other", good, now, true},
		{"redirect off by one", "rp", with("redirect_uri", rec.RedirectURI+"/"), now, true},
		{"missing verifier", "rp", with("code_verifier", ""), now, true},
		{"wrong verifier", "rp", with("code_verifier", verifier[:42]+"A"), now, true},
		{"short verifier", "rp", with("code_verifier", "abc"), now, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkCode(rec, oauthClient{id: tc.client}, tc.form, tc.at)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got %v, want error %v", err, tc.wantErr)
			}
			var oe *oauthError
			if err != nil && (!errors.As(err, &oe) || oe.Code != codeInvalidGrant) {
				t.Errorf("got %v, want invalid_grant", err)
			}
		})
	}
}
