package hubapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// maxResponse is the largest response body read from the hub. A user model
	// with many groups and servers stays well below it.
	maxResponse = 1 << 20
	// maxMessage is the longest hub error message kept in a StatusError.
	maxMessage = 300
	// defaultTimeout applies when New gets a nil *http.Client.
	defaultTimeout = 10 * time.Second
)

// Client calls a JupyterHub REST API with a service's token. It is safe for
// concurrent use.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New returns a Client for the API at baseURL, such as
// http://127.0.0.1:8081/hub/api, authenticated with serviceToken. A nil
// httpClient means a client with a 10-second timeout.
func New(baseURL, serviceToken string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("hubapi: %w %q: give an absolute http or https URL "+
			"such as http://127.0.0.1:8081/hub/api", ErrInvalidURL, baseURL)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Client{base: u, token: serviceToken, http: httpClient}, nil
}

// request describes one API call.
type request struct {
	method string
	path   string // below the API base, already escaped, such as /users/bob
	token  string // credential for this call
	body   any    // encoded as JSON when non-nil
	// identify is true when token is the token under test rather than the
	// client's credential, so that 401 and 403 mean ErrInvalidToken.
	identify bool
}

// do sends r and decodes a 2xx JSON response into out, unless out is nil.
func (c *Client) do(ctx context.Context, r request, out any) error {
	fullPath := c.base.Path + r.path
	req, err := c.newRequest(ctx, r, fullPath)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return transportError(r.method, fullPath, err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return transportError(r.method, fullPath, err)
	}
	if len(body) > maxResponse {
		return fmt.Errorf("hubapi: %s %s: %w: body larger than %d bytes",
			r.method, fullPath, ErrResponse, maxResponse)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{
			Method:  r.method,
			Path:    fullPath,
			Status:  resp.StatusCode,
			Message: hubMessage(body),
			err:     statusSentinel(resp.StatusCode, r.identify),
		}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("hubapi: %s %s: %w: %w", r.method, fullPath, ErrResponse, err)
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, r request,
	fullPath string) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		data, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("hubapi: %s %s: encode body: %w", r.method, fullPath, err)
		}
		body = bytes.NewReader(data)
	}
	u := *c.base
	u.Path = fullPath
	u.RawPath = c.base.EscapedPath() + r.path
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("hubapi: %s %s: %w", r.method, fullPath, err)
	}
	req.Header.Set("Authorization", "token "+r.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// transportError wraps a failure to get a response. A request cancelled by
// the caller is not the hub's fault and does not match ErrUnavailable, but a
// timeout or a refused connection does.
func transportError(method, path string, err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("hubapi: %s %s: %w", method, path, err)
	}
	return fmt.Errorf("hubapi: %s %s: %w: %w", method, path, ErrUnavailable, err)
}

// hubMessage returns the "message" field of a JupyterHub error body, cut to
// maxMessage bytes, or "" when the body has none.
func hubMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if len(e.Message) > maxMessage {
		return e.Message[:maxMessage] + "..."
	}
	return e.Message
}

// userPath returns /users/{name} with name escaped, followed by rest.
func userPath(name string, rest ...string) string {
	p := "/users/" + url.PathEscape(name)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}
