package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/token"
)

func newMintCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mint --subject NAME --scope S...",
		Short: "Mint an access token with the local key store",
		Long: "Mint an access token and print it on standard output. The token is signed\n" +
			"with the active key of the store in data_dir; when a hubjwt serve holds that\n" +
			"store, the token is minted through its admin API instead.",
		Args: cobra.NoArgs,
	}
	subject := cmd.Flags().String("subject", "", "JupyterHub user or service `NAME` (required)")
	kind := cmd.Flags().String("kind", token.KindUser, "subject kind: user or service")
	scopeList := cmd.Flags().StringSlice("scope", nil, "scope to grant, repeatable or "+
		"comma-separated (required; inherit grants every scope the owner holds)")
	audience := cmd.Flags().StringSlice("audience", nil, "aud value (default token.default_audience)")
	ttl := cmd.Flags().Duration("ttl", 0, "token lifetime, such as 5m (default token.default_ttl)")
	asJSON := cmd.Flags().Bool("json", false, "print the whole token response as JSON")
	addAdminFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *subject == "" {
			return errors.New("--subject is missing: name the user or service the token is for")
		}
		if len(*scopeList) == 0 {
			return errors.New("--scope is missing: name the scopes to grant, or use " +
				"--scope inherit for every scope the owner holds")
		}
		cfg, err := loadConfig(cmd, nil)
		if err != nil {
			return err
		}
		if *ttl < 0 || *ttl > cfg.Token.MaxTTL {
			return fmt.Errorf("--ttl %s is not valid: use a positive duration up to "+
				"token.max_ttl (%s)", *ttl, cfg.Token.MaxTTL)
		}
		var resp struct {
			AccessToken string   `json:"access_token"`
			TokenType   string   `json:"token_type"`
			ExpiresIn   int64    `json:"expires_in"`
			Scope       string   `json:"scope"`
			Dropped     []string `json:"dropped_scopes,omitempty"`
		}
		keys, closeStore, err := openStore(cmd, cfg)
		switch {
		case errors.Is(err, errUseAdminAPI):
			client, cerr := newAdminClient(cmd, cfg)
			if cerr != nil {
				return cerr
			}
			body := map[string]any{"subject": *subject, "kind": *kind, "scopes": *scopeList,
				"audience": *audience}
			if *ttl > 0 {
				body["expires_in"] = int64(*ttl / time.Second)
			}
			if err := client.do(cmd.Context(), "POST", "/v1/tokens", body, &resp); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			defer closeStore()
			granter, err := newGranter(cfg, grantOptions{})
			if err != nil {
				return err
			}
			grant, err := granter.Grant(cmd.Context(), *kind, *subject, *scopeList)
			if err != nil {
				return err
			}
			resp.Dropped = grant.Dropped
			if len(grant.Scopes) == 0 {
				return fmt.Errorf("%s %s has none of the requested scopes: request scopes "+
					"the owner holds, or inherit", *kind, *subject)
			}
			tok, err := newMinter(cfg, keys.keys).Mint(token.Request{
				Subject: *subject, Kind: *kind, Scopes: grant.Scopes, Audience: *audience,
				TTL: *ttl, ClientID: "hubjwt-cli", Inherit: grant.Inherit,
			})
			if err != nil {
				return err
			}
			resp.AccessToken, resp.TokenType, resp.Scope = tok.Raw, "Bearer", tok.Claims.Scope
			resp.ExpiresIn = int64(tok.Claims.ExpiresAt - tok.Claims.IssuedAt)
		}
		if len(resp.Dropped) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "hubjwt: %s does not hold, so the token lacks: %s\n",
				*subject, strings.Join(resp.Dropped, " "))
		}
		if *asJSON {
			return json.NewEncoder(cmd.OutOrStdout()).Encode(resp)
		}
		fmt.Fprintln(cmd.OutOrStdout(), resp.AccessToken)
		return nil
	}
	return cmd
}
