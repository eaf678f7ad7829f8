package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/revocation/redisstore"
)

// BenchmarkAdd measures revocations stored per second in a redis-server started
// by the harness, without persistence and with AOF fsync on every write, from
// 8×GOMAXPROCS goroutines sharing one client, as concurrent admin requests would.
func BenchmarkAdd(b *testing.B) {
	for _, aof := range []bool{false, true} {
		name := "no persistence"
		var opts []redistest.Option
		if aof {
			name, opts = "aof fsync always", []redistest.Option{redistest.WithAOF()}
		}
		b.Run(name, func(b *testing.B) {
			srv := redistest.Start(b, opts...)
			store := benchStore(b, srv)
			var n atomic.Int64
			now := time.Now()
			start := time.Now()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e, err := policy.Token(fmt.Sprintf("jti-%d", n.Add(1)), time.Time{}, now, "")
					if err == nil {
						err = store.Add(context.Background(), e)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "adds/s")
		})
	}
}

func benchStore(b *testing.B, srv *redistest.Server) *redisstore.Store {
	b.Helper()
	s, err := redisstore.New(srv.Client(b), redisstore.Options{List: "bench", Policy: policy})
	if err != nil {
		b.Fatal(err)
	}
	return s
}
