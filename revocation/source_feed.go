package revocation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// FeedSourceConfig configures a FeedSource. URL, Issuer and Keys are required.
type FeedSourceConfig struct {
	// URL is the feed's address, such as https://hubjwt.example/v1/revocations.
	URL string
	// Issuer is the iss the feed must carry.
	Issuer string
	// Keys returns the issuer's JWK Set; pass a cached remote JWKS so key rotation
	// is followed.
	Keys func(ctx context.Context) (jwk.Set, error)
	// PollInterval is the wait between two requests. Zero means 5 seconds.
	PollInterval time.Duration
	// HTTPClient sends the requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
}

// FeedSource feeds a Mirror from the signed HTTP feed: a full feed first, then
// the changes after its cursor every poll interval, with If-None-Match so an
// unchanged feed costs a 304. It rejects a feed with a bad signature, another
// typ or iss, or one older than a feed already applied (iat or, within one
// generation, cursor going backwards). Use one FeedSource per Mirror.
type FeedSource struct {
	cfg FeedSourceConfig

	mu         sync.Mutex // guards the fields below, the state of the last feed applied
	issuedAt   time.Time
	cursor     string
	generation string
	etag       string
}

var _ Source = (*FeedSource)(nil)

// NewFeedSource checks cfg and returns a FeedSource.
func NewFeedSource(cfg FeedSourceConfig) (*FeedSource, error) {
	if _, err := url.Parse(cfg.URL); err != nil || cfg.URL == "" {
		return nil, fmt.Errorf("revocation: feed URL %q is invalid: give the "+
			"address of GET /v1/revocations", cfg.URL)
	}
	if cfg.Issuer == "" {
		return nil, errors.New("revocation: feed issuer is missing: give the issuer URL")
	}
	if cfg.Keys == nil {
		return nil, errors.New("revocation: feed keys function is missing: pass a " +
			"function returning the issuer's JWK Set")
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 5 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &FeedSource{cfg: cfg}, nil
}

// Sync fetches the full feed, then the changes every poll interval, until ctx
// ends, a request fails or a feed is rejected.
func (s *FeedSource) Sync(ctx context.Context, sink Sink) error {
	if err := s.poll(ctx, sink, true); err != nil {
		return err
	}
	for {
		if !sleep(ctx, s.cfg.PollInterval) {
			return ctx.Err()
		}
		if err := s.poll(ctx, sink, false); err != nil {
			return err
		}
	}
}

// poll fetches one feed, the full one or the changes after the last cursor, and
// applies it.
func (s *FeedSource) poll(ctx context.Context, sink Sink, full bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	since := ""
	if !full {
		since = s.cursor
	}
	body, etag, err := s.fetch(ctx, since, full)
	if err != nil {
		return err
	}
	if body == nil { // 304 Not Modified
		sink.Synced()
		return nil
	}
	keys, err := s.cfg.Keys(ctx)
	if err != nil {
		return fmt.Errorf("revocation: feed keys: %w", err)
	}
	f, err := VerifyFeed(body, keys, s.cfg.Issuer)
	if err != nil {
		return err
	}
	if err := s.checkOrder(f, since); err != nil {
		return err
	}
	sink.Apply(Update{Entries: f.Entries, Generation: f.Generation, Full: f.Full})
	s.issuedAt, s.cursor, s.generation, s.etag = f.IssuedAt, f.Cursor, f.Generation, etag
	return nil
}

// checkOrder rejects a feed older than the last one applied and a change feed
// that does not continue from the requested cursor. The caller holds s.mu.
func (s *FeedSource) checkOrder(f Feed, since string) error {
	if f.IssuedAt.Before(s.issuedAt) {
		return fmt.Errorf("%w: iat %s is before the last feed's %s (replayed feed)",
			ErrInvalidFeed, f.IssuedAt.Format(time.RFC3339), s.issuedAt.Format(time.RFC3339))
	}
	if !f.Full && f.Since != since {
		return fmt.Errorf("%w: change feed since %q does not continue from cursor %q",
			ErrInvalidFeed, f.Since, since)
	}
	if s.generation == "" || f.Generation != s.generation {
		return nil
	}
	order, ok := CompareCursors(f.Cursor, s.cursor)
	if ok && order < 0 {
		return fmt.Errorf("%w: cursor %q is before the last feed's %q (replayed feed)",
			ErrInvalidFeed, f.Cursor, s.cursor)
	}
	return nil
}

// fetch sends one request and returns the body, or nil on 304 Not Modified.
func (s *FeedSource) fetch(ctx context.Context, since string, full bool) ([]byte, string, error) {
	target := s.cfg.URL
	if since != "" {
		u, _ := url.Parse(target)
		q := u.Query()
		q.Set("since", since)
		u.RawQuery = q.Encode()
		target = u.String()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, "", fmt.Errorf("revocation: feed request: %w", err)
	}
	if !full && s.etag != "" {
		req.Header.Set("If-None-Match", s.etag)
	}

	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("revocation: fetch feed %s: %w", target, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, s.etag, nil
	case http.StatusOK:
	default:
		return nil, "", fmt.Errorf("revocation: fetch feed %s: status %s", target, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxFeedSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("revocation: read feed %s: %w", target, err)
	}
	return body, resp.Header.Get("ETag"), nil
}
