package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// verifyOptions are the flags of `hubjwt verify`.
type verifyOptions struct {
	jwks, issuer, audience, require, resource, version string
	revocations                                        string
	groups                                             []string
	model                                              *scopes.Model // from --config, with custom scopes
	leeway                                             time.Duration
}

func newVerifyCmd() *cobra.Command {
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify TOKEN --jwks URL|FILE --issuer ISS --audience AUD",
		Short: "Verify a token offline and print its claims as JSON",
		Long: "Verify a token offline against a JWK Set and print its claims as JSON.\n" +
			"TOKEN - reads the token from standard input. Exit status 0 when the token is\n" +
			"valid (and allows --require), 1 with one line on standard error otherwise.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("config") {
				cfg, err := loadConfig(cmd, nil)
				if err != nil {
					return exitCode(1, err)
				}
				if !cmd.Flags().Changed("jupyterhub-version") {
					o.version = cfg.Scopes.JupyterHubVersion
				}
				if o.model, err = scopeModel(cfg); err != nil {
					return exitCode(1, err)
				}
			}
			claims, err := runVerify(cmd.Context(), args[0], cmd.InOrStdin(), o)
			if err != nil {
				return exitCode(1, err)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(claims)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.jwks, "jwks", "", "JWK Set `URL` (http, https) or file (required)")
	f.StringVar(&o.issuer, "issuer", "", "expected iss (required)")
	f.StringVar(&o.audience, "audience", "", "this service's audience, expected in aud (required)")
	f.StringVar(&o.require, "require", "", "scope name the token must allow, such as read:users")
	f.StringVar(&o.resource, "resource", "", "resource for --require: user=NAME, "+
		"server=USER/NAME, group=G or service=S; none means unfiltered")
	f.StringSliceVar(&o.groups, "groups", nil, "group membership USER=G1,G2, repeatable")
	f.StringVar(&o.version, "jupyterhub-version", string(scopes.Latest),
		"JupyterHub scope table: 3.0 or latest")
	f.DurationVar(&o.leeway, "leeway", token.DefaultLeeway, "clock skew allowed for exp, nbf and iat")
	f.StringVar(&o.revocations, "revocations", "", "revocation feed `URL` (GET /v1/revocations "+
		"of the issuer); the token must not be revoked there")
	return cmd
}

func runVerify(ctx context.Context, arg string, stdin io.Reader, o verifyOptions) (*token.Claims, error) {
	for _, req := range [][2]string{{"jwks", o.jwks}, {"issuer", o.issuer}, {"audience", o.audience}} {
		if req[1] == "" {
			return nil, fmt.Errorf("--%s is missing", req[0])
		}
	}
	raw, err := readToken(arg, stdin)
	if err != nil {
		return nil, err
	}
	keys, keySet, closeKeys, err := keySource(ctx, o.jwks)
	if err != nil {
		return nil, err
	}
	defer closeKeys()
	var opts []token.VerifierOption
	if o.revocations != "" {
		list, err := fetchRevocations(ctx, o.revocations, o.issuer, keySet)
		if err != nil {
			return nil, err
		}
		opts = append(opts, token.WithRevocationList(list))
	}
	if o.leeway < 0 {
		return nil, fmt.Errorf("--leeway %s is negative: use 0 for none or a duration such as 30s",
			o.leeway)
	}
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: o.issuer, Audience: o.audience,
		Leeway: token.ExactLeeway(o.leeway)}, keys, opts...)
	if err != nil {
		return nil, err
	}
	claims, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if o.require != "" {
		if err := requireScope(claims, o); err != nil {
			return nil, err
		}
	}
	return claims, nil
}

// requireScope checks --require against the token's scopes with the same code
// as `hubjwt scopes check`.
func requireScope(claims *token.Claims, o verifyOptions) error {
	m := o.model
	if m == nil || string(m.Version()) != o.version {
		v, err := scopes.ParseVersion(o.version)
		if err != nil {
			return err
		}
		if m, err = scopes.NewModel(v, nil); err != nil {
			return err
		}
	}
	owner := scopes.Owner{Kind: scopes.OwnerKind(claims.Kind), Name: claims.Subject}
	allowed, err := check(m, owner, claims.Scopes(), o.require, o.resource, o.groups)
	if err != nil {
		return err
	}
	if !allowed {
		on := "unfiltered"
		if o.resource != "" {
			on = "on " + o.resource
		}
		return fmt.Errorf("%w: the token does not allow %s %s", token.ErrInsufficientScope,
			o.require, on)
	}
	return nil
}

// maxTokenInput bounds what verify reads from standard input and maxJWKSFile
// a --jwks file, so a wrong pipe or path fails fast instead of filling memory.
const (
	maxTokenInput = 64 << 10
	maxJWKSFile   = 1 << 20
)

// readToken returns arg, or the token on stdin when arg is "-".
func readToken(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return strings.TrimSpace(arg), nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, maxTokenInput+1))
	if err != nil {
		return "", fmt.Errorf("read the token from standard input: %w", err)
	}
	if len(b) > maxTokenInput {
		return "", fmt.Errorf("standard input exceeds %d bytes: pipe in one token", maxTokenInput)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", errors.New("standard input is empty: pipe the token in, or pass it as TOKEN")
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return "", errors.New("standard input contains more than one word: pipe in one token")
	}
	return tok, nil
}

// keySource opens --jwks: a URL is fetched and cached, anything else is a
// file. It also returns the JWK Set, which verifies the revocation feed.
func keySource(ctx context.Context, loc string) (token.KeySource,
	func(context.Context) (jwk.Set, error), func(), error) {
	if lower := strings.ToLower(loc); strings.HasPrefix(lower, "http://") ||
		strings.HasPrefix(lower, "https://") {
		fetchCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		r, err := token.NewRemoteKeys(fetchCtx, loc, token.RemoteOptions{})
		if err != nil {
			return nil, nil, nil, err
		}
		return r, r.Set, r.Close, nil
	}
	b, err := readFileLimited(loc, maxJWKSFile)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read --jwks file: %w", err)
	}
	set, _, err := token.ParseSet(b)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("parse --jwks file %s: %w", loc, err)
	}
	s, err := token.NewStaticKeys(set)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, func(context.Context) (jwk.Set, error) { return set, nil }, func() {}, nil
}

// fetchRevocations reads the signed revocation feed once, verifies it against
// the issuer's keys and returns it as a revocation list.
func fetchRevocations(ctx context.Context, url, issuer string,
	keys func(context.Context) (jwk.Set, error)) (*revocation.Mirror, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("--revocations %q: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the revocation feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the revocation feed %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, revocation.MaxFeedSize+1))
	if err != nil {
		return nil, fmt.Errorf("read the revocation feed: %w", err)
	}
	set, err := keys(ctx)
	if err != nil {
		return nil, err
	}
	feed, err := revocation.VerifyFeed(body, set, issuer)
	if err != nil {
		return nil, err
	}
	m := revocation.NewMirror(revocation.MirrorConfig{Logger: slog.New(slog.DiscardHandler)})
	m.Apply(revocation.Update{Entries: feed.Entries, Generation: feed.Generation, Full: true})
	return m, nil
}

// readFileLimited reads path, failing when it is larger than limit bytes or
// not a regular file.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s exceeds %d bytes", path, limit)
	}
	return b, nil
}
