package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/boltdb"
	"github.com/hubjwt/hubjwt/jwks"
)

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List and rotate signing keys",
		Long: "List and rotate signing keys. When a hubjwt serve holds the embedded store,\n" +
			"these commands call its admin API; otherwise they open the store directly.",
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
			return keysAction(cmd, http.MethodPost, "/v1/keys/rotate", func(ctx context.Context,
				m *jwks.Manager) error {
				_, err := m.Rotate(ctx, "hubjwt keys rotate")
				return err
			})
		},
	}
	for _, c := range []*cobra.Command{list, rotate} {
		addAdminFlags(c)
		c.Flags().Bool("json", false, "print JSON instead of a table")
	}
	cmd.AddCommand(list, rotate)
	return cmd
}

// keysList is the admin API's and the local store's answer alike.
type keysList struct {
	Active string      `json:"active_kid"`
	Keys   []jwks.Info `json:"keys"`
}

// keysAction runs change (nil for a read) on the local store when no server
// holds it, and otherwise calls the admin API route; then prints the keys.
func keysAction(cmd *cobra.Command, method, route string,
	change func(context.Context, *jwks.Manager) error) error {
	cfg, err := loadConfig(cmd, nil)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var out keysList
	m, closeStore, err := openLocalKeys(ctx, cfg)
	switch {
	case errors.Is(err, boltdb.ErrLocked):
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
			if err := change(ctx, m); err != nil {
				return err
			}
		}
		out = keysList{Active: m.ActiveKeyID(), Keys: m.Keys()}
	}
	asJSON, _ := cmd.Flags().GetBool("json")
	return printKeys(cmd.OutOrStdout(), out, asJSON)
}

// openLocalKeys opens the embedded key store, failing fast with
// boltdb.ErrLocked when a server holds it.
func openLocalKeys(ctx context.Context, cfg config.Config) (*jwks.Manager, func(), error) {
	db, err := boltdb.Open(cfg.DataDir, 200*time.Millisecond)
	if err != nil {
		return nil, nil, err
	}
	m, err := openKeys(ctx, cfg, db, slog.New(slog.DiscardHandler))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return m, func() { db.Close() }, nil
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
