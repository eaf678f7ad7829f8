// Package boltdb opens the embedded bbolt file that the key store and the
// revocation store share, so that one process holds one file handle.
package boltdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the database file inside data_dir.
const FileName = "hubjwt.db"

// ErrLocked is returned when another process holds the database file open.
var ErrLocked = errors.New("boltdb: database is in use by another process")

// Open creates dataDir (mode 0700) when missing and opens its database file
// with mode 0600. It waits at most lockWait for another process to release
// the file and then returns ErrLocked.
func Open(dataDir string, lockWait time.Duration) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("boltdb: create data_dir %q: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (stop the other hubjwt serve, or use its admin API)",
			ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("boltdb: open %q: %w", path, err)
	}
	return db, nil
}
