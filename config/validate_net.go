package config

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// checkListen requires host:port with a numeric port; an empty host means
// every interface.
func checkListen(listen string) *FieldError {
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return invalid("listen", listen, "not host:port", "write it like 127.0.0.1:8090")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return invalid("listen", listen, "invalid port",
			"use a port number from 0 to 65535, as in 127.0.0.1:8090")
	}
	return nil
}

// checkIssuer requires an absolute http(s) URL without query or fragment, as
// RFC 8414 section 2 requires of an issuer identifier.
func checkIssuer(issuer string) *FieldError {
	const fix = "write an absolute URL such as https://hub.example.org/hubjwt"
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		return invalid("issuer", issuer, "not a URL", fix)
	case u.Scheme != "http" && u.Scheme != "https":
		return invalid("issuer", issuer, "not an http or https URL", fix)
	case u.Host == "":
		return invalid("issuer", issuer, "no host", fix)
	case u.User != nil:
		return invalid("issuer", issuer, "contains user info", "remove the user@ part")
	case u.RawQuery != "" || u.ForceQuery:
		return invalid("issuer", issuer, "has a query", "remove the ?... part")
	case u.Fragment != "" || strings.Contains(issuer, "#"):
		return invalid("issuer", issuer, "has a fragment", "remove the #... part")
	}
	return nil
}

// checkHubURL accepts an empty value (no hub) or an absolute http(s) URL.
func checkHubURL(raw string) *FieldError {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("jupyterhub.api_url", raw, "not an absolute http or https URL",
			"write the hub API base, such as http://127.0.0.1:8081/hub/api")
	}
	return nil
}

// check validates the Redis backend choice.
func (r Redis) check() []error {
	var errs []error
	if r.URL != "" && len(r.Addrs) > 0 {
		errs = append(errs, invalid("redis.url", redactURL(r.URL), "set together with redis.addrs",
			"use redis.url for one server, or redis.addrs for Cluster or Sentinel, not both"))
	}
	if r.URL != "" {
		if err := checkRedisURL(r.URL); err != nil {
			errs = append(errs, err)
		}
	}
	for _, addr := range r.Addrs {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			errs = append(errs, invalid("redis.addrs", addr, "not host:port",
				"write each address like 127.0.0.1:6379"))
		}
	}
	if r.MasterName != "" && len(r.Addrs) == 0 {
		errs = append(errs, invalid("redis.master_name", r.MasterName, "set without redis.addrs",
			"list the Sentinel addresses in redis.addrs"))
	}
	return errs
}

// checkRedisURL accepts the schemes go-redis ParseURL reads. The value is
// redacted, since the URL may carry a password.
func checkRedisURL(raw string) *FieldError {
	const fix = "write it like redis://127.0.0.1:6379/0, rediss://host:6380 or " +
		"unix:///run/redis.sock"
	u, err := url.Parse(raw)
	if err != nil {
		return invalid("redis.url", redactURL(raw), "not a URL", fix)
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Host == "" {
			return invalid("redis.url", redactURL(raw), "no host", fix)
		}
	case "unix":
		if u.Path == "" {
			return invalid("redis.url", redactURL(raw), "no socket path", fix)
		}
	default:
		return invalid("redis.url", redactURL(raw), "unsupported scheme "+strconv.Quote(u.Scheme), fix)
	}
	return nil
}

// checkOrigin accepts * or a browser origin: scheme://host[:port] without a path.
func checkOrigin(key, origin string) *FieldError {
	if origin == "*" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return invalid(key, origin, "not an origin",
			"write scheme://host[:port] with no path, such as https://lab.example.org, or *")
	}
	return nil
}

// checkRedirectURI requires an absolute URI without a fragment, as RFC 6749
// section 3.1.2 does.
func checkRedirectURI(key, uri string) *FieldError {
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || u.Host == "" && u.Opaque == "" {
		return invalid(key, uri, "not an absolute URI",
			"write the full URI, such as https://lab.example.org/oauth_callback")
	}
	if u.Fragment != "" || strings.Contains(uri, "#") {
		return invalid(key, uri, "has a fragment", "remove the #... part")
	}
	return nil
}
