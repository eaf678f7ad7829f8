package sidecar_test

import (
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/internal/authtest"
)

// latencyRounds and latencyBlock shape the interleaved comparison: rounds of
// blocks of requests, alternating the proxied and the direct request, so that
// both see the same machine load.
const (
	latencyRounds = 8
	latencyBlock  = 200
)

// BenchmarkProxyVsDirect reports the time of one GET through the sidecar
// (token verification, the access check and the reverse proxy hop) as a ratio
// to the same GET sent straight to the upstream, medians of interleaved rounds
// over loopback with keep-alive connections. A bare httputil.ReverseProxy is
// measured in the same rounds, to separate the hop from the token check.
// Custom metrics: proxied-ns, bare-proxy-ns, direct-ns, added-ns (proxied
// minus direct), x-direct and x-bare-proxy (the ratios).
func BenchmarkProxyVsDirect(b *testing.B) {
	f := authtest.NewFixture(b)
	up := startUpstream(b).url
	proxy := startProxy(b, f, up, "alice", nil)
	tok := f.Mint(b, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(url, auth string) func() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return func() {
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	}
	target, _ := url.Parse(up)
	bare := authtest.NewLoopbackServer(b, httputil.NewSingleHostReverseProxy(target)).URL
	proxied := get(proxy+"/user/alice/api/status", "Bearer "+tok.Raw)
	hop := get(bare+"/user/alice/api/status", "")
	direct := get(up+"/user/alice/api/status", "")
	var proxiedNs, hopNs, directNs []float64
	for b.Loop() {
		proxiedNs, hopNs, directNs = proxiedNs[:0], hopNs[:0], directNs[:0]
		for r := 0; r < latencyRounds; r++ {
			proxiedNs = append(proxiedNs, timeBlock(proxied))
			hopNs = append(hopNs, timeBlock(hop))
			directNs = append(directNs, timeBlock(direct))
		}
	}
	pm, hm, dm := median(proxiedNs), median(hopNs), median(directNs)
	b.ReportMetric(pm, "proxied-ns")
	b.ReportMetric(hm, "bare-proxy-ns")
	b.ReportMetric(dm, "direct-ns")
	b.ReportMetric(pm-dm, "added-ns")
	b.ReportMetric(pm/dm, "x-direct")
	b.ReportMetric(pm/hm, "x-bare-proxy")
}

func timeBlock(op func()) float64 {
	start := time.Now()
	for i := 0; i < latencyBlock; i++ {
		op()
	}
	return float64(time.Since(start).Nanoseconds()) / latencyBlock
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
