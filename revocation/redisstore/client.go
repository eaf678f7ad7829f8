package redisstore

import (
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// NewClient returns a client for the configuration keys redis.url, redis.addrs and
// redis.master_name. With addrs, it is a Sentinel client when masterName is set,
// a Cluster client for two or more addresses and a single-server client otherwise.
// With only url (redis://[user:pass@]host:port/db or rediss://), it is a
// single-server client, or a Sentinel client of the sentinel at that address when
// masterName is set. A non-empty password overrides the URL's.
func NewClient(url string, addrs []string, masterName, password string) (redis.UniversalClient, error) {
	if len(addrs) > 0 {
		return redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs: addrs, MasterName: masterName, Password: password,
		}), nil
	}
	if url == "" {
		return nil, errors.New("redisstore: redis.url and redis.addrs are both empty: " +
			"set redis.url (redis://127.0.0.1:6379/0) or redis.addrs")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: redis.url is invalid: %w", err)
	}
	if password != "" {
		opts.Password = password
	}
	if masterName == "" {
		return redis.NewClient(opts), nil
	}
	return redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: masterName, SentinelAddrs: []string{opts.Addr},
		Username: opts.Username, Password: opts.Password, DB: opts.DB, TLSConfig: opts.TLSConfig,
	}), nil
}
