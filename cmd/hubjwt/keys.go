package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/boltdb"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
)

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List, rotate, retire and revoke signing keys",
		Long: "List, rotate, retire and revoke signing keys. With the Redis store these commands\n" +
			"change the store directly. When a hubjwt serve holds the embedded store, they\n" +
			"call its admin API; otherwise they open the store directly.",
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List every key with its state and timestamps",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keysAction(cmd, http.MethodGet, "/v1/keys", nil)
		},
	}
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Make the next key active, retire the active key, create a new next key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			force, _ := cmd.Flags().GetBool("force")
			route := "/v1/keys/rotate"
			if force {
				route += "?force=true"
			}
			return keysAction(cmd, http.MethodPost, route, func(ctx context.Context,
				l localKeys) error {
				if !force {
					err := jwks.CheckPrepublished(l.keys.Keys(), l.cfg.Keys.Prepublish, time.Now())
					if err != nil {
						return fmt.Errorf("%w (--force)", err)
					}
				}
				_, err := l.keys.Rotate(ctx, "hubjwt keys rotate")
				return err
			})
		},
	}
	retire := &cobra.Command{
		Use:   "retire KID",
		Short: "Stop a key from signing; it stays published until its tokens expire",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kid := args[0]
			force, _ := cmd.Flags().GetBool("force")
			route := "/v1/keys/" + url.PathEscape(kid) + "/retire"
			if force {
				route += "?force=true"
			}
			return keysAction(cmd, http.MethodPost, route,
				func(ctx context.Context, l localKeys) error {
					if !force && kid == l.keys.ActiveKeyID() {
						err := jwks.CheckPrepublished(l.keys.Keys(), l.cfg.Keys.Prepublish, time.Now())
						if err != nil {
							return fmt.Errorf("%w (--force)", err)
						}
					}
					_, err := l.keys.Retire(ctx, kid, "hubjwt keys retire")
					return err
				})
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke KID",
		Short: "Withdraw a compromised key at once and revoke every token it signed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kid := args[0]
			return keysAction(cmd, http.MethodPost, "/v1/keys/"+url.PathEscape(kid)+"/revoke",
				func(ctx context.Context, l localKeys) error { return l.revoke(ctx, kid) })
		},
	}
	retire.Flags().Bool("force", false, "retire the active key even when the next key is "+
		"published for less than keys.prepublish")
	rotate.Flags().Bool("force", false, "rotate even when the next key is published for less "+
		"than keys.prepublish, so verifiers with a cached JWK Set may reject new tokens")
	for _, c := range []*cobra.Command{list, rotate, retire, revoke} {
		addAdminFlags(c)
		c.Flags().Bool("json", false, "print JSON instead of a table")
	}
	cmd.AddCommand(list, rotate, retire, revoke)
	return cmd
}

// localKeys is the key set and revocation store opened directly.
type localKeys struct {
	cfg         config.Config
	keys        *jwks.Manager
	revocations revocation.Store
}

// revoke enters kid in the revocation list, then withdraws it from the JWK Set.
func (l localKeys) revoke(ctx context.Context, kid string) error {
	found := false
	for _, k := range l.keys.Keys() {
		found = found || k.ID == kid
	}
	if !found {
		return fmt.Errorf("%w: kid %q: run hubjwt keys list to see the stored kids",
			jwks.ErrKeyNotFound, kid)
	}
	until := time.Now().Add(l.cfg.Token.MaxTTL + l.cfg.Token.Leeway)
	r := keyRevoker{store: l.revocations, policy: revocationPolicy(l.cfg)}
	if err := r.RevokeKey(ctx, kid, until); err != nil {
		return err
	}
	_, err := l.keys.Revoke(ctx, kid, "hubjwt keys revoke")
	return err
}

// keysList is the key listing, from the admin API or the local store alike.
type keysList struct {
	Active string      `json:"active_kid"`
	Keys   []jwks.Info `json:"keys"`
}

// keysAction runs change (nil for a read) on the store directly when no
// server holds it, and otherwise calls the admin API route. Then it prints the
// keys.
func keysAction(cmd *cobra.Command, method, route string,
	change func(context.Context, localKeys) error) error {
	cfg, err := loadConfig(cmd, nil)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var out keysList
	local, closeStore, err := openStore(cmd, cfg)
	switch {
	case errors.Is(err, errUseAdminAPI):
		client, cerr := newAdminClient(cmd, cfg)
		if cerr != nil {
			return cerr
		}
		if err := client.do(ctx, method, route, nil, &out); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		defer closeStore()
		if change != nil {
			if err := change(ctx, local); err != nil {
				return err
			}
		}
		out = keysList{Active: local.keys.ActiveKeyID(), Keys: local.keys.Keys()}
	}
	asJSON, _ := cmd.Flags().GetBool("json")
	return printKeys(cmd.OutOrStdout(), out, asJSON)
}

// openLocalKeys opens the key and revocation stores directly. With the
// embedded store it fails fast with boltdb.ErrLocked when a server holds it.
func openLocalKeys(ctx context.Context, cfg config.Config) (localKeys, func(), error) {
	db, err := boltdb.Open(cfg.DataDir, 200*time.Millisecond)
	if err != nil && !(cfg.Redis.Enabled() && errors.Is(err, boltdb.ErrLocked)) {
		return localKeys{}, nil, err
	}

	closeAll := func() {
		if db != nil {
			db.Close()
		}
	}
	if err != nil {
		// A running server holds the embedded file, but Redis holds the keys.
		db = nil
	}
	b, err := openKeyBackend(cfg, db)
	if err != nil {
		closeAll()
		return localKeys{}, nil, err
	}
	log := slog.New(slog.DiscardHandler)
	m, err := openKeys(ctx, cfg, b, log)
	if err != nil {
		closeAll()
		return localKeys{}, nil, err
	}
	revs, err := openRevocationStore(cfg, db, b, log)
	if err != nil {
		closeAll()
		return localKeys{}, nil, err
	}
	return localKeys{cfg: cfg, keys: m, revocations: revs}, closeAll, nil
}

func printKeys(w io.Writer, l keysList, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(l)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KID\tALG\tSTATE\tCREATED\tACTIVATED\tRETIRED\tREMOVE AT")
	for _, k := range l.Keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Algorithm, k.State,
			k.CreatedAt.Format(time.RFC3339), stamp(k.ActivatedAt), stamp(k.RetiredAt),
			stamp(k.RemoveAt))
	}
	return tw.Flush()
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
