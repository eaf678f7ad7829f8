package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
)

func newRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke --jti ID | --subject NAME [--kind K] [--before TIME] | --kid KID",
		Short: "Revoke a token, every token of a subject, or every token of a key",
		Long: "Add an entry to the revocation list. --jti revokes one token; --subject\n" +
			"revokes every token of that user or service issued before --before (default\n" +
			"now, RFC 3339); --kid revokes every token the key signed. When a hubjwt serve\n" +
			"holds the embedded store, the entry goes through its admin API.",
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	jti := f.String("jti", "", "jti of the token to revoke")
	exp := f.Int64("exp", 0, "the token's exp (Unix seconds); the entry is kept until then")
	subject := f.String("subject", "", "user or service `NAME` whose tokens to revoke")
	kind := f.String("kind", token.KindUser, "subject kind: user or service")
	before := f.String("before", "", "revoke tokens issued before this RFC 3339 `TIME` (default now)")
	kid := f.String("kid", "", "kid of the key whose tokens to revoke")
	reason := f.String("reason", "hubjwt revoke", "reason recorded with the entry")
	addAdminFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		req := map[string]any{"reason": *reason}
		given := 0
		if *exp < 0 || *exp > 253402300799 {
			return fmt.Errorf("--exp %d is not a time in seconds since 1970 before the year "+
				"10000: give the token's exp", *exp)
		}
		if *jti != "" {
			given++
			req["jti"] = *jti
			if *exp > 0 {
				req["exp"] = *exp
			}
		}
		var beforeTime time.Time
		if *subject != "" {
			given++
			req["subject"], req["kind"] = *subject, *kind
			if *before != "" {
				t, err := time.Parse(time.RFC3339, *before)
				if err != nil {
					return fmt.Errorf("--before %q is not an RFC 3339 time such as "+
						"2026-12-03T10:00:00Z", *before)
				}
				beforeTime, req["before"] = t, t
			}
		}
		if *kid != "" {
			given++
			req["kid"] = *kid
		}
		if given != 1 {
			return errors.New("give exactly one of --jti, --subject or --kid")
		}
		cfg, err := loadConfig(cmd, nil)
		if err != nil {
			return err
		}
		var entry revocation.Entry
		local, closeStore, err := openStore(cmd, cfg)
		switch {
		case errors.Is(err, errUseAdminAPI):
			client, cerr := newAdminClient(cmd, cfg)
			if cerr != nil {
				return cerr
			}
			if err := client.do(cmd.Context(), "POST", "/v1/revocations", req, &entry); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			defer closeStore()
			policy, now := revocationPolicy(cfg), time.Now()
			switch {
			case *jti != "":
				var e time.Time
				if *exp > 0 {
					e = time.Unix(*exp, 0)
				}
				entry, err = policy.Token(*jti, e, now, *reason)
			case *subject != "":
				entry, err = policy.Subject(*kind, *subject, beforeTime, now, *reason)
			default:
				for _, k := range local.keys.Keys() {
					if k.ID == *kid && (k.State == jwks.StateActive || k.State == jwks.StateNext) {
						return fmt.Errorf("key %s is %s: use hubjwt keys revoke %s, which also "+
							"withdraws it from the JWK Set", *kid, k.State, *kid)
					}
				}
				entry, err = policy.Key(*kid, time.Time{}, now, *reason)
			}
			if err != nil {
				return err
			}
			if err := local.revocations.Add(cmd.Context(), entry); err != nil {
				return err
			}
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(entry)
	}
	return cmd
}
